package org.jdsm.coherence;

import org.agrona.concurrent.UnsafeBuffer;
import org.jdsm.RemoteTaskException;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

/**
 * The encoding of a failed task's result ({@link ControlMessageDescriptor#RESULT_FAILED}): the length of its text,
 * the text, then the serialized exception when it can be serialized; and its decoding into the caller's
 * {@link RemoteTaskException}, malformed bodies rejected.
 * <p>
 * <b>Note:</b> threadsafe and stateless; one per node, used by its {@link TaskRuntime}.
 */
final class TaskFailures
{
    private final HeapAccess heap;
    private final Rejections rejections;

    TaskFailures(final HeapAccess heap, final Rejections rejections)
    {
        this.heap = heap;
        this.rejections = rejections;
    }

    /**
     * A failed task's body: the length of its text, the text (type, message, stack trace), then, when it can be
     * serialized, the exception itself, so the caller's {@link RemoteTaskException} has it as its cause.
     */
    static byte[] failureText(final Throwable ex)
    {
        final StringWriter text = new StringWriter();
        ex.printStackTrace(new PrintWriter(text));
        final byte[] textBytes = text.toString().getBytes(StandardCharsets.UTF_8);
        byte[] serialized = new byte[0];
        try
        {
            serialized = TaskCodec.serialize(ex, "failure");
        }
        catch (final RuntimeException notSerializable)
        {
            // the text alone travels: the exception holds something that can not be serialized
        }

        final byte[] body = new byte[4 + textBytes.length + serialized.length];
        final UnsafeBuffer buffer = new UnsafeBuffer(body);
        buffer.putInt(0, textBytes.length);
        buffer.putBytes(4, textBytes);
        buffer.putBytes(4 + textBytes.length, serialized);

        return body;
    }

    RemoteTaskException remoteFailure(final int sourceNodeId, final byte[] body)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(body);
        final int textLength = body.length >= 4 ? buffer.getInt(0) : -1;
        if (textLength < 0 || textLength > body.length - 4)
        {
            rejections.reject("task failure from node " + sourceNodeId + " is malformed: " + body.length + " bytes");
            return new RemoteTaskException(sourceNodeId, "malformed failure of " + body.length + " bytes");
        }

        final RemoteTaskException failure = new RemoteTaskException(
            sourceNodeId, new String(body, 4, textLength, StandardCharsets.UTF_8));
        if (body.length > 4 + textLength)
        {
            final TaskScope scope = new TaskScope(heap, sourceNodeId, true).enter();
            try
            {
                final Object cause = TaskCodec.deserialize(
                    java.util.Arrays.copyOfRange(body, 4 + textLength, body.length), "failure from node " + sourceNodeId);
                if (cause instanceof Throwable)
                {
                    failure.initCause((Throwable)cause);
                }
            }
            catch (final RuntimeException ex)
            {
                failure.addSuppressed(ex);
            }
            finally
            {
                scope.exit();
            }
        }

        return failure;
    }

}
