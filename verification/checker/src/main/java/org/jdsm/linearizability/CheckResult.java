package org.jdsm.linearizability;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The checker's verdict on a whole history: its size, a {@link KeyResult} per key, the keys left undecided, and,
 * when it is not linearizable, a counter-example.
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
    private final long elapsedNs;
    private final List<KeyResult> keyResults;
    private final List<KeyResult> unknownKeys;
    private final CounterExample counterExample;

    CheckResult(
        final Verdict verdict,
        final int operations,
        final int largestPartition,
        final long elapsedNs,
        final List<KeyResult> keyResults,
        final CounterExample counterExample)
    {
        this.verdict = verdict;
        this.operations = operations;
        this.partitions = keyResults.size();
        this.largestPartition = largestPartition;
        this.elapsedNs = elapsedNs;
        this.keyResults = List.copyOf(keyResults);
        this.counterExample = counterExample;
        long explored = 0;
        final List<KeyResult> unknown = new ArrayList<>();
        for (final KeyResult keyResult : keyResults)
        {
            explored += keyResult.exploredStates();
            if (Verdict.UNKNOWN == keyResult.verdict())
            {
                unknown.add(keyResult);
            }
        }
        this.exploredStates = explored;
        this.unknownKeys = List.copyOf(unknown);
    }

    /**
     * @return the verdict: not linearizable if any key is not, else unknown if any key is undecided.
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
     * @return number of operations checked (failed operations included, though the search drops them).
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
     * @return configurations the search entered, over all keys and rounds (shrinking not included, see
     * {@link CounterExample#shrinkStates()}).
     */
    public long exploredStates()
    {
        return exploredStates;
    }

    /**
     * @return wall-clock time of the whole check, shrinking included, in nanoseconds.
     */
    public long elapsedNs()
    {
        return elapsedNs;
    }

    /**
     * @return a verdict per key, in order of each key's first invocation.
     */
    public List<KeyResult> keyResults()
    {
        return keyResults;
    }

    /**
     * Every key left {@link Verdict#UNKNOWN}, whatever the overall verdict: a key that hit a limit, and when a key
     * was proven not linearizable, every key the check stopped searching.
     *
     * @return the undecided keys' results.
     */
    public List<KeyResult> unknownKeys()
    {
        return unknownKeys;
    }

    /**
     * @return a counter-example when the verdict is {@link Verdict#NOT_LINEARIZABLE}.
     */
    public Optional<CounterExample> counterExample()
    {
        return Optional.ofNullable(counterExample);
    }

    /**
     * The summary line, then one line per key.
     *
     * @return the text.
     */
    public String report()
    {
        final StringBuilder sb = new StringBuilder(256).append(summary()).append(" in ")
            .append(TimeUnit.NANOSECONDS.toMillis(elapsedNs)).append(" ms\n");
        for (final KeyResult keyResult : keyResults)
        {
            sb.append("  ").append(keyResult).append('\n');
        }
        if (null != counterExample)
        {
            sb.append(counterExample).append('\n').append("shrunk in ").append(counterExample.shrinkAttempts())
                .append(" searches, ").append(counterExample.shrinkStates()).append(" states, ")
                .append(TimeUnit.NANOSECONDS.toMillis(counterExample.shrinkNs())).append(" ms\n");
        }

        return sb.toString();
    }

    /**
     * A one-paragraph account for assertion messages: the summary, the undecided keys, the counter-example.
     *
     * @return the text.
     */
    public String toString()
    {
        final StringBuilder sb = new StringBuilder(128).append(summary());
        if (!unknownKeys.isEmpty())
        {
            sb.append("; search limit reached on key").append(unknownKeys.size() > 1 ? "s " : " ");
            for (int i = 0; i < unknownKeys.size(); i++)
            {
                final KeyResult unknown = unknownKeys.get(i);
                sb.append(i > 0 ? ", " : "").append(unknown.key()).append(" (")
                    .append(unknown.limit().name().toLowerCase()).append(", ").append(unknown.exploredStates())
                    .append(" states)");
            }
        }
        if (null != counterExample)
        {
            sb.append('\n').append(counterExample);
        }

        return sb.toString();
    }

    private String summary()
    {
        return verdict + ": " + operations + " ops, " + partitions + " keys, largest " + largestPartition +
            " ops, " + exploredStates + " states explored";
    }
}
