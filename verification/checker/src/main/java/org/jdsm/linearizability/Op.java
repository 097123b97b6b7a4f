package org.jdsm.linearizability;

import java.util.Objects;

/**
 * One operation of a {@link History}: who invoked it on which object, what it asked, when it was invoked, and when
 * and with what result it returned. An operation with no response ({@link #isPending()}, "info" in Jepsen's terms)
 * may or may not have taken effect; its result is unknown. A failed operation ({@link #isFailed()}) returned an error
 * that says it did not take effect: the checker drops it.
 * <p>
 * Values are {@code long}s ({@link #argument()}, {@link #result()}), or text for models of strings such as
 * {@link Models#kv()} ({@link #textArgument()}, {@link #textResult()}, null meaning nil).
 * <p>
 * Timestamps come from one clock shared by every client of the history (see {@link HistoryRecorder}); only their
 * order matters. Operation {@code a} precedes {@code b} in real time when {@code a.responseTime() <
 * b.invocationTime()}.
 * <p>
 * <b>Note:</b> immutable, so threadsafe.
 */
public final class Op
{
    /** {@link #responseTime()} of a pending operation. */
    public static final long PENDING = Long.MAX_VALUE;

    private final int id;
    private final int clientId;
    private final String key;
    private final OpKind kind;
    private final long argument;
    private final long argument2;
    private final long invocationTime;
    private final long responseTime;
    private final long result;
    private final String textArgument;
    private final String textResult;
    private final boolean failed;

    /**
     * @param id             unique in its history; ties in time are broken by it.
     * @param clientId       the client (thread, task, process) that invoked it.
     * @param key            of the object it applies to: histories are checked per key.
     * @param kind           of operation.
     * @param argument       first argument, see {@link OpKind}.
     * @param argument2      second argument, see {@link OpKind}.
     * @param invocationTime when it was invoked.
     * @param responseTime   when it returned, or {@link #PENDING}.
     * @param result         its result, see {@link OpKind}; ignored when pending.
     */
    public Op(
        final int id,
        final int clientId,
        final String key,
        final OpKind kind,
        final long argument,
        final long argument2,
        final long invocationTime,
        final long responseTime,
        final long result)
    {
        this(id, clientId, key, kind, argument, argument2, null, invocationTime, responseTime, result, null, false);
    }

    /**
     * An operation with text values, or a failed one.
     *
     * @param id             unique in its history; ties in time are broken by it.
     * @param clientId       the client (thread, task, process) that invoked it.
     * @param key            of the object it applies to: histories are checked per key.
     * @param kind           of operation.
     * @param argument       first argument, see {@link OpKind}.
     * @param argument2      second argument, see {@link OpKind}.
     * @param textArgument   text argument for models of strings, or null.
     * @param invocationTime when it was invoked.
     * @param responseTime   when it returned, or {@link #PENDING}.
     * @param result         its result, see {@link OpKind}; ignored when pending.
     * @param textResult     text result for models of strings, or null (nil); ignored when pending.
     * @param failed         true if it returned an error that says it did not take effect.
     */
    public Op(
        final int id,
        final int clientId,
        final String key,
        final OpKind kind,
        final long argument,
        final long argument2,
        final String textArgument,
        final long invocationTime,
        final long responseTime,
        final long result,
        final String textResult,
        final boolean failed)
    {
        this.id = id;
        this.clientId = clientId;
        this.key = Objects.requireNonNull(key, "key");
        this.kind = Objects.requireNonNull(kind, "kind");
        this.argument = argument;
        this.argument2 = argument2;
        this.invocationTime = invocationTime;
        this.responseTime = responseTime;
        this.result = responseTime == PENDING ? 0 : result;
        this.textArgument = textArgument;
        this.textResult = responseTime == PENDING ? null : textResult;
        this.failed = failed;
        if (failed && responseTime == PENDING)
        {
            throw new IllegalArgumentException("op " + id + ": a failed operation must have a response");
        }
        if (responseTime < invocationTime)
        {
            throw new IllegalArgumentException("op " + id + ": responseTime=" + responseTime +
                " < invocationTime=" + invocationTime);
        }
    }

    /**
     * @return id, unique in its history.
     */
    public int id()
    {
        return id;
    }

    /**
     * @return the client that invoked it.
     */
    public int clientId()
    {
        return clientId;
    }

