package org.jdsm.simulator.linearizability;

import java.util.Optional;

/**
 * The checker's verdict on a whole history, with its size and, when it is not linearizable, a counter-example.
 * <p>
 * <b>Note:</b> immutable, so threadsafe.
 */
public final class CheckResult
{
    private final Verdict verdict;
    private final int operations;
    private final int partitions;
    private final int largestPartition;
    private final long exploredStates;
    private final String unknownKey;
    private final CounterExample counterExample;

    CheckResult(
        final Verdict verdict,
        final int operations,
        final int partitions,
        final int largestPartition,
        final long exploredStates,
        final String unknownKey,
        final CounterExample counterExample)
    {
        this.verdict = verdict;
        this.operations = operations;
        this.partitions = partitions;
        this.largestPartition = largestPartition;
        this.exploredStates = exploredStates;
        this.unknownKey = unknownKey;
        this.counterExample = counterExample;
    }

    /**
     * @return the verdict: not linearizable if any key is not, unknown if any key hit the search limit.
     */
    public Verdict verdict()
    {
        return verdict;
    }

    /**
     * @return true only for {@link Verdict#LINEARIZABLE}.
     */
    public boolean isLinearizable()
    {
        return Verdict.LINEARIZABLE == verdict;
    }

    /**
     * @return number of operations checked.
     */
    public int operations()
    {
        return operations;
    }

    /**
     * @return number of keys, each checked on its own.
     */
    public int partitions()
    {
        return partitions;
    }

    /**
     * @return number of operations of the busiest key.
     */
    public int largestPartition()
    {
        return largestPartition;
    }

    /**
     * @return configurations the search entered, over all keys.
     */
    public long exploredStates()
    {
        return exploredStates;
    }

    /**
     * @return a counter-example when the verdict is {@link Verdict#NOT_LINEARIZABLE}.
     */
    public Optional<CounterExample> counterExample()
    {
        return Optional.ofNullable(counterExample);
    }

    /**
     * A one-paragraph account for assertion messages.
     *
     * @return the text.
     */
    public String toString()
    {
        final StringBuilder sb = new StringBuilder(128)
            .append(verdict).append(": ").append(operations).append(" ops, ").append(partitions)
            .append(" keys, largest ").append(largestPartition).append(" ops, ").append(exploredStates)
            .append(" states explored");
        if (null != unknownKey)
        {
            sb.append("; search limit reached on key ").append(unknownKey);
        }
        if (null != counterExample)
        {
            sb.append('\n').append(counterExample);
        }

        return sb.toString();
    }
}
