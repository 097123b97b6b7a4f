package org.jdsm.simulator.linearizability;

import java.util.List;

/**
 * Why a history is not linearizable: a small sub-history of one key that already is not, found by cutting the
 * key's history at the earliest response where it fails and then dropping every read-only operation it does not
 * need. Both steps are sound: if this sub-history has no linearization, neither has the whole history.
 * <p>
 * <b>Note:</b> immutable, so threadsafe.
 */
public final class CounterExample
{
    private final String key;
    private final String modelName;
    private final int partitionSize;
    private final List<Op> ops;
    private final List<Op> longestLinearization;
    private final Op blockedOp;

    CounterExample(
        final String key,
        final String modelName,
        final int partitionSize,
        final List<Op> ops,
        final List<Op> longestLinearization,
        final Op blockedOp)
    {
        this.key = key;
        this.modelName = modelName;
        this.partitionSize = partitionSize;
        this.ops = List.copyOf(ops);
        this.longestLinearization = List.copyOf(longestLinearization);
        this.blockedOp = blockedOp;
    }

    /**
     * @return the key whose operations are not linearizable.
     */
    public String key()
    {
        return key;
    }

    /**
     * @return number of operations of that key in the whole history.
     */
    public int partitionSize()
    {
        return partitionSize;
    }

    /**
     * The operations of the sub-history, by invocation time, with their ids in the whole history.
     *
     * @return the operations.
     */
    public List<Op> ops()
    {
        return ops;
    }

    /**
     * The longest order of operations of the sub-history the search could build before it failed.
     *
     * @return the operations in that order.
     */
    public List<Op> longestLinearization()
    {
        return longestLinearization;
    }

    /**
     * The operation whose response that order could not get past: it can not be placed anywhere before it
     * returned.
     *
     * @return the operation.
     */
    public Op blockedOp()
    {
        return blockedOp;
    }

    /**
     * A readable account: the key, the operations, and where the search got stuck.
     *
     * @return the text.
     */
    public String toString()
    {
        final StringBuilder sb = new StringBuilder(256)
            .append("key ").append(key).append(" is not linearizable for ").append(modelName).append(": ")
            .append(ops.size()).append(" of its ").append(partitionSize).append(" ops have no linearization\n");
        for (final Op op : ops)
        {
            sb.append("  ").append(op).append('\n');
        }
        sb.append("longest linearizable order: ");
        if (longestLinearization.isEmpty())
        {
            sb.append("none");
        }
        for (int i = 0; i < longestLinearization.size(); i++)
        {
            sb.append(i > 0 ? ", #" : "#").append(longestLinearization.get(i).id());
        }
        sb.append("; then #").append(blockedOp.id()).append(" can not be linearized before it returned");

        return sb.toString();
    }
}
