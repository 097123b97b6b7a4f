package org.jdsm.linearizability;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Histories of the shape that made the checker slow (issue 18): a map of 10 keys used by 50 clients, 2,000+
 * operations, one key so concurrent that it can not be decided within 10M states, and several keys that are provably
 * not linearizable only after hundreds of thousands of states.
 * <p>
 * Each key has 5 clients of its own (50 in all) running a sequential register: a client invokes, takes effect
 * atomically and responds, each at a random tick, so a key's ordinary operations are linearizable by construction.
 * Into that, a key gets a burst: {@code b} writes of fresh values by {@code b} clients, all invoked before any
 * returned, then, after all returned, a read of a value never written. No order of the burst makes that read
 * possible, and the search can only prove it by trying every subset of the burst: about {@code b·2^(b-1)} states.
 */
final class TargetHistories
{
    /** Clients in all. */
    static final int CLIENTS = 50;
    /** Keys in all. */
    static final int KEYS = 10;
    /** Key whose burst of {@link #PATHOLOGICAL_BURST} writes can not be decided within 10M states. */
    static final String PATHOLOGICAL_KEY = "k0";
    /** Writes in the pathological key's burst: about 2^34 states to exhaust. */
    static final int PATHOLOGICAL_BURST = 30;
    /** Bursts of the broken keys k1..k7; the smallest needs ~115k states, the largest ~2.4M. */
    static final int[] BROKEN_BURSTS = { 17, 16, 15, 14, 15, 16, 17 };
    /** A value no operation writes. */
    static final long NEVER_WRITTEN = -1;

    private static final int OPS_PER_KEY = 200;
    private static final int CLIENTS_PER_KEY = CLIENTS / KEYS;

    private TargetHistories()
    {
    }

    /**
     * The target history: k0 pathological, k1..k7 broken, k8 and k9 linearizable.
     *
     * @param seed of the schedule.
     * @return the history.
     */
    static History multiKeyWithPathologicalKey(final long seed)
    {
        final List<Op> ops = new ArrayList<>();
        for (int key = 0; key < KEYS; key++)
        {
            final int burst = 0 == key ? PATHOLOGICAL_BURST : key <= BROKEN_BURSTS.length ? BROKEN_BURSTS[key - 1] : 0;
            register(new Random(seed * 31 + key), "k" + key, key * CLIENTS_PER_KEY, burst, ops);
        }

        return new History(ops);
    }

    private static void register(
        final Random random, final String key, final int firstClient, final int burst, final List<Op> ops)
    {
        long value = 0;
        long nextValue = (firstClient + 1) * 1_000_000L;
        final int[] phase = new int[CLIENTS_PER_KEY];
        final boolean[] isWrite = new boolean[CLIENTS_PER_KEY];
        final long[] argument = new long[CLIENTS_PER_KEY];
        final long[] result = new long[CLIENTS_PER_KEY];
        final long[] invoked = new long[CLIENTS_PER_KEY];
        long time = 0;
        int started = 0;
        int done = 0;
        boolean burstDone = 0 == burst;
        while (done < OPS_PER_KEY)
        {
            time += 1 + random.nextInt(3);
            if (!burstDone && started >= OPS_PER_KEY / 2 && allIdle(phase))
            {
                // the burst: every write invoked before any returns, then a read of a value never written
                final long start = time;
                for (int i = 0; i < burst; i++)
                {
                    final int client = (firstClient + i) % CLIENTS;
                    ops.add(new Op(ops.size(), client, key, OpKind.WRITE, nextValue++, 0, start + i,
                        start + burst + 1 + i, 0));
                }
                time = start + 2L * burst + 2;
                ops.add(new Op(ops.size(), firstClient, key, OpKind.READ, 0, 0, time, time + 1, NEVER_WRITTEN));
                time += 2;
                value = nextValue - 1;
                burstDone = true;
                continue;
            }
            final int c = random.nextInt(CLIENTS_PER_KEY);
            switch (phase[c])
            {
                case 0:
                    // before the burst, running operations drain
                    if (started < OPS_PER_KEY && (burstDone || started < OPS_PER_KEY / 2))
                    {
                        started++;
                        isWrite[c] = random.nextInt(3) == 0;
                        argument[c] = isWrite[c] ? nextValue++ : 0;
                        invoked[c] = time;
                        phase[c] = 1;
                    }
                    break;

                case 1:
                    if (isWrite[c])
                    {
                        value = argument[c];
                    }
                    else
                    {
                        result[c] = value;
                    }
                    phase[c] = 2;
                    break;

                default:
                    ops.add(new Op(ops.size(), firstClient + c, key, isWrite[c] ? OpKind.WRITE : OpKind.READ,
                        argument[c], 0, invoked[c], time, isWrite[c] ? 0 : result[c]));
                    phase[c] = 0;
                    done++;
                    break;
            }
        }
    }

    private static boolean allIdle(final int[] phase)
    {
        for (final int p : phase)
        {
            if (0 != p)
            {
                return false;
            }
        }

        return true;
    }
}
