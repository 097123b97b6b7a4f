package org.jdsm.apps;

import org.jdsm.DsmNode;
import org.jdsm.DsmTask;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * How a serving node learns that the driver is done: the driver spawns {@link #stopTask()} on it.
 * <p>
 * <b>Note:</b> one per JVM; threadsafe.
 */
final class ServeUntilStopped
{
    private static final CountDownLatch STOPPED = new CountDownLatch(1);

    private ServeUntilStopped()
    {
    }

    static DsmTask<Boolean> stopTask()
    {
        return (node) ->
        {
            STOPPED.countDown();
            return Boolean.TRUE;
        };
    }

    /**
     * Wait until the driver stops this node, or the driver is found dead.
     *
     * @param node serving.
     * @return true if stopped by the driver, false if the driver died.
     * @throws InterruptedException if interrupted.
     */
    static boolean await(final DsmNode node) throws InterruptedException
    {
        while (!STOPPED.await(100, TimeUnit.MILLISECONDS))
        {
            if (!node.isNodeAvailable(0))
            {
                return false;
            }
        }

        return true;
    }
}
