package org.jdsm.coherence;

import com.example.gadget.Gadget;
import com.example.gadget.Tasks;
import org.agrona.concurrent.UnsafeBuffer;
import org.jdsm.DsmException;
import org.jdsm.DsmNode;
import org.jdsm.NodeCounters;
import org.jdsm.RemoteTaskException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputFilter;
import java.io.ObjectOutputStream;
import java.lang.invoke.SerializedLambda;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Nothing a peer sends is deserialized unvetted: gadget-shaped tasks, results and oversized or deeply nested streams
 * are rejected by {@link TaskInputFilter} before any of their classes is instantiated, counted, reported to the
 * sender naming the class, and the node keeps serving.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TaskInputFilterTest
{
    private static final String NOT_ALLOWED = "com.example.gadget.Gadget; not allowed by jdsm's task input filter";

    @BeforeEach
    void resetGadget()
    {
        Gadget.instantiated = false;
    }

    @Test
    void shouldRejectForgedSpawnOfHashMapHoldingGadget() throws Exception
    {
        final Map<Object, Object> map = new HashMap<>();
        map.put(new Gadget("rm -rf /"), "value");
        assertForgedSpawnRejected(serialize(map), "java.io.InvalidClassException: " + NOT_ALLOWED);
    }

    @Test
    void shouldRejectForgedSpawnOfPriorityQueue() throws Exception
    {
        final PriorityQueue<String> queue = new PriorityQueue<>();
        queue.add("a");
        queue.add("b");
        assertForgedSpawnRejected(serialize(queue),
            "java.io.InvalidClassException: java.util.PriorityQueue; not allowed by jdsm's task input filter");
    }

    @Test
    void shouldRejectForgedSpawnOfDeeplyNestedArrays() throws Exception
    {
        Object[] nested = new Object[0];
        for (int i = 0; i < 1_000; i++)
        {
            nested = new Object[] { nested };
        }
        assertForgedSpawnRejected(serialize(nested), "java.io.InvalidObjectException: rejected by jdsm's task input " +
            "filter: objects nested 33 deep, over the limit of 32");
    }

    @Test
    void shouldRejectForgedSpawnOfArrayLongerThanItsPayload() throws Exception
    {
        final byte[] stream = serialize(new long[0]);
        // the last four bytes are the array's length: declare 2^30 longs (8 GiB) in a stream of a few dozen bytes
        new UnsafeBuffer(stream).putInt(stream.length - 4, 1 << 30, java.nio.ByteOrder.BIG_ENDIAN);
        assertForgedSpawnRejected(stream, "java.io.InvalidObjectException: rejected by jdsm's task input filter: " +
            "an array long[] of 1073741824 elements in a payload of " + stream.length + " bytes");
    }

    @Test
    void shouldFailSendersFutureNamingTheRejectedClass() throws Exception
    {
        try (SimulatedCluster cluster = SimulatedCluster.start(2))
        {
            final Gadget gadget = new Gadget("calc");
            final ExecutionException ex = assertThrows(ExecutionException.class,
                () -> cluster.node(1).spawnOn(0, (n) -> gadget.command.length()).get(30, TimeUnit.SECONDS));

            final RemoteTaskException cause = assertInstanceOf(RemoteTaskException.class, ex.getCause());
            assertEquals(0, cause.nodeId());
            assertTrue(cause.getMessage().startsWith("task failed on node 0: org.jdsm.DsmException: task from node 1 " +
                "can not be deserialized: java.io.InvalidClassException: " + NOT_ALLOWED), cause.getMessage());
            assertTrue(cause.getMessage().contains("jdsm.task.allowed.packages="), cause.getMessage());
            assertFalse(Gadget.instantiated, "the gadget's readObject ran");
            assertEquals(1, counter(cluster.node(0), NodeCounters.Counter.TASKS_REJECTED));
            assertEquals(0, counter(cluster.node(1), NodeCounters.Counter.TASKS_REJECTED));
        }
    }

    @Test
    void shouldRejectResultHoldingGadget() throws Exception
    {
        try (SimulatedCluster cluster = SimulatedCluster.start(2))
        {
            final ExecutionException ex = assertThrows(ExecutionException.class,
                () -> cluster.node(1).spawnOn(0, (n) -> List.of(new Gadget("calc"))).get(30, TimeUnit.SECONDS));

            final DsmException cause = assertInstanceOf(DsmException.class, ex.getCause());
            assertEquals("result from node 0 can not be deserialized: java.io.InvalidClassException: " + NOT_ALLOWED +
                ": a task, its result or its failure may hold JDK value types, collections, jdsm's types, tasks, " +
                "codecs, lambdas and the packages in jdsm.task.allowed.packages=", cause.getMessage());
            assertFalse(Gadget.instantiated, "the gadget's readObject ran");
            assertEquals(1, counter(cluster.node(1), NodeCounters.Counter.TASKS_REJECTED));
        }
    }

    @Test
    void shouldRunTaskHoldingClassOfAllowedPackage() throws Exception
    {
        try (SimulatedCluster cluster = SimulatedCluster.start(2,
            (config) -> config.taskAllowedPackages(List.of("com.example.gadget."))))
        {
            final Gadget gadget = new Gadget("calc");
            assertEquals(4, cluster.node(1).spawnOn(0, (n) -> gadget.command.length()).get(30, TimeUnit.SECONDS));
            assertTrue(Gadget.instantiated, "an allowed class is deserialized");
            assertEquals(0, counter(cluster.node(0), NodeCounters.Counter.TASKS_REJECTED));
        }
    }

    @Test
    void shouldDecideEachClassByTheDocumentedRules()
    {
        final TaskInputFilter filter = new TaskInputFilter(List.of("com.acme."), 1 << 20, 1 << 20, null, null);
        for (final Class<?> allowed : List.of(Integer.class, Number.class, String.class, ArrayList.class,
            HashMap.class, SerializedLambda.class, TaskScope.BoxToken.class, ArcHandle.ArcToken.class,
            TimeUnit.class, IllegalStateException.class, Tasks.Named.class, Tasks.class, TaskInputFilterTest.class,
            org.jdsm.Codecs.class, int.class, java.util.Collections.emptyList().getClass(), BoxHandle.class,
            List.of(1).getClass(), java.util.Properties.class, java.time.LocalDate.class))
        {
            assertEquals(ObjectInputFilter.Status.ALLOWED, filter.checkInput(info(allowed)), allowed.getName());
        }
        for (final Class<?> rejected : List.of(Gadget.class, PriorityQueue.class, java.util.Random.class,
            java.net.URL.class, javax.management.openmbean.CompositeDataSupport.class, java.io.File.class))
        {
            assertEquals(ObjectInputFilter.Status.REJECTED,
                new TaskInputFilter(List.of(), 1 << 20, 1 << 20, null, null).checkInput(info(rejected)),
                rejected.getName());
        }
    }

    @Test
    void shouldRunTasksOfUnlistedPackageThatAreLambdasOrTaskClasses() throws Exception
    {
        try (SimulatedCluster cluster = SimulatedCluster.start(2))
        {
            assertEquals(5, cluster.node(1).spawnOn(0, Tasks.length("hello")).get(30, TimeUnit.SECONDS));
            assertEquals(7, cluster.node(1).spawnOn(0, new Tasks.Named(7)).get(30, TimeUnit.SECONDS));
            assertEquals(List.of(6, 8),
                cluster.node(1).spawnOn(0, Tasks.doubled(List.of(3, 4))).get(30, TimeUnit.SECONDS));
            assertEquals(0, counter(cluster.node(0), NodeCounters.Counter.TASKS_REJECTED));
        }
    }

    private static void assertForgedSpawnRejected(final byte[] body, final String expectedFailure) throws Exception
    {
        try (SimulatedCluster cluster = SimulatedCluster.start(2))
        {
            final Node node = cluster.node(0);
            final long tasksRunBefore = counter(node, NodeCounters.Counter.TASKS_RUN);

            node.onMessage(1, spawn(77, body), 0, ControlMessageDescriptor.BODY_OFFSET + body.length);

            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (counter(node, NodeCounters.Counter.TASKS_RUN) == tasksRunBefore && System.nanoTime() < deadlineNs)
            {
                Thread.sleep(1);
            }
            assertEquals(1, counter(node, NodeCounters.Counter.TASKS_REJECTED), "rejected and counted");
            assertEquals(tasksRunBefore + 1, counter(node, NodeCounters.Counter.TASKS_RUN), "answered as a failure");
            assertEquals(expectedFailure, rejectionOf(body));
            assertFalse(Gadget.instantiated, "the gadget's readObject ran");

            assertEquals(42, cluster.node(1).spawnOn(0, (n) -> 6 * 7).get(30, TimeUnit.SECONDS),
                "the node keeps serving");
            assertEquals(1, counter(node, NodeCounters.Counter.TASKS_REJECTED), "a legitimate task is not rejected");
        }
    }

    /**
     * The rejection the forged task's sender gets in its failure text, read again here without a node.
     */
    private static String rejectionOf(final byte[] body)
    {
        final DsmException ex = assertThrows(DsmException.class, () -> TaskCodec.deserialize(body, "task"));
        final String message = ex.getMessage();
        final String prefix = "task can not be deserialized: ";
        assertTrue(message.startsWith(prefix), message);
        final int detail = message.indexOf(": a task, its result");
        return message.substring(prefix.length(), -1 == detail ? message.length() : detail);
    }

    private static UnsafeBuffer spawn(final long correlationId, final byte[] body)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[ControlMessageDescriptor.BODY_OFFSET + body.length]);
        buffer.putInt(ControlMessageDescriptor.TYPE_OFFSET, ControlMessageDescriptor.SPAWN_TYPE);
        buffer.putLong(ControlMessageDescriptor.CORRELATION_ID_OFFSET, correlationId);
        buffer.putBytes(ControlMessageDescriptor.BODY_OFFSET, body);
        return buffer;
    }

    private static byte[] serialize(final Object value) throws IOException
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes))
        {
            out.writeObject(value);
        }
        return bytes.toByteArray();
    }

    private static ObjectInputFilter.FilterInfo info(final Class<?> type)
    {
        return new ObjectInputFilter.FilterInfo()
        {
            public Class<?> serialClass()
            {
                return type;
            }

            public long arrayLength()
            {
                return -1;
            }

            public long depth()
            {
                return 1;
            }

            public long references()
            {
                return 1;
            }

            public long streamBytes()
            {
                return 100;
            }
        };
    }

    private static long counter(final DsmNode node, final NodeCounters.Counter counter)
    {
        return node.counters().get(counter);
    }
}
