package org.jdsm;

import java.io.Serializable;

/**
 * A unit of work sent to a node. Handles it captures travel with it: a {@link DBox} or {@link DVec} is moved,
 * a {@link Ref} or {@link Mut} is lent until the task returns, a {@link DArc} or {@link DMutex} is shared.
 *
 * @param <R> the type of the result, which travels back and must be serializable.
 */
@FunctionalInterface
public interface DsmTask<R> extends Serializable
{
    /**
     * Run on the node the task was placed on.
     *
     * @param node the node it runs on.
     * @return the result.
     * @throws Exception carried back to the caller's future as a {@link RemoteTaskException}.
     */
    R run(DsmNode node) throws Exception;
}
