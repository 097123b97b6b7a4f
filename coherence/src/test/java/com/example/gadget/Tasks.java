package com.example.gadget;

import org.jdsm.DsmNode;
import org.jdsm.DsmTask;

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
