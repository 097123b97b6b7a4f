package com.example.gadget;

import org.jdsm.DsmNode;
import org.jdsm.DsmTask;

import java.io.Serializable;
import java.util.List;

/**
 * Tasks of an application package that is not in {@code jdsm.task.allowed.packages}: a lambda (its capturing class
 * is this one) and a task class, both allowed by the task input filter without configuration.
 */
public final class Tasks
{
    private Tasks()
    {
    }

    /**
     * @param text to measure on the node.
     * @return a task returning its length.
     */
    public static DsmTask<Integer> length(final String text)
    {
        return (node) -> text.length();
    }

    /**
     * A serializable function of the application: a lambda of it is neither a task nor a codec.
     */
    public interface Step extends Serializable
    {
        /**
         * @param x input.
         * @return output.
         */
        int apply(int x);
    }

    /**
     * @param values to transform on the node.
     * @return a task that captures a {@link Step} lambda and an immutable list, and returns an immutable list.
     */
    public static DsmTask<List<Integer>> doubled(final List<Integer> values)
    {
        final Step step = (x) -> 2 * x;
        return (node) -> List.of(step.apply(values.get(0)), step.apply(values.get(1)));
    }

    /**
     * A task class returning the number it was made with.
     */
    public static final class Named implements DsmTask<Integer>
    {
        private static final long serialVersionUID = 1L;

        private final int value;

        /**
         * @param value to return.
         */
        public Named(final int value)
        {
            this.value = value;
        }

        /**
         * {@inheritDoc}
         */
        public Integer run(final DsmNode node)
        {
            return value;
        }
    }
}