    /**
     * @return key of the object it applies to.
     */
    public String key()
    {
        return key;
    }

    /**
     * @return the kind of operation.
     */
    public OpKind kind()
    {
        return kind;
    }

    /**
     * @return the first argument.
     */
    public long argument()
    {
        return argument;
    }

    /**
     * @return the second argument.
     */
    public long argument2()
    {
        return argument2;
    }

    /**
     * @return when it was invoked.
     */
    public long invocationTime()
    {
        return invocationTime;
    }

    /**
     * @return when it returned, or {@link #PENDING}.
     */
    public long responseTime()
    {
        return responseTime;
    }

    /**
     * @return its result; 0 when pending.
     */
    public long result()
    {
        return result;
    }

    /**
     * @return the text argument, or null.
     */
    public String textArgument()
    {
        return textArgument;
    }

    /**
     * @return the text result, or null (nil, or pending).
     */
    public String textResult()
    {
        return textResult;
    }

    /**
     * @return true if it returned an error that says it did not take effect; the checker drops it.
     */
    public boolean isFailed()
    {
        return failed;
    }

    /**
     * @return true if it has no response: it may or may not have taken effect.
     */
    public boolean isPending()
    {
        return responseTime == PENDING;
    }

    /**
     * The same operation under another id, for a sub-history.
     *
     * @param newId the id.
     * @return the copy.
     */
    Op withId(final int newId)
    {
        return new Op(newId, clientId, key, kind, argument, argument2, textArgument, invocationTime, responseTime,
            result, textResult, failed);
    }

    /**
     * The same operation, cut at a point in time: pending if it had not returned by then.
     *
     * @param cutTime the point in time.
     * @return this, or a pending copy.
     */
    Op cutAt(final long cutTime)
    {
        return responseTime <= cutTime ? this :
            new Op(id, clientId, key, kind, argument, argument2, textArgument, invocationTime, PENDING, 0, null, false);
    }

    /**
     * A readable form, e.g. {@code #3 client 1 x: WRITE(5) [10, 20]} or {@code #4 client 2 x: READ -> 5 [12, 30]}.
     *
     * @return the text.
     */
    public String toString()
    {
        final StringBuilder sb = new StringBuilder(64)
            .append('#').append(id).append(" client ").append(clientId).append(' ').append(key).append(": ")
            .append(kind);
        switch (kind)
        {
            case WRITE:
            case ADD:
            case GET_AND_ADD:
            case ENQUEUE:
            case APPEND:
                sb.append('(').append(null != textArgument ? quote(textArgument) : Models.format(argument))
                    .append(')');
                break;
            case COMPARE_AND_SET:
                sb.append('(').append(Models.format(argument)).append(", ").append(Models.format(argument2))
                    .append(')');
                break;
            default:
                break;
        }
        if (isPending())
        {
            sb.append(" -> ? [").append(invocationTime).append(", pending]");
        }
        else
        {
            if (kind == OpKind.READ || kind == OpKind.GET_AND_ADD || kind == OpKind.DEQUEUE ||
                kind == OpKind.COMPARE_AND_SET)
            {
                sb.append(" -> ").append(kind == OpKind.COMPARE_AND_SET ? (result == 1 ? "true" : "false") :
                    null != textResult ? quote(textResult) : Models.format(result));
            }
            if (failed)
            {
                sb.append(" failed");
            }
            sb.append(" [").append(invocationTime).append(", ").append(responseTime).append(']');
        }

        return sb.toString();
    }

    private static String quote(final String text)
    {
        return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    /**
     * {@inheritDoc}
     */
    public boolean equals(final Object other)
    {
        if (this == other)
        {
            return true;
        }
        if (!(other instanceof Op))
        {
            return false;
        }
        final Op that = (Op)other;

        return id == that.id && clientId == that.clientId && key.equals(that.key) && kind == that.kind &&
            argument == that.argument && argument2 == that.argument2 && invocationTime == that.invocationTime &&
            responseTime == that.responseTime && result == that.result && failed == that.failed &&
            Objects.equals(textArgument, that.textArgument) && Objects.equals(textResult, that.textResult);
    }

    /**
     * {@inheritDoc}
     */
    public int hashCode()
    {
        return Objects.hash(id, clientId, key, kind, argument, invocationTime, responseTime, result);
    }
}
