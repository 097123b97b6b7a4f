package org.jdsm.linearizability;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Decides whether a {@link History} is linearizable with respect to a sequential {@link Model}: whether its
 * operations can be put in one total order that respects real time (an operation that returned before another was
 * invoked comes first) and in which every result is what the model gives.
 * <p>
 * Linearizability is compositional (Herlihy &amp; Wing), so the history is split by key and each key is searched
 * on its own with Wing &amp; Gong's backtracking search as improved by Lowe, memoising every (linearized set, state)
 * configuration it has entered as a 64-bit fingerprint. Keys are searched in rounds of growing budget: every
 * undecided key gets {@link Context#initialStatesPerKey()} configurations, then {@link Context#roundGrowth()} times
 * more each round up to {@link Context#maxStatesPerKey()}, so one key too concurrent to decide does not hold back a
 * key that fails quickly. A key's search resumes where the last round stopped it, unless its visited set grew past
 * {@link Context#retainedVisitedBytesPerKey()}: then it is dropped and searched anew, so the memory held between
 * rounds stays bounded by that times the keys, and the memory of one search by
 * {@link Context#maxVisitedBytesPerKey()}. The keys of a round are searched in parallel on {@link Context#threads()}
 * threads; the check stops at the first key proven not linearizable, and every search stops when the check's time
 * budget ({@link Context#timeBudgetNs()}) runs out. A failed operation ({@link Op#isFailed()}) did not take effect
 * and is dropped before the search.
 * <p>
 * When a key is not linearizable the checker returns a {@link CounterExample}: the key's history cut at the earliest
 * response where it fails, then stripped of every read-only operation it does not need, within a time budget of its
 * own ({@link Context#shrinkTimeBudgetNs()}).
 * <p>
 * The checker knows nothing of jdsm or of any transport: a history from the simulator, from processes over Aeron
 * ({@link History#parse(String)}), from a JSON-lines file ({@link JsonLinesHistory}) or from the KV store's clients
 * is checked the same way.
 * <p>
 * <b>Note:</b> threadsafe: it holds only its settings; each check uses threads of its own and stops them before it
 * returns.
 */
public final class LinearizabilityChecker
{
    /** Default limit of configurations entered per key. */
    public static final long MAX_STATES_PER_KEY_DEFAULT = 10_000_000L;
    /** Default budget of the first round, per key. */
    public static final long INITIAL_STATES_PER_KEY_DEFAULT = 10_000L;
    /** Default factor by which the budget of undecided keys grows each round. */
    public static final int ROUND_GROWTH_DEFAULT = 2;
    /** Default time budget of one check, shrinking excluded. */
    public static final long TIME_BUDGET_NS_DEFAULT = TimeUnit.SECONDS.toNanos(60);
    /** Default time budget of shrinking a counter-example. */
    public static final long SHRINK_TIME_BUDGET_NS_DEFAULT = TimeUnit.SECONDS.toNanos(2);
    /** Default least budget of states for one shrinking attempt. */
    public static final long SHRINK_STATES_PER_ATTEMPT_DEFAULT = 200_000L;
    /** Default largest memory of the visited set a key keeps between rounds to resume from. */
    public static final long RETAINED_VISITED_BYTES_PER_KEY_DEFAULT = 32L * 1024 * 1024;
    /** Default largest memory of one key's visited set. */
    public static final long MAX_VISITED_BYTES_PER_KEY_DEFAULT = 256L * 1024 * 1024;

    private final Model model;
    private final Context ctx;

    /**
     * @param model sequential specification of each key's object.
     */
    public LinearizabilityChecker(final Model model)
    {
        this(model, new Context());
    }

    /**
     * @param model           sequential specification of each key's object.
     * @param maxStatesPerKey limit of configurations the search of one key enters before answering
     *                        {@link Verdict#UNKNOWN}.
     */
    public LinearizabilityChecker(final Model model, final long maxStatesPerKey)
    {
        this(model, new Context().maxStatesPerKey(maxStatesPerKey));
    }

    /**
     * @param model sequential specification of each key's object.
     * @param ctx   settings; concluded here, and owned by the checker from then on.
     */
    public LinearizabilityChecker(final Model model, final Context ctx)
    {
        if (null == model)
        {
            throw new IllegalArgumentException("model=null");
        }
        this.model = model;
        this.ctx = ctx.conclude();
    }

    /**
     * Check a history.
     *
     * @param history to check.
     * @return the verdict, per key and overall, with a counter-example if it is not linearizable.
     * @throws IllegalArgumentException if an operation is of a kind the model does not support.
     */
    public CheckResult check(final History history)
    {
        final long startNs = System.nanoTime();
        for (final Op op : history.ops())
        {
            if (!model.supports(op.kind()))
            {
                throw new IllegalArgumentException("model " + model.name() + " does not support " + op.kind() +
                    ": " + op);
            }
        }

        final List<KeySearch> keys = new ArrayList<>();
        int largest = 0;
        for (final Map.Entry<String, List<Op>> partition : history.byKey().entrySet())
        {
            final List<Op> effective = new ArrayList<>(partition.getValue().size());
            for (final Op op : partition.getValue())
            {
                if (!op.isFailed())
                {
                    effective.add(op);
                }
            }
            largest = Math.max(largest, partition.getValue().size());
            keys.add(new KeySearch(partition.getKey(), effective));
        }

        final KeySearch failed = searchInRounds(keys, startNs);
        CounterExample counterExample = null;
        if (null != failed)
        {
            counterExample = shrink(failed);
        }

        final List<KeyResult> keyResults = new ArrayList<>(keys.size());
        for (final KeySearch key : keys)
        {
            keyResults.add(key.result());
        }
        final Verdict verdict = null != failed ? Verdict.NOT_LINEARIZABLE :
            keys.stream().allMatch((key) -> Verdict.LINEARIZABLE == key.verdict) ? Verdict.LINEARIZABLE :
            Verdict.UNKNOWN;

        return new CheckResult(verdict, history.size(), largest, System.nanoTime() - startNs, keyResults,
            counterExample);
    }

    /**
     * The sequential model this checker uses.
     *
     * @return the model.
     */
    public Model model()
    {
        return model;
    }

    /**
     * The concluded settings.
     *
     * @return the context.
     */
    public Context context()
    {
        return ctx;
    }

    private KeySearch searchInRounds(final List<KeySearch> keys, final long startNs)
    {
        final long deadlineNs = startNs + ctx.timeBudgetNs();
        final AtomicBoolean stop = new AtomicBoolean();
        final int threads = Math.max(1, Math.min(ctx.threads(), keys.size()));
        final ExecutorService executor =
            threads > 1 ? Executors.newFixedThreadPool(threads, new SearchThreads()) : null;
        try
        {
            long budget = Math.min(ctx.initialStatesPerKey(), ctx.maxStatesPerKey());
            while (true)
            {
                final List<KeySearch> undecided = new ArrayList<>();
                for (final KeySearch key : keys)
                {
                    if (null == key.verdict || (Verdict.UNKNOWN == key.verdict && SearchLimit.STATES == key.limit))
                    {
                        undecided.add(key);
                    }
                }
                if (undecided.isEmpty())
                {
                    return null;
                }
                // smallest keys first: they decide fastest
                undecided.sort((a, b) -> Integer.compare(a.ops.size(), b.ops.size()));
                final long roundBudget = budget;
                runRound(executor, undecided, (key) -> key.search(model, roundBudget, deadlineNs, stop,
                    setCapacity(ctx.maxStatesPerKey()), ctx.retainedVisitedBytesPerKey()));

                for (final KeySearch key : undecided)
                {
                    if (Verdict.NOT_LINEARIZABLE == key.verdict)
                    {
                        cancelUndecided(keys);
                        return key;
                    }
                }
                if (budget >= ctx.maxStatesPerKey())
                {
                    return null;
                }
                budget = budget > ctx.maxStatesPerKey() / ctx.roundGrowth() ?
                    ctx.maxStatesPerKey() : budget * ctx.roundGrowth();
            }
        }
        finally
        {
            if (null != executor)
            {
                executor.shutdownNow();
            }
        }
    }

    private static void runRound(
        final ExecutorService executor, final List<KeySearch> undecided, final KeyTask task)
    {
        if (null == executor)
        {
            for (final KeySearch key : undecided)
            {
                task.run(key);
            }
            return;
        }

        final List<Future<?>> futures = new ArrayList<>(undecided.size());
        for (final KeySearch key : undecided)
        {
            futures.add(executor.submit(() -> task.run(key)));
        }
        for (final Future<?> future : futures)
        {
            try
            {
                future.get();
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while checking", ex);
            }
            catch (final ExecutionException ex)
            {
                final Throwable cause = ex.getCause();
                if (cause instanceof RuntimeException)
                {
                    throw (RuntimeException)cause;
                }
                throw new IllegalStateException("search failed", cause);
            }
        }
    }

    private static void cancelUndecided(final List<KeySearch> keys)
    {
        for (final KeySearch key : keys)
        {
            if (null == key.verdict || (Verdict.UNKNOWN == key.verdict && SearchLimit.STATES == key.limit))
            {
                key.verdict = Verdict.UNKNOWN;
                key.limit = SearchLimit.CANCELLED;
            }
        }
    }

    private int setCapacity(final long states)
    {
        final long maxSlots = Math.max(1L << 12, Long.highestOneBit(ctx.maxVisitedBytesPerKey() / Long.BYTES));
        // at a load of 3/4, room for every state the budget allows
        final long wanted = Math.max(1L << 12, Long.highestOneBit(Math.max(1, states + states / 2)) << 1);

        return (int)Math.min(Math.min(wanted, maxSlots), 1L << 30);
    }

    private CounterExample shrink(final KeySearch failed)
    {
        final long startNs = System.nanoTime();
        final Shrinker shrinker = new Shrinker(failed, startNs + ctx.shrinkTimeBudgetNs(),
            Math.max(ctx.shrinkStatesPerAttempt(), 2 * failed.statesToFail));
        final List<Op> cut = shrinker.shortestFailingCut();
        List<Op> smallest = shrinker.dropUnneededReads(cut);

        // the search is deterministic: record where the smallest failing history gets stuck
        PartitionSearch search = new PartitionSearch(model, smallest, Long.MAX_VALUE, new AtomicBoolean(),
            setCapacity(ctx.maxStatesPerKey()), true);
        if (Verdict.NOT_LINEARIZABLE != search.run(Math.max(shrinker.statesPerAttempt, ctx.maxStatesPerKey())))
        {
            smallest = failed.ops;
            search = new PartitionSearch(model, smallest, Long.MAX_VALUE, new AtomicBoolean(),
                setCapacity(ctx.maxStatesPerKey()), true);
            search.run(failed.statesToFail + 1);
        }
        final long shrinkNs = System.nanoTime() - startNs;

        String note = "";
        if (shrinker.undecided > 0 || shrinker.outOfTime())
        {
            final boolean shrunk = smallest.size() < failed.ops.size();
            note = (shrunk ? "shrinking stopped short: " : "could not shrink: ") +
                shrinker.attempts + " searches, " + shrinker.undecided + " undecided within " +
                shrinker.statesPerAttempt + " states each" +
                (shrinker.outOfTime() ? ", time budget of " +
                TimeUnit.NANOSECONDS.toMillis(ctx.shrinkTimeBudgetNs()) + " ms spent" : "") +
                "; this is the smallest failing prefix found (" + smallest.size() + " of the key's " +
                failed.ops.size() + " ops)";
        }

        return new CounterExample(failed.key, model.name(), failed.ops.size(), smallest, search.deepestLinearization(),
            search.blockedAtDeepest(), shrinker.attempts, shrinker.states, shrinkNs, note);
    }

    private static boolean isReadOnly(final Op op)
    {
        switch (op.kind())
        {
            case READ:
                return true;
            case COMPARE_AND_SET:
                return !op.isPending() && 0 == op.result();
            case DEQUEUE:
                return !op.isPending() && Models.EMPTY == op.result();
            default:
                return false;
        }
    }

    @FunctionalInterface
    private interface KeyTask
    {
        void run(KeySearch key);
    }

    /**
     * The search state of one key across rounds.
     */
    private static final class KeySearch
    {
        final String key;
        final List<Op> ops;
        PartitionSearch search;
        long droppedStates;
        volatile Verdict verdict;
        volatile SearchLimit limit;
        volatile long exploredStates;
        volatile long elapsedNs;
        volatile int rounds;
        volatile long statesToFail;

        KeySearch(final String key, final List<Op> ops)
        {
            this.key = key;
            this.ops = ops;
        }

        void search(
            final Model model,
            final long budget,
            final long deadlineNs,
            final AtomicBoolean stop,
            final int capacity,
            final long retainedBytes)
        {
            final long startNs = System.nanoTime();
            if (null == search)
            {
                search = new PartitionSearch(model, ops, deadlineNs, stop, capacity, false);
            }
            final Verdict result = search.run(budget);
            exploredStates = droppedStates + search.exploredStates();
            elapsedNs += System.nanoTime() - startNs;
            rounds++;
            limit = search.limit();
            verdict = result;
            if (Verdict.NOT_LINEARIZABLE == result)
            {
                statesToFail = search.exploredStates();
                stop.set(true);
            }
            else if (Verdict.UNKNOWN == result && SearchLimit.STATES == limit && search.visitedBytes() > retainedBytes)
            {
                droppedStates = exploredStates;
                search = null;
            }
        }

        KeyResult result()
        {
            return new KeyResult(key, verdict, ops.size(), exploredStates, elapsedNs, rounds, limit);
        }
    }

    /**
     * Searches of sub-histories of a failing key, counted and bounded in time and states.
     */
    private final class Shrinker
    {
        final KeySearch failed;
        final long deadlineNs;
        final long statesPerAttempt;
        final AtomicBoolean neverStop = new AtomicBoolean();
        int attempts;
        int undecided;
        long states;

        Shrinker(final KeySearch failed, final long deadlineNs, final long statesPerAttempt)
        {
            this.failed = failed;
            this.deadlineNs = deadlineNs;
            this.statesPerAttempt = statesPerAttempt;
        }

        boolean outOfTime()
        {
            return System.nanoTime() - deadlineNs > 0;
        }

        boolean fails(final List<Op> ops)
        {
            attempts++;
            final PartitionSearch search = new PartitionSearch(model, ops, deadlineNs, neverStop,
                setCapacity(statesPerAttempt), false);
            final Verdict verdict = search.run(statesPerAttempt);
            states += search.exploredStates();
            if (Verdict.UNKNOWN == verdict)
            {
                undecided++;
            }

            return Verdict.NOT_LINEARIZABLE == verdict;
        }

        /**
         * Histories are prefix-closed: if the history cut at a point in time (operations invoked after it dropped,
         * those still running made pending) is not linearizable, neither is the whole. The search that failed knows
         * the earliest such cut at a response: the latest response it was ever stopped at.
         */
        List<Op> shortestFailingCut()
        {
            final long cutTime = failed.search.furthestBlockedTime();
            if (Long.MIN_VALUE == cutTime)
            {
                return failed.ops;
            }
            final List<Op> cut = new ArrayList<>();
            for (final Op op : failed.ops)
            {
                if (op.invocationTime() <= cutTime)
                {
                    cut.add(op.cutAt(cutTime));
                }
            }

            return cut.size() == failed.ops.size() && cut.equals(failed.ops) ? failed.ops : cut;
        }

        /**
         * Drop read-only operations the failure does not need, in chunks halving from all of them to one at a
         * time (delta debugging): dropping an operation that leaves the state as it found it keeps any
         * linearization a linearization, so a sub-history that still fails is a counter-example too.
         */
        List<Op> dropUnneededReads(final List<Op> failing)
        {
            List<Op> current = failing;
            final List<Op> candidates = new ArrayList<>();
            for (final Op op : failing)
            {
                if (isReadOnly(op))
                {
                    candidates.add(op);
                }
            }
            int chunk = candidates.size();
            while (chunk >= 1 && !outOfTime())
            {
                int start = 0;
                while (start < candidates.size() && !outOfTime())
                {
                    final List<Op> drop = candidates.subList(start, Math.min(candidates.size(), start + chunk));
                    final List<Op> without = new ArrayList<>(current);
                    without.removeAll(drop);
                    if (fails(without))
                    {
                        current = without;
                        drop.clear();
                    }
                    else
                    {
                        start += chunk;
                    }
                }
                chunk = chunk == 1 ? 0 : (chunk + 1) / 2;
            }

            return current;
        }
    }

    private static final class SearchThreads implements java.util.concurrent.ThreadFactory
    {
        private static final AtomicInteger COUNT = new AtomicInteger();

        public Thread newThread(final Runnable runnable)
        {
            final Thread thread = new Thread(runnable, "jdsm-linearizability-" + COUNT.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }
    }

    /**
     * Settings of a {@link LinearizabilityChecker}: fluent setters, then {@link #conclude()} validates them once.
     * <p>
     * <b>Note:</b> not threadsafe; set it up on one thread, then hand it to the checker.
     */
    public static final class Context
    {
        private boolean concluded;
        private long maxStatesPerKey = MAX_STATES_PER_KEY_DEFAULT;
        private long initialStatesPerKey = INITIAL_STATES_PER_KEY_DEFAULT;
        private int roundGrowth = ROUND_GROWTH_DEFAULT;
        private long timeBudgetNs = TIME_BUDGET_NS_DEFAULT;
        private long shrinkTimeBudgetNs = SHRINK_TIME_BUDGET_NS_DEFAULT;
        private long shrinkStatesPerAttempt = SHRINK_STATES_PER_ATTEMPT_DEFAULT;
        private long maxVisitedBytesPerKey = MAX_VISITED_BYTES_PER_KEY_DEFAULT;
        private long retainedVisitedBytesPerKey = RETAINED_VISITED_BYTES_PER_KEY_DEFAULT;
        private int threads = Runtime.getRuntime().availableProcessors();

        /**
         * Validate the settings; called once by the checker.
         *
         * @return this.
         * @throws IllegalArgumentException naming the setting and its value when one is out of range.
         */
        public Context conclude()
        {
            if (concluded)
            {
                throw new IllegalStateException("context already concluded");
            }
            concluded = true;
            requirePositive("maxStatesPerKey", maxStatesPerKey);
            requirePositive("initialStatesPerKey", initialStatesPerKey);
            requirePositive("timeBudgetNs", timeBudgetNs);
            requirePositive("shrinkTimeBudgetNs", shrinkTimeBudgetNs);
            requirePositive("shrinkStatesPerAttempt", shrinkStatesPerAttempt);
            requirePositive("threads", threads);
            requirePositive("retainedVisitedBytesPerKey", retainedVisitedBytesPerKey);
            if (roundGrowth < 2)
            {
                throw new IllegalArgumentException("roundGrowth=" + roundGrowth + " must be >= 2");
            }
            if (maxVisitedBytesPerKey < 4096L * Long.BYTES)
            {
                throw new IllegalArgumentException("maxVisitedBytesPerKey=" + maxVisitedBytesPerKey +
                    " must be >= " + 4096L * Long.BYTES);
            }

            return this;
        }

        private static void requirePositive(final String name, final long value)
        {
            if (value <= 0)
            {
                throw new IllegalArgumentException(name + "=" + value + " must be > 0");
            }
        }

        /**
         * @param maxStatesPerKey configurations the search of one key may enter, over its last round.
         * @return this.
         */
        public Context maxStatesPerKey(final long maxStatesPerKey)
        {
            this.maxStatesPerKey = maxStatesPerKey;
            return this;
        }

        /**
         * @return configurations the search of one key may enter in its last round.
         */
        public long maxStatesPerKey()
        {
            return maxStatesPerKey;
        }

        /**
         * @param initialStatesPerKey budget of every key in the first round.
         * @return this.
         */
        public Context initialStatesPerKey(final long initialStatesPerKey)
        {
            this.initialStatesPerKey = initialStatesPerKey;
            return this;
        }

        /**
         * @return budget of every key in the first round.
         */
        public long initialStatesPerKey()
        {
            return initialStatesPerKey;
        }

        /**
         * @param roundGrowth factor by which the budget grows each round, at least 2.
         * @return this.
         */
        public Context roundGrowth(final int roundGrowth)
        {
            this.roundGrowth = roundGrowth;
            return this;
        }

        /**
         * @return factor by which the budget grows each round.
         */
        public int roundGrowth()
        {
            return roundGrowth;
        }

        /**
         * @param timeBudgetNs wall-clock time a check may search for, shrinking excluded.
         * @return this.
         */
        public Context timeBudgetNs(final long timeBudgetNs)
        {
            this.timeBudgetNs = timeBudgetNs;
            return this;
        }

        /**
         * @return wall-clock time a check may search for, shrinking excluded.
         */
        public long timeBudgetNs()
        {
            return timeBudgetNs;
        }

        /**
         * @param shrinkTimeBudgetNs wall-clock time shrinking a counter-example may take.
         * @return this.
         */
        public Context shrinkTimeBudgetNs(final long shrinkTimeBudgetNs)
        {
            this.shrinkTimeBudgetNs = shrinkTimeBudgetNs;
            return this;
        }

        /**
         * @return wall-clock time shrinking a counter-example may take.
         */
        public long shrinkTimeBudgetNs()
        {
            return shrinkTimeBudgetNs;
        }

        /**
         * @param shrinkStatesPerAttempt least budget of one shrinking attempt; an attempt gets at least twice
         *                               the states the failing key needed.
         * @return this.
         */
        public Context shrinkStatesPerAttempt(final long shrinkStatesPerAttempt)
        {
            this.shrinkStatesPerAttempt = shrinkStatesPerAttempt;
            return this;
        }

        /**
         * @return least budget of one shrinking attempt.
         */
        public long shrinkStatesPerAttempt()
        {
            return shrinkStatesPerAttempt;
        }

        /**
         * @param maxVisitedBytesPerKey largest memory of one key's set of visited configurations (8 bytes a slot).
         * @return this.
         */
        public Context maxVisitedBytesPerKey(final long maxVisitedBytesPerKey)
        {
            this.maxVisitedBytesPerKey = maxVisitedBytesPerKey;
            return this;
        }

        /**
         * @return largest memory of one key's set of visited configurations.
         */
        public long maxVisitedBytesPerKey()
        {
            return maxVisitedBytesPerKey;
        }

        /**
         * @param retainedVisitedBytesPerKey largest visited set a key keeps between rounds to resume from; a larger
         *                                   one is dropped and the key searched anew next round.
         * @return this.
         */
        public Context retainedVisitedBytesPerKey(final long retainedVisitedBytesPerKey)
        {
            this.retainedVisitedBytesPerKey = retainedVisitedBytesPerKey;
            return this;
        }

        /**
         * @return largest visited set a key keeps between rounds to resume from.
         */
        public long retainedVisitedBytesPerKey()
        {
            return retainedVisitedBytesPerKey;
        }

        /**
         * @param threads keys searched at once.
         * @return this.
         */
        public Context threads(final int threads)
        {
            this.threads = threads;
            return this;
        }

        /**
         * @return keys searched at once.
         */
        public int threads()
        {
            return threads;
        }

        /**
         * {@inheritDoc}
         */
        public String toString()
        {
            return "LinearizabilityChecker.Context{maxStatesPerKey=" + maxStatesPerKey + ", initialStatesPerKey=" +
                initialStatesPerKey + ", roundGrowth=" + roundGrowth + ", timeBudgetNs=" + timeBudgetNs +
                ", shrinkTimeBudgetNs=" + shrinkTimeBudgetNs + ", shrinkStatesPerAttempt=" + shrinkStatesPerAttempt +
                ", maxVisitedBytesPerKey=" + maxVisitedBytesPerKey + ", retainedVisitedBytesPerKey=" +
                retainedVisitedBytesPerKey + ", threads=" + threads + "}";
        }
    }
}
