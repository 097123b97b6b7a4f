package org.jdsm.simulator.linearizability;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Decides whether a {@link History} is linearizable with respect to a sequential {@link Model}: whether its
 * operations can be put in one total order that respects real time (an operation that returned before another was
 * invoked comes first) and in which every result is what the model gives.
 * <p>
 * Linearizability is compositional (Herlihy &amp; Wing), so the history is split by key and each key is searched
 * on its own with Wing &amp; Gong's backtracking search as improved by Lowe, memoising every (linearized set, state)
 * configuration it has entered. A history of thousands of operations over many keys checks in well under a second
 * when its concurrency is moderate; the search is exponential in the worst case, so each key has a limit of
 * configurations past which its verdict is {@link Verdict#UNKNOWN}.
 * <p>
 * When a key is not linearizable the checker stops there and returns a {@link CounterExample}: the key's history
 * cut at the earliest response where it fails, then stripped of every read-only operation it does not need.
 * <p>
 * The checker knows nothing of jdsm or of any transport: a history from the simulator, from processes over Aeron
 * ({@link History#parse(String)}), or from the KV store's clients is checked the same way.
 * <p>
 * <b>Note:</b> threadsafe: it holds only its settings.
 */
public final class LinearizabilityChecker
{
    /** Default limit of configurations entered per key. */
    public static final long MAX_STATES_PER_KEY_DEFAULT = 10_000_000L;
    private static final long MAX_STATES_WHILE_SHRINKING = 200_000L;
    private static final int MAX_SHRINK_SEARCHES = 2_000;

    private final Model model;
    private final long maxStatesPerKey;

    /**
     * @param model sequential specification of each key's object.
     */
    public LinearizabilityChecker(final Model model)
    {
        this(model, MAX_STATES_PER_KEY_DEFAULT);
    }

    /**
     * @param model           sequential specification of each key's object.
     * @param maxStatesPerKey limit of configurations the search of one key enters before answering
     *                        {@link Verdict#UNKNOWN}.
     */
    public LinearizabilityChecker(final Model model, final long maxStatesPerKey)
    {
        if (maxStatesPerKey <= 0)
        {
            throw new IllegalArgumentException("maxStatesPerKey=" + maxStatesPerKey + " must be > 0");
        }
        this.model = model;
        this.maxStatesPerKey = maxStatesPerKey;
    }

    /**
     * Check a history.
     *
     * @param history to check.
     * @return the verdict, with a counter-example if it is not linearizable.
     * @throws IllegalArgumentException if an operation is of a kind the model does not support.
     */
    public CheckResult check(final History history)
    {
        for (final Op op : history.ops())
        {
            if (!model.supports(op.kind()))
            {
                throw new IllegalArgumentException("model " + model.name() + " does not support " + op.kind() +
                    ": " + op);
            }
        }

        final Map<String, List<Op>> partitions = history.byKey();
        int largest = 0;
        for (final List<Op> ops : partitions.values())
        {
            largest = Math.max(largest, ops.size());
        }

        long explored = 0;
        String unknownKey = null;
        for (final Map.Entry<String, List<Op>> partition : partitions.entrySet())
        {
            final PartitionSearch search = new PartitionSearch(model, partition.getValue(), maxStatesPerKey);
            final Verdict verdict = search.run();
            explored += search.exploredStates();
            if (Verdict.NOT_LINEARIZABLE == verdict)
            {
                return new CheckResult(Verdict.NOT_LINEARIZABLE, history.size(), partitions.size(), largest, explored,
                    null, shrink(partition.getKey(), partition.getValue()));
            }
            if (Verdict.UNKNOWN == verdict && null == unknownKey)
            {
                unknownKey = partition.getKey();
            }
        }

        return new CheckResult(null == unknownKey ? Verdict.LINEARIZABLE : Verdict.UNKNOWN, history.size(),
            partitions.size(), largest, explored, unknownKey, null);
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

    private CounterExample shrink(final String key, final List<Op> partition)
    {
        final int[] budget = { MAX_SHRINK_SEARCHES };
        List<Op> smallest = shortestFailingCut(partition, budget);

        // dropping an operation that leaves the state as it found it keeps any linearization a linearization
        for (int i = smallest.size() - 1; i >= 0 && budget[0] > 0; i--)
        {
            if (isReadOnly(smallest.get(i)))
            {
                final List<Op> without = new ArrayList<>(smallest);
                without.remove(i);
                if (fails(without, budget))
                {
                    smallest = without;
                }
            }
        }

        final PartitionSearch search = new PartitionSearch(model, smallest, maxStatesPerKey);
        search.run();

        return new CounterExample(key, model.name(), partition.size(), smallest, search.deepestLinearization(),
            search.blockedAtDeepest());
    }

    /**
     * Histories are prefix-closed: if the history cut at a point in time (operations invoked after it dropped,
     * those still running made pending) is not linearizable, neither is the whole. Find the earliest such cut at a
     * response by binary search.
     */
    private List<Op> shortestFailingCut(final List<Op> partition, final int[] budget)
    {
        final long[] responses = partition.stream()
            .filter((op) -> !op.isPending())
            .mapToLong(Op::responseTime)
            .sorted()
            .toArray();
        int low = 0;
        int high = responses.length - 1;
        List<Op> failing = partition;
        while (low <= high && budget[0] > 0)
        {
            final int mid = (low + high) >>> 1;
            final List<Op> cut = cut(partition, responses[mid]);
            if (fails(cut, budget))
            {
                failing = cut;
                high = mid - 1;
            }
            else
            {
                low = mid + 1;
            }
        }

        return failing;
    }

    private static List<Op> cut(final List<Op> partition, final long cutTime)
    {
        final List<Op> cut = new ArrayList<>();
        for (final Op op : partition)
        {
            if (op.invocationTime() <= cutTime)
            {
                cut.add(op.cutAt(cutTime));
            }
        }

        return cut;
    }

    private boolean fails(final List<Op> ops, final int[] budget)
    {
        budget[0]--;
        return Verdict.NOT_LINEARIZABLE == new PartitionSearch(model, ops, MAX_STATES_WHILE_SHRINKING).run();
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
}
