package org.jdsm.linearizability;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Linearizable histories by construction: clients invoke, take effect atomically on a sequential object, and
 * respond, each step at a random tick of a logical clock, so operations of different clients overlap freely.
 */
final class RandomHistories
{
    private RandomHistories()
    {
    }

    /**
     * Reads and writes of unique values on registers that start at 0.
     *
     * @param seed         of the schedule.
     * @param clients      concurrent clients: at most this many operations overlap.
     * @param keys         registers.
     * @param ops          operations in all.
     * @param corruptIndex the first read with an id at least this one returns {@code -corruptIndex}, a value never
     *                     written; -1 for none.
     * @return the history.
     */
    static History register(final long seed, final int clients, final int keys, final int ops, final int corruptIndex)
    {
        return generate(seed, clients, keys, ops, corruptIndex, false);
    }

    /**
     * Reads, adds and get-and-adds on counters that start at 0.
     *
     * @param seed    of the schedule.
     * @param clients concurrent clients.
     * @param keys    counters.
     * @param ops     operations in all.
     * @return the history.
     */
    static History counter(final long seed, final int clients, final int keys, final int ops)
    {
        return generate(seed, clients, keys, ops, -1, true);
    }

    private static History generate(
        final long seed,
        final int clients,
        final int keys,
        final int ops,
        final int corruptIndex,
        final boolean counter)
    {
        final Random random = new Random(seed);
        final long[] values = new long[keys];
        final int[] phase = new int[clients];
        final int[] id = new int[clients];
        final int[] key = new int[clients];
        final OpKind[] kind = new OpKind[clients];
        final long[] argument = new long[clients];
        final long[] invoked = new long[clients];
        final long[] result = new long[clients];
        final List<Op> history = new ArrayList<>(ops);
        boolean corrupted = corruptIndex < 0;
        int started = 0;
        long time = 0;
        long nextValue = 1;

        while (history.size() < ops)
        {
            final int c = random.nextInt(clients);
            time++;
            switch (phase[c])
            {
                case 0:
                    if (started < ops)
                    {
                        id[c] = started++;
                        key[c] = random.nextInt(keys);
                        final int choice = random.nextInt(counter ? 3 : 2);
                        kind[c] = 0 == choice ? OpKind.READ :
                            counter ? (1 == choice ? OpKind.ADD : OpKind.GET_AND_ADD) : OpKind.WRITE;
                        argument[c] = counter ? 1 + random.nextInt(5) : nextValue++;
                        invoked[c] = time;
                        phase[c] = 1;
                    }
                    break;

                case 1:
                    result[c] = values[key[c]];
                    if (OpKind.WRITE == kind[c])
                    {
                        values[key[c]] = argument[c];
                    }
                    else if (OpKind.ADD == kind[c] || OpKind.GET_AND_ADD == kind[c])
                    {
                        values[key[c]] += argument[c];
                    }
                    phase[c] = 2;
                    break;

                default:
                    long value = OpKind.READ == kind[c] || OpKind.GET_AND_ADD == kind[c] ? result[c] : 0;
                    if (!corrupted && OpKind.READ == kind[c] && id[c] >= corruptIndex)
                    {
                        value = -corruptIndex;
                        corrupted = true;
                    }
                    history.add(new Op(id[c], c, "k" + key[c], kind[c], argument[c], 0, invoked[c], time, value));
                    phase[c] = 0;
                    break;
            }
        }

        return new History(history);
    }
}
