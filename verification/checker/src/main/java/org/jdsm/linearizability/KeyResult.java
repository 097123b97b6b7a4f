package org.jdsm.linearizability;

import java.util.concurrent.TimeUnit;

/**
 * The checker's verdict on the operations of one key: how many there were, how many configurations the search
 * entered over all its rounds, how long it searched, and, when undecided, which limit stopped it.
 * <p>
 * <b>Note:</b> immutable, so threadsafe.
 */
public final class KeyResult
{
    private final String key;
    private final Verdict verdict;
    private final int operations;
    private final long exploredStates;
    private final long elapsedNs;
    private final int rounds;
    private final SearchLimit limit;

    KeyResult(
        final String key,
        final Verdict verdict,
        final int operations,
        final long exploredStates,
        final long elapsedNs,
        final int rounds,
        final SearchLimit limit)
    {
        this.key = key;
        this.verdict = verdict;
        this.operations = operations;
        this.exploredStates = exploredStates;
        this.elapsedNs = elapsedNs;
        this.rounds = rounds;
        this.limit = limit;
    }

    /**
     * @return the key.
     */
    public String key()
    {
        return key;
    }

    /**
     * @return the verdict on this key alone.
     */
    public Verdict verdict()
    {
        return verdict;
    }

    /**
     * @return operations of this key that the search considered (failed ones are dropped).
     */
    public int operations()
    {
        return operations;
    }

    /**
     * @return configurations entered over all rounds.
     */
    public long exploredStates()
    {
        return exploredStates;
    }

    /**
     * @return time spent searching this key over all rounds, in nanoseconds.
     */
    public long elapsedNs()
    {
        return elapsedNs;
    }

    /**
     * @return rounds of growing budget this key was searched in.
     */
    public int rounds()
    {
        return rounds;
    }

    /**
     * @return why the search stopped undecided, or null unless the verdict is {@link Verdict#UNKNOWN}.
     */
    public SearchLimit limit()
    {
        return limit;
    }

    /**
     * One line, e.g. {@code k3: UNKNOWN (time limit) 412 ops, 1200000 states, 3 rounds, 512 ms}.
     *
     * @return the text.
     */
    public String toString()
    {
        final StringBuilder sb = new StringBuilder(96).append(key).append(": ").append(verdict);
        if (null != limit)
        {
            sb.append(" (").append(limit.name().toLowerCase()).append(" limit)");
        }

        return sb.append(' ').append(operations).append(" ops, ").append(exploredStates).append(" states, ")
            .append(rounds).append(rounds == 1 ? " round, " : " rounds, ")
            .append(TimeUnit.NANOSECONDS.toMillis(elapsedNs)).append(" ms").toString();
    }
}
