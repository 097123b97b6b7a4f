package org.jdsm.apps.kv;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.state.Action;
import net.jqwik.api.state.ActionChain;
import net.jqwik.api.state.Transformer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The KV stores against a sequential model, a {@link TreeMap}: every action asserts its result against the model.
 */
class KvStoreProperties
{
    private static KvTestCluster cluster;

    /**
     * The store under test with its model.
     */
    static final class State
    {
        final KvStore store;
        final TreeMap<String, byte[]> model = new TreeMap<>();

        State(final KvStore store)
        {
            this.store = store;
        }
    }

    @BeforeContainer
    static void start() throws Exception
    {
        cluster = new KvTestCluster(2, 3, 2);
    }

    @AfterContainer
    static void stop()
    {
        cluster.close();
    }

    @Property(tries = 40)
    void distributedStoreAnswersEveryOperationAsTheSequentialMap(@ForAll("distributed") final ActionChain<State> chain)
    {
        chain.run();
        chain.finalState().ifPresent((state) -> state.store.close());
    }

    @Property(tries = 40)
    void localStoreAnswersEveryOperationAsTheSequentialMap(@ForAll("local") final ActionChain<State> chain)
    {
        chain.run();
        chain.finalState().ifPresent((state) -> state.store.close());
    }

    @Provide
    Arbitrary<ActionChain<State>> distributed()
    {
        return ActionChain.startWith(() -> new State(DistributedKvStore.create(cluster.nodes[0], 3)))
            .withAction(put()).withAction(get()).withAction(delete()).withAction(update()).withAction(scan())
            .withMaxTransformations(40);
    }

    @Provide
    Arbitrary<ActionChain<State>> local()
    {
        return ActionChain.startWith(() -> new State(new LocalKvStore(16)))
            .withAction(put()).withAction(get()).withAction(delete()).withAction(update()).withAction(scan())
            .withMaxTransformations(40);
    }

    private static Action.Independent<State> action(final Arbitrary<Transformer<State>> transformers)
    {
        return () -> transformers;
    }

    private static Arbitrary<String> keys()
    {
        return Arbitraries.of("a", "b", "c", "d", "e", "ü", "k10", "k2");
    }

    private static Arbitrary<byte[]> values()
    {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
    }

    private static Action.Independent<State> put()
    {
        return action(keys().flatMap((key) -> values().map((value) ->
            Transformer.<State>mutate("put(" + key + ", " + value.length + " bytes)", (state) ->
            {
                assertEquals(!state.model.containsKey(key), state.store.put(key, value));
                state.model.put(key, value.clone());
            }))));
    }

    private static Action.Independent<State> get()
    {
        return action(keys().map((key) -> Transformer.<State>mutate("get(" + key + ")", (state) ->
        {
            assertArrayEquals(state.model.get(key), state.store.get(key));
        })));
    }

    private static Action.Independent<State> delete()
    {
        return action(keys().map((key) -> Transformer.<State>mutate("delete(" + key + ")", (state) ->
        {
            assertEquals(null != state.model.remove(key), state.store.delete(key));
        })));
    }

    private static Action.Independent<State> update()
    {
        return action(keys().flatMap((key) -> Arbitraries.integers().between(0, 5).map((extra) ->
            Transformer.<State>mutate("update(" + key + ", +" + extra + " bytes)", (state) ->
            {
                final boolean present = state.model.containsKey(key);
                assertEquals(present, state.store.update(key, (old) -> Arrays.copyOf(old, old.length + extra)));
                if (present)
                {
                    state.model.put(key, Arrays.copyOf(state.model.get(key), state.model.get(key).length + extra));
                }
                assertEquals(state.model.size(), state.store.size());
            }))));
    }

    private static Action.Independent<State> scan()
    {
        return action(keys().flatMap((start) -> Arbitraries.integers().between(1, 4).map((count) ->
            Transformer.<State>mutate("scan(" + start + ", " + count + ")", (state) ->
            {
                final List<String> expected = new ArrayList<>();
                for (final String key : state.model.tailMap(start, true).keySet())
                {
                    if (expected.size() < count)
                    {
                        expected.add(key);
                    }
                }
                final List<String> actual = new ArrayList<>();
                for (final Map.Entry<String, byte[]> entry : state.store.scan(start, count))
                {
                    actual.add(entry.getKey());
                    assertArrayEquals(state.model.get(entry.getKey()), entry.getValue());
                }
                assertEquals(expected, actual);
            }))));
    }
}
