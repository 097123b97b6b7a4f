package org.jdsm.coherence;

import com.example.gadget.Gadget;
import com.example.gadget.Tasks;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.jdsm.DsmException;
import org.jdsm.DsmNode;
import org.jdsm.DsmTask;
import org.jdsm.NodeCounters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.invoke.SerializedLambda;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tasks that are lambdas over plain values, and plain results, travel in {@link CompactTaskCodec}'s form and run as
 * they would from a Java stream; everything else still travels as a Java stream; a malformed or forged compact
 * payload fails with an error naming what was wrong and rebuilds nothing a Java stream could not.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CompactTaskCodecTest
{
    private static final byte JAVA_STREAM_MAGIC = (byte)0xAC;

    @Test
    void shouldRoundTripEveryPlainValue()
    {
        final List<Object> values = Arrays.asList(null, 42, -7L, true, false, (byte)-3, (short)1234, 'x', 2.5f,
            Math.PI, "", "héllo, wörld", Long.MIN_VALUE, Integer.MAX_VALUE);
        for (final Object value : values)
        {
            final byte[] bytes = TaskCodec.serialize(value, "value");
            assertEquals(CompactTaskCodec.VALUE_FORMAT, bytes[0], String.valueOf(value));
            assertEquals(value, TaskCodec.deserialize(bytes, "value"));
        }

        assertArrayEquals(new byte[] {1, -2, 3}, (byte[])roundTrip(new byte[] {1, -2, 3}));
        assertArrayEquals(new int[] {Integer.MIN_VALUE, 0, 9}, (int[])roundTrip(new int[] {Integer.MIN_VALUE, 0, 9}));
        assertArrayEquals(new long[] {1L << 40, -1}, (long[])roundTrip(new long[] {1L << 40, -1}));
        assertArrayEquals(new double[] {0.5, -0.0, Double.NaN}, (double[])roundTrip(new double[] {0.5, -0.0, Double.NaN}));
        assertArrayEquals(new long[0], (long[])roundTrip(new long[0]));
        assertEquals(1 + 1 + 4 + 8 * 1000, TaskCodec.serialize(new long[1000], "value").length, "tag, count, elements");
    }

    @Test
    void shouldSendLambdaCapturingPlainValuesCompactlyAndRebuildIt() throws Exception
    {
        final long base = 40;
        final String text = "ab";
        final int[] weights = {3, 4};
        final DsmTask<Long> task = (node) -> base + text.length() + weights[1] + (null == node ? 0 : 100);

        final byte[] bytes = TaskCodec.serialize(task, "task");
        assertEquals(CompactTaskCodec.LAMBDA_FORMAT, bytes[0]);
        final DsmTask<?> rebuilt = (DsmTask<?>)TaskCodec.deserialize(bytes, "task");
        assertFalse(task == rebuilt, "a copy, as from a stream");
        assertEquals(46L, rebuilt.run(null));

        final DsmTask<Integer> reference = DsmNode::nodeId;
        final byte[] referenceBytes = TaskCodec.serialize(reference, "task");
        assertEquals(CompactTaskCodec.LAMBDA_FORMAT, referenceBytes[0]);
        assertNotNull(TaskCodec.deserialize(referenceBytes, "task"));
        assertTrue(referenceBytes.length < 250, referenceBytes.length + " bytes: a Java stream of it takes ~600");
    }

    @Test
    void shouldSendWhatLambdaCapturesBeyondPlainValuesAsJavaStreamAfterCompactFields() throws Exception
    {
        final List<Integer> list = List.of(1, 2);
        final long plain = 40;
        final DsmTask<Long> capturingList = (node) -> plain + list.size();
        final byte[] bytes = TaskCodec.serialize(capturingList, "task");
        assertEquals(CompactTaskCodec.LAMBDA_STREAM_FORMAT, bytes[0]);
        assertEquals(42L, ((DsmTask<?>)TaskCodec.deserialize(bytes, "task")).run(null));

        // the captured values' stream goes through the task input filter, as the rest of a lambda's stream would
        final Gadget gadget = new Gadget("touch /tmp/pwned");
        final DsmTask<Integer> capturingGadget = (node) -> gadget.hashCode();
        final byte[] forged = TaskCodec.serialize(capturingGadget, "task");
        assertEquals(CompactTaskCodec.LAMBDA_STREAM_FORMAT, forged[0]);
        Gadget.instantiated = false;
        final DsmException ex = assertThrows(DsmException.class, () -> TaskCodec.deserialize(forged, "task"));
        assertTrue(ex.getMessage().contains("java.io.InvalidClassException: com.example.gadget.Gadget; not allowed " +
            "by jdsm's task input filter"), ex.getMessage());
        assertFalse(Gadget.instantiated, "the gadget's readObject ran");

        final byte[] truncated = Arrays.copyOf(bytes, bytes.length - 3);
        assertThrows(DsmException.class, () -> TaskCodec.deserialize(truncated, "task"));
    }

    @Test
    void shouldRunLambdaCapturingHandleOnPeer() throws Exception
    {
        try (SimulatedCluster cluster = SimulatedCluster.start(2))
        {
            final org.jdsm.DBox<Long> box = cluster.node(1).alloc(org.jdsm.Codecs.LONG, 41L);
            final long one = 1;
            try (org.jdsm.Ref<Long> ref = box.read())
            {
                assertEquals(Long.valueOf(42), cluster.node(1).callOn(0, (n) -> ref.get() + one), "a lent Ref");
            }
            assertEquals(Long.valueOf(41), cluster.node(1).callOn(0, (n) ->
            {
                try (org.jdsm.Ref<Long> read = box.read())
                {
                    return read.get();
                }
            }), "a moved box");
            assertEquals(0, cluster.node(0).counters().get(NodeCounters.Counter.TASKS_REJECTED));
        }
    }

    @Test
    void shouldLeaveOtherTasksAndResultsToJavaSerialization() throws Exception
    {
        assertEquals(JAVA_STREAM_MAGIC, TaskCodec.serialize(new Tasks.Named(7), "task")[0], "a task class");
        assertEquals(JAVA_STREAM_MAGIC, TaskCodec.serialize(List.of(1), "result")[0]);
        assertEquals(JAVA_STREAM_MAGIC, TaskCodec.serialize(new String[] {"a"}, "result")[0]);
    }

    @Test
    void shouldRunCompactTasksOnPeerAndReturnCompactResults() throws Exception
    {
        try (SimulatedCluster cluster = SimulatedCluster.start(2))
        {
            final long factor = 3;
            final String name = "node";
            assertEquals(3L, cluster.node(1).spawnOn(0, (n) -> factor * (n.nodeId() + 1)).get(30, TimeUnit.SECONDS));
            assertEquals("node0", cluster.node(1).callOn(0, (n) -> name + n.nodeId()));
            assertArrayEquals(new long[] {0, 3}, cluster.node(1).callOn(0, (n) -> new long[] {n.nodeId(), factor}));
            assertNull(cluster.node(1).callOn(0, (n) -> null));
            assertEquals(0, cluster.node(0).counters().get(NodeCounters.Counter.TASKS_REJECTED));
        }
    }

    @Test
    void shouldFailMalformedPayloadsWithErrorNamingTheProblem()
    {
        assertMalformed(new byte[] {CompactTaskCodec.VALUE_FORMAT}, "a byte needs 1 bytes, 0 remain");
        assertMalformed(new byte[] {CompactTaskCodec.VALUE_FORMAT, 99}, "unknown value tag 99");
        assertMalformed(new byte[] {CompactTaskCodec.VALUE_FORMAT, 0, 0}, "1 bytes after the end");
        assertMalformed(new byte[] {CompactTaskCodec.VALUE_FORMAT, 12, (byte)0xFF, (byte)0xFF, (byte)0xFF, 0x7F},
            "a long[] of 2147483647 elements, 0 bytes remain");
        assertMalformed(new byte[] {CompactTaskCodec.VALUE_FORMAT, 9, -1, -1, -1, -1}, "a string needs -1 bytes");

        // every truncation of a valid lambda fails cleanly, never with an exception of another kind
        final long captured = 5;
        final byte[] valid = TaskCodec.serialize((DsmTask<Long>)(node) -> captured, "task");
        for (int length = 1; length < valid.length; length++)
        {
            final byte[] truncated = Arrays.copyOf(valid, length);
            final DsmException ex = assertThrows(DsmException.class, () -> TaskCodec.deserialize(truncated, "task"),
                "truncated at " + length);
            assertTrue(ex.getMessage().startsWith("task can not be deserialized: malformed compact form (" + length +
                " bytes): "), ex.getMessage());
        }
    }

    @Test
    void shouldRejectForgedLambdaOfClassThatCompiledNone() throws Exception
    {
        Gadget.instantiated = false;
        final byte[] forged = forgedLambda(Gadget.class.getName().replace('.', '/'), "lambda$x$0");
        try (SimulatedCluster cluster = SimulatedCluster.start(2))
        {
            final Node node = cluster.node(0);
            final String failure = runForged(cluster, forged);
            assertTrue(failure.contains("rejected class com.example.gadget.Gadget: not the capturing class of a " +
                "serializable lambda (no $deserializeLambda$)"), failure);
            assertEquals(1, node.counters().get(NodeCounters.Counter.TASKS_REJECTED), "rejected and counted");
            assertFalse(Gadget.instantiated);
            assertEquals(Integer.valueOf(42), cluster.node(1).callOn(0, (n) -> 6 * 7), "the node keeps serving");
        }
    }

    @Test
    void shouldFailForgedLambdaThatItsCapturingClassDidNotCompile()
    {
        final byte[] forged = forgedLambda(CompactTaskCodecTest.class.getName().replace('.', '/'), "lambda$nope$9");
        final DsmException ex = assertThrows(DsmException.class, () -> TaskCodec.deserialize(forged, "task"));
        assertTrue(ex.getMessage().startsWith("task can not be deserialized: org.jdsm.coherence.CompactTaskCodecTest " +
            "rebuilds no such lambda (org/jdsm/coherence/CompactTaskCodecTest.lambda$nope$9"), ex.getMessage());
    }

    @Test
    void shouldNameMissingCapturingClass()
    {
        final byte[] forged = forgedLambda("com/example/NotOnClassPath", "lambda$x$0");
        final DsmException ex = assertThrows(DsmException.class, () -> TaskCodec.deserialize(forged, "task"));
        assertEquals("task needs class com.example.NotOnClassPath, not on this node's class path: give every node " +
            "the program's classes (jdsm run --class-path, jdsm node --class-path)", ex.getMessage());
    }

    private static Object roundTrip(final Object value)
    {
        final byte[] bytes = TaskCodec.serialize(value, "value");
        assertEquals(CompactTaskCodec.VALUE_FORMAT, bytes[0]);
        return TaskCodec.deserialize(bytes, "value");
    }

    private static void assertMalformed(final byte[] payload, final String problem)
    {
        final DsmException ex = assertThrows(DsmException.class, () -> TaskCodec.deserialize(payload, "result"));
        assertTrue(ex.getMessage().startsWith("result can not be deserialized: malformed compact form (" +
            payload.length + " bytes): " + problem), ex.getMessage());
    }

    /**
     * A compact lambda with the fields of a real task's but another capturing class and implementation method.
     */
    private static byte[] forgedLambda(final String capturingClass, final String implMethod)
    {
        final DsmTask<Integer> model = DsmNode::nodeId;
        final SerializedLambda lambda = SerializableLambdas.of(model);
        assertNotNull(lambda);
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer();
        int index = 0;
        buffer.putByte(index++, CompactTaskCodec.LAMBDA_FORMAT);
        index += buffer.putStringUtf8(index, capturingClass);
        index += buffer.putStringUtf8(index, lambda.getFunctionalInterfaceClass());
        index += buffer.putStringUtf8(index, lambda.getFunctionalInterfaceMethodName());
        index += buffer.putStringUtf8(index, lambda.getFunctionalInterfaceMethodSignature());
        buffer.putInt(index, lambda.getImplMethodKind());
        index += Integer.BYTES;
        index += buffer.putStringUtf8(index, capturingClass);
        index += buffer.putStringUtf8(index, implMethod);
        index += buffer.putStringUtf8(index, "(Lorg/jdsm/DsmNode;)Ljava/lang/Object;");
        index += buffer.putStringUtf8(index, lambda.getInstantiatedMethodType());
        buffer.putByte(index++, (byte)0);

        return Arrays.copyOf(buffer.byteArray(), index);
    }

    /**
     * Deliver a forged spawn to node 0 as if node 1 sent it, and return the failure its answer carries.
     */
    private static String runForged(final SimulatedCluster cluster, final byte[] body) throws Exception
    {
        final Node node = cluster.node(0);
        final long tasksRunBefore = node.counters().get(NodeCounters.Counter.TASKS_RUN);
        final UnsafeBuffer message = new UnsafeBuffer(new byte[ControlMessageDescriptor.BODY_OFFSET + body.length]);
        message.putInt(ControlMessageDescriptor.TYPE_OFFSET, ControlMessageDescriptor.SPAWN_TYPE);
        message.putLong(ControlMessageDescriptor.CORRELATION_ID_OFFSET, 77);
        message.putBytes(ControlMessageDescriptor.BODY_OFFSET, body);
        node.onMessage(1, message, 0, message.capacity());

        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (node.counters().get(NodeCounters.Counter.TASKS_RUN) == tasksRunBefore && System.nanoTime() < deadlineNs)
        {
            Thread.sleep(1);
        }
        assertEquals(tasksRunBefore + 1, node.counters().get(NodeCounters.Counter.TASKS_RUN), "answered as a failure");
        final DsmException ex = assertThrows(DsmException.class, () -> TaskCodec.deserialize(body, "task"));

        return ex.getMessage();
    }
}
