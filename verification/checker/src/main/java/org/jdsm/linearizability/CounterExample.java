package org.jdsm.linearizability;

import java.util.List;

/**
 * Why a history is not linearizable: a small sub-history of one key that already is not, found by cutting the
 * key's history at the earliest response where it fails and then dropping every read-only operation it does not
 * need. Both steps are sound: if this sub-history has no linearization, neither has the whole history.
 * <p>
 * Shrinking is bounded in time and in states per attempt, and counted ({@link #shrinkAttempts()},
 * {@link #shrinkStates()}, {@link #shrinkNs()}). An attempt the search could not decide within its budget counts as
 * not failing, so the result is always a proven failing sub-history; when attempts were undecided or time ran out,
 * {@link #isFullyShrunk()} is false, {@link #shrinkNote()} says so, and the operations are the smallest failing
 * prefix found (the whole key if no prefix was proven to fail).
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
    private final int shrinkAttempts;
    private final long shrinkStates;
    private final long shrinkNs;
    private final String shrinkNote;

    CounterExample(
        final String key,
        final String modelName,
        final int partitionSize,
        final List<Op> ops,
        final List<Op> longestLinearization,
        final Op blockedOp)
    {
        this(key, modelName, partitionSize, ops, longestLinearization, blockedOp, 0, 0, 0, "");
    }

    CounterExample(
        final String key,
        final String modelName,
        final int partitionSize,
        final List<Op> ops,
        final List<Op> longestLinearization,
        final Op blockedOp,
        final int shrinkAttempts,
        final long shrinkStates,
        final long shrinkNs,
        final String shrinkNote)
    {
        this.shrinkAttempts = shrinkAttempts;
        this.shrinkStates = shrinkStates;
        this.shrinkNs = shrinkNs;
        this.shrinkNote = shrinkNote;
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
     * @return searches run while shrinking.
     */
    public int shrinkAttempts()
    {
        return shrinkAttempts;
    }

    /**
     * @return configurations entered while shrinking, over all attempts.
     */
    public long shrinkStates()
    {
        return shrinkStates;
    }

    /**
     * @return time spent shrinking, in nanoseconds.
     */
    public long shrinkNs()
    {
        return shrinkNs;
    }

    /**
     * @return true if every shrinking attempt was decided and shrinking finished within its time budget.
     */
    public boolean isFullyShrunk()
    {
        return shrinkNote.isEmpty();
    }

    /**
     * Why shrinking stopped short, e.g. {@code could not shrink: 9 searches, 9 undecided within 200000 states
     * each; this is the smallest failing prefix found (412 of the key's 412 ops)}; empty when fully shrunk.
     *
     * @return the note, or an empty string.
     */
    public String shrinkNote()
    {
        return shrinkNote;
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
        if (!shrinkNote.isEmpty())
        {
            sb.append('\n').append(shrinkNote);
        }

        return sb.toString();
    }
}
