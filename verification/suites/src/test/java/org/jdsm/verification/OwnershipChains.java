package org.jdsm.verification;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.state.Action;
import net.jqwik.api.state.ActionChain;
import net.jqwik.api.state.ActionChainArbitrary;
import net.jqwik.api.state.Transformer;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Predicate;

/**
 * The action chains of the stateful ownership properties: a first action starts the cluster with a schedule
 * (nodes, seed, delays, reordering), so the schedule shrinks with the rest of the chain; then actions up to
 * {@link #MAX_ACTIONS} in all, each with a description that names its arguments, so a shrunk failure reads as a
 * short program. Shared by {@link OwnershipChainProperties} and the fault-injected run of the
 * negative control.
 */
final class OwnershipChains
{
    static final int MAX_ACTIONS = 31;

    /** Models started by chains and not yet closed: the property closes them after each try. */
    static final Queue<OwnershipModel> OPEN = new ConcurrentLinkedQueue<>();

    private OwnershipChains()
    {
    }

    /**
     * Chains over a cluster of 1 to 5 nodes; the first action starts it.
     *
     * @param fault whether the nodes run with the cache-ignores-colour fault.
     * @return the chains.
     */
    static ActionChainArbitrary<OwnershipModel> chains(final boolean fault)
    {
        return ActionChain.<OwnershipModel>startWith(() ->
            {
                final OwnershipModel model = new OwnershipModel(fault);
                OPEN.add(model);
                return model;
            })
            .withAction(1, action((m) -> !m.isStarted(), (m) -> Combinators.combine(
                Arbitraries.integers().between(1, 5),
                Arbitraries.longs(),
                Arbitraries.integers().between(0, 16),
                Arbitraries.of(false, true))
                .as((nodes, seed, delay, reorder) -> step("start(nodes " + nodes + ", seed " + seed +
                    ", maxDelaySteps " + delay + ", reorder " + reorder + ")",
                    (s) -> s.start(nodes, seed, delay, reorder)))))
            .withAction(3, action(started(), (m) -> Combinators.combine(node(m), value())
                .as((node, value) -> step("alloc(on node " + node + ", value " + value + ")",
                    (s) -> s.alloc(node, value)))))
            .withAction(2, action(hasBoxes(), (m) -> box(m)
                .map((id) -> step("read(box " + id + ")", (s) -> s.read(id)))))
            .withAction(4, action(hasBoxes(), (m) -> Combinators.combine(box(m), node(m))
                .as((id, node) -> step("readOn(box " + id + ", node " + node + ")", (s) -> s.readOn(id, node)))))
            .withAction(3, action(hasBoxes(), (m) -> Combinators.combine(box(m), value())
                .as((id, value) -> step("write(box " + id + ", value " + value + ")", (s) -> s.write(id, value)))))
            .withAction(2, action(hasBoxesAndPeers(), (m) -> Combinators.combine(box(m), peer(m), value())
                .as((id, node, value) -> step("writeOn(box " + id + ", node " + node + ", value " + value + ")",
                    (s) -> s.writeOn(id, node, value)))))
            .withAction(2, action(hasBoxesAndPeers(), (m) -> Combinators.combine(box(m), peer(m), delta())
                .as((id, node, delta) -> step("move(box " + id + " -> node " + node + " +" + delta + " -> back)",
                    (s) -> s.moveAndBack(id, node, delta)))))
            .withAction(1, action(hasBoxes(), (m) -> box(m)
                .map((id) -> step("spawnNear(box " + id + ")", (s) -> s.spawnNear(id)))))
            .withAction(1, action(hasBoxes(), (m) -> box(m)
                .map((id) -> step("borrowConflicts(box " + id + ")", (s) -> s.borrowConflicts(id)))))
            .withAction(1, action(hasBoxes(), (m) -> box(m)
                .map((id) -> step("free(box " + id + ")", (s) -> s.free(id)))))
            .withAction(1, action(started(), (m) -> value()
                .map((value) -> step("arc(value " + value + ")", (s) -> s.arc(value)))))
            .withAction(2, action((m) -> !m.arcs.isEmpty(), (m) -> Combinators.combine(arc(m), node(m))
                .as((id, node) -> step("shareArc(arc " + id + ", node " + node + ")", (s) -> s.shareArc(id, node)))))
            .withAction(2, action((m) -> !m.arcs.isEmpty(), (m) -> Combinators.combine(arc(m), node(m))
                .as((id, node) -> step("readArcOn(arc " + id + ", node " + node + ")",
                    (s) -> s.readArcOn(id, node)))))
            .withAction(1, action(started(), (m) -> value()
                .map((value) -> step("mutex(value " + value + ")", (s) -> s.mutex(value)))))
            .withAction(2, action((m) -> !m.mutexes.isEmpty(), (m) -> Combinators.combine(mutex(m), node(m), delta())
                .as((id, node, delta) -> step("lockOn(mutex " + id + ", node " + node + ", +" + delta + ")",
                    (s) -> s.lockOn(id, node, delta)))))
            .withMaxTransformations(MAX_ACTIONS);
    }

