package org.jdsm.linearizability;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Wing &amp; Gong's search for a linearization of the operations of one key, as improved by Lowe ("Testing for
 * linearizability", 2017): invocations and responses sit in one doubly-linked list by time; the search walks it,
 * linearizing an operation when its invocation is reached and the model accepts it (lifting its invocation and
 * response out of the list), and backtracks when it reaches the response of an operation it has not linearized.
 * Each (set of linearized operations, model state) configuration is entered at most once: a configuration already
 * seen has already failed.
 * <p>
 * Configurations are remembered as 64-bit fingerprints in a {@link FingerprintSet}, 8 bytes each: the linearized set
 * is hashed incrementally (Zobrist: a random 64-bit word per operation, XORed in when it is linearized and out when
 * it is undone) and combined with {@link Model#stateFingerprint(Object)} of the state. Two distinct configurations
 * share a fingerprint with probability about {@code n²/2⁶⁵} for {@code n} configurations (below 3·10⁻⁶ at the default
 * limit of 10M). A collision can only prune a branch: it never makes a history that is not linearizable pass, and
 * makes a linearizable one fail only with that probability.
 * <p>
 * The search stops with {@link Verdict#UNKNOWN} and says why ({@link #limit()}) when it has entered its budget of
 * configurations, when the check's deadline passes, when its set of fingerprints is full, or when another search
 * sets the shared stop flag.
 * <p>
 * A pending operation has no response in the list: it may be linearized anywhere after its invocation, or never.
 * The search succeeds once every completed operation is linearized.
 * <p>
 * <b>Note:</b> NOT threadsafe; one search per thread.
 */
final class PartitionSearch
{
    private static final int CHECK_INTERVAL_MASK = 1023;
    private static final int INITIAL_SET_CAPACITY = 1 << 12;

    private final Model model;
    private final List<Op> ops;
    private final long deadlineNs;
    private final AtomicBoolean stop;
    private final int maxSetCapacity;
    private final boolean recordDeepest;
    private final Entry head = new Entry(null, -1, true);
    private final long[] zobrist;
    private long exploredStates;
    private SearchLimit limit;
    private Verdict verdict;
    private FingerprintSet seen;
    private Entry[] stackCalls;
    private Object[] stackStates;
    private int depth;
    private long steps;
    private long linearizedHash;
    private Object state;
    private int remainingCompleted;
    private Entry entry;
    private Entry resumeCall;
    private Object resumeState;
    private long resumeHash;
    private long furthestBlockedTime = Long.MIN_VALUE;
    private int deepest = -1;
    private List<Op> deepestLinearization = List.of();
    private Op blockedAtDeepest;

    /**
     * A search with no deadline and no stop flag that records its deepest linearization.
     *
     * @param model     sequential specification.
     * @param ops       of one key.
     */
    PartitionSearch(final Model model, final List<Op> ops)
    {
        this(model, ops, Long.MAX_VALUE, new AtomicBoolean(), 1 << 30, true);
    }

    /**
     * @param model          sequential specification.
     * @param ops            of one key; failed operations must already be dropped.
     * @param deadlineNs     {@link System#nanoTime()} past which it gives up, or {@link Long#MAX_VALUE}.
     * @param stop           set by another thread to make it give up.
     * @param maxSetCapacity largest number of slots of its fingerprint set, a power of two.
     * @param recordDeepest  whether to keep the deepest linearization for a counter-example (costs time).
     */
    PartitionSearch(
        final Model model,
        final List<Op> ops,
        final long deadlineNs,
        final AtomicBoolean stop,
        final int maxSetCapacity,
        final boolean recordDeepest)
    {
        this.model = model;
        this.ops = ops;
        this.deadlineNs = deadlineNs;
        this.stop = stop;
        this.maxSetCapacity = maxSetCapacity;
        this.recordDeepest = recordDeepest;
        this.zobrist = new long[ops.size()];

        final SplittableRandom random = new SplittableRandom(0x5DEECE66DL ^ ops.size());
        final List<Entry> entries = new ArrayList<>(2 * ops.size());
        for (int i = 0; i < ops.size(); i++)
        {
            final Op op = ops.get(i);
            zobrist[i] = random.nextLong();
            final Entry call = new Entry(op, i, true);
            entries.add(call);
            if (!op.isPending())
            {
                final Entry response = new Entry(op, i, false);
                call.match = response;
                entries.add(response);
            }
        }
        // by time; at equal times invocations first, so operations that touch in time count as concurrent
        entries.sort((a, b) ->
        {
            final int byTime = Long.compare(a.time(), b.time());
            if (0 != byTime)
            {
                return byTime;
            }
            if (a.isCall != b.isCall)
            {
                return a.isCall ? -1 : 1;
            }
            return Integer.compare(a.op.id(), b.op.id());
        });
        Entry previous = head;
        for (final Entry entry : entries)
        {
            previous.next = entry;
            entry.prev = previous;
            previous = entry;
        }
    }

    /**
     * Search on until decided or until {@code maxStates} configurations have been entered in all; a search that
     * stopped at its budget of states ({@link SearchLimit#STATES}) resumes where it stopped when run again with a
     * larger one. A search stopped by any other limit stays stopped.
     *
     * @param maxStates limit of configurations entered over all runs.
     * @return the verdict.
     */
    Verdict run(final long maxStates)
    {
        if (null != verdict)
        {
            return verdict;
        }
        if (null == seen)
        {
            start();
        }
        else if (SearchLimit.STATES != limit)
        {
            return Verdict.UNKNOWN;
        }
        limit = null;
        if (null != resumeCall)
        {
            if (exploredStates > maxStates)
            {
                limit = SearchLimit.STATES;
                return Verdict.UNKNOWN;
            }
            push(resumeCall, resumeState, resumeHash);
            resumeCall = null;
            resumeState = null;
        }

        while (remainingCompleted > 0)
        {
            if (entry.isCall)
            {
                if (0 == (++steps & CHECK_INTERVAL_MASK) && stopped())
                {
                    return Verdict.UNKNOWN;
                }
                final Object next = model.step(state, entry.op);
                boolean lifted = false;
                if (null != next)
                {
                    final long hash = linearizedHash ^ zobrist[entry.index];
                    final int added = seen.add(hash ^ mix(model.stateFingerprint(next)));
                    if (FingerprintSet.FULL == added)
                    {
                        limit = SearchLimit.MEMORY;
                        return Verdict.UNKNOWN;
                    }
                    if (FingerprintSet.ADDED == added)
                    {
                        if (++exploredStates > maxStates)
                        {
                            // counted and remembered but not yet searched: a larger budget starts there
                            resumeCall = entry;
                            resumeState = next;
                            resumeHash = hash;
                            limit = SearchLimit.STATES;
                            return Verdict.UNKNOWN;
                        }
                        push(entry, next, hash);
                        lifted = true;
                    }
                }
                if (!lifted)
                {
                    entry = entry.next;
                }
            }
            else
            {
                // the response of an operation not yet linearized: every order so far fails, backtrack
                if (entry.op.responseTime() > furthestBlockedTime)
                {
                    furthestBlockedTime = entry.op.responseTime();
                }
                if (recordDeepest && depth >= deepest)
                {
                    deepest = depth;
                    deepestLinearization = linearization(stackCalls, depth);
                    blockedAtDeepest = entry.op;
                }
                if (0 == depth)
                {
                    verdict = Verdict.NOT_LINEARIZABLE;
                    release();
                    return verdict;
                }
                depth--;
                final Entry call = stackCalls[depth];
                state = stackStates[depth];
                stackCalls[depth] = null;
                stackStates[depth] = null;
                linearizedHash ^= zobrist[call.index];
                unlift(call);
                if (!call.op.isPending())
                {
                    remainingCompleted++;
                }
                entry = call.next;
            }
        }

        verdict = Verdict.LINEARIZABLE;
        release();
        return verdict;
    }

    /**
     * The time of the latest response the search was ever stopped at. When the key is not linearizable, the key's
     * history cut there (operations invoked after it dropped, those still running made pending) is not
     * linearizable either: a linearization of that cut would have taken the search past it.
     *
     * @return the time, or {@link Long#MIN_VALUE} if the search never backtracked.
     */
    long furthestBlockedTime()
    {
        return furthestBlockedTime;
    }

    /**
     * @return bytes held by the set of visited configurations, 0 once decided.
     */
    long visitedBytes()
    {
        return null == seen ? 0 : (long)seen.capacity() * Long.BYTES;
    }

    private void start()
    {
        seen = new FingerprintSet(Math.min(INITIAL_SET_CAPACITY, maxSetCapacity), maxSetCapacity);
        stackCalls = new Entry[ops.size()];
        stackStates = new Object[ops.size()];
        state = model.initialState();
        for (final Op op : ops)
        {
            if (!op.isPending())
            {
                remainingCompleted++;
            }
        }
        entry = head.next;
    }

    private void push(final Entry call, final Object next, final long hash)
    {
        stackCalls[depth] = call;
        stackStates[depth] = state;
        depth++;
        linearizedHash = hash;
        state = next;
        lift(call);
        if (!call.op.isPending())
        {
            remainingCompleted--;
        }
        entry = head.next;
    }

    private void release()
    {
        seen = null;
        stackCalls = null;
        stackStates = null;
        state = null;
    }

    /**
     * @return configurations entered.
     */
    long exploredStates()
    {
        return exploredStates;
    }

    /**
     * @return why the search stopped undecided, or null if it decided.
     */
    SearchLimit limit()
    {
        return limit;
    }

    /**
     * The longest sequence of operations the search linearized before it had to backtrack for good; recorded only
     * when asked for.
     *
     * @return the operations in linearization order.
     */
    List<Op> deepestLinearization()
    {
        return deepestLinearization;
    }

    /**
     * The operation whose response the deepest linearization could not get past; recorded only when asked for.
     *
     * @return the operation, or null if the search never backtracked.
     */
    Op blockedAtDeepest()
    {
        return blockedAtDeepest;
    }

    private boolean stopped()
    {
        if (stop.get())
        {
            limit = SearchLimit.CANCELLED;
            return true;
        }
        if (Long.MAX_VALUE != deadlineNs && System.nanoTime() - deadlineNs > 0)
        {
            limit = SearchLimit.TIME;
            return true;
        }

        return false;
    }

    private static long mix(final long value)
    {
        // MurmurHash3's 64-bit finalizer: spreads a state fingerprint over all 64 bits
        long h = value + 0x9E3779B97F4A7C15L;
        h = (h ^ (h >>> 33)) * 0xFF51AFD7ED558CCDL;
        h = (h ^ (h >>> 33)) * 0xC4CEB9FE1A85EC53L;
        return h ^ (h >>> 33);
    }

    private static List<Op> linearization(final Entry[] stackCalls, final int depth)
    {
        final List<Op> order = new ArrayList<>(depth);
        for (int i = 0; i < depth; i++)
        {
            order.add(stackCalls[i].op);
        }

        return order;
    }

    private static void lift(final Entry call)
    {
        call.prev.next = call.next;
        if (null != call.next)
        {
            call.next.prev = call.prev;
        }
        final Entry response = call.match;
        if (null != response)
        {
            response.prev.next = response.next;
            if (null != response.next)
            {
                response.next.prev = response.prev;
            }
        }
    }

    private static void unlift(final Entry call)
    {
        final Entry response = call.match;
        if (null != response)
        {
            response.prev.next = response;
            if (null != response.next)
            {
                response.next.prev = response;
            }
        }
        call.prev.next = call;
        if (null != call.next)
        {
            call.next.prev = call;
        }
    }

    private static final class Entry
    {
        final Op op;
        final int index;
        final boolean isCall;
        Entry match;
        Entry prev;
        Entry next;

        Entry(final Op op, final int index, final boolean isCall)
        {
            this.op = op;
            this.index = index;
            this.isCall = isCall;
        }

        long time()
        {
            return isCall ? op.invocationTime() : op.responseTime();
        }
    }
}