    /**
     * Close every model the chains of one try started.
     */
    static void closeAll()
    {
        OwnershipModel model;
        while (null != (model = OPEN.poll()))
        {
            model.close();
        }
    }

    /**
     * What a step does to the model; may throw.
     */
    @FunctionalInterface
    interface Step
    {
        void apply(OwnershipModel model) throws Exception;
    }

    private static Transformer<OwnershipModel> step(final String description, final Step step)
    {
        return Transformer.mutate(description, (model) ->
        {
            try
            {
                step.apply(model);
            }
            catch (final RuntimeException | Error ex)
            {
                throw ex;
            }
            catch (final Exception ex)
            {
                throw new AssertionError(description + " failed on " + model.schedule + ": " + ex, ex);
            }
        });
    }

    private static Action.Dependent<OwnershipModel> action(
        final Predicate<OwnershipModel> precondition,
        final java.util.function.Function<OwnershipModel, Arbitrary<Transformer<OwnershipModel>>> transformer)
    {
        return new Action.Dependent<>()
        {
            public boolean precondition(final OwnershipModel model)
            {
                return precondition.test(model);
            }

            public Arbitrary<Transformer<OwnershipModel>> transformer(final OwnershipModel model)
            {
                return transformer.apply(model);
            }
        };
    }

    private static Predicate<OwnershipModel> started()
    {
        return OwnershipModel::isStarted;
    }

    private static Predicate<OwnershipModel> hasBoxes()
    {
        return (m) -> !m.boxes.isEmpty();
    }

    private static Predicate<OwnershipModel> hasBoxesAndPeers()
    {
        return (m) -> !m.boxes.isEmpty() && m.nodeCount() > 1;
    }

    private static Arbitrary<Integer> node(final OwnershipModel model)
    {
        return Arbitraries.integers().between(0, model.nodeCount() - 1);
    }

    private static Arbitrary<Integer> peer(final OwnershipModel model)
    {
        return Arbitraries.integers().between(1, model.nodeCount() - 1);
    }

    private static Arbitrary<Long> value()
    {
        return Arbitraries.longs().between(0, 999);
    }

    private static Arbitrary<Long> delta()
    {
        return Arbitraries.longs().between(1, 9);
    }

    private static Arbitrary<Integer> box(final OwnershipModel model)
    {
        return of(model.boxIds());
    }

    private static Arbitrary<Integer> arc(final OwnershipModel model)
    {
        return of(model.arcIds());
    }

    private static Arbitrary<Integer> mutex(final OwnershipModel model)
    {
        return of(model.mutexIds());
    }

    private static Arbitrary<Integer> of(final List<Integer> ids)
    {
        return Arbitraries.of(ids);
    }
}
