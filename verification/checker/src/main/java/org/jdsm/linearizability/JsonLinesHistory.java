package org.jdsm.linearizability;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a history in JSON lines, one event an object a line, as Jepsen and other tools write them:
 * <pre>
 * {"process": 0, "type": "invoke", "f": "write", "key": "x", "value": 1}
 * {"process": 0, "type": "ok",     "f": "write", "key": "x", "value": 1}
 * {"process": 1, "type": "invoke", "f": "read",  "key": "x", "value": null}
 * {"process": 1, "type": "ok",     "f": "read",  "key": "x", "value": 1}
 * </pre>
 * <ul>
 *     <li>{@code process}: who invoked it, a number or a string; a process has at most one operation open.</li>
 *     <li>{@code type}: {@code invoke}, then the same process's {@code ok} (it took effect, with this result),
 *     {@code fail} (it did not take effect: {@link Op#isFailed()}) or {@code info} (unknown: it may or may not have
 *     taken effect, {@link Op#isPending()}). An invocation with no completion is unknown as well.</li>
 *     <li>{@code f}: {@code read} or {@code get}, {@code write} or {@code put}, {@code cas} (value
 *     {@code [expected, new]}), {@code append}, {@code add}, {@code enqueue}, {@code dequeue}.</li>
 *     <li>{@code key}: optional (a single object when absent), a string or a number.</li>
 *     <li>{@code value}: the argument on {@code invoke}; on {@code ok} the result of a read or dequeue (a dequeue of
 *     an empty queue reads {@code null}). Numbers or {@code null} (nil) for numeric models; strings, numbers (read
 *     as their text) or {@code null} for text models such as {@link Models#kv()}.</li>
 *     <li>{@code time}: optional; when every line has it, events are ordered by it, otherwise by their order in the
 *     file.</li>
 * </ul>
 * Blank lines are skipped. Any other field is ignored.
 * <p>
 * <b>Note:</b> stateless, so threadsafe.
 */
public final class JsonLinesHistory
{
    private JsonLinesHistory()
    {
    }

    /**
     * Read a file.
     *
     * @param file  to read.
     * @param model whose values ({@link Model#textValues()}) the file holds.
     * @return the history.
     * @throws IOException             if the file can not be read.
     * @throws HistoryFormatException naming the file and line that is malformed.
     */
    public static History read(final Path file, final Model model) throws IOException
    {
        return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString(), model);
    }

    /**
     * Read text.
     *
     * @param text   JSON lines.
     * @param source name of the text for messages, e.g. its file.
     * @param model  whose values ({@link Model#textValues()}) the text holds.
     * @return the history.
     * @throws HistoryFormatException naming the source and line that is malformed.
     */
    public static History parse(final String text, final String source, final Model model)
    {
        final boolean textValues = model.textValues();
        final String[] lines = text.split("\n", -1);
        final List<Map<String, Object>> events = new ArrayList<>(lines.length);
        final List<Integer> lineNumbers = new ArrayList<>(lines.length);
        boolean allTimed = true;
        for (int i = 0; i < lines.length; i++)
        {
            final String line = lines[i].trim();
            if (line.isEmpty())
            {
                continue;
            }
            final Map<String, Object> event;
            try
            {
                event = new JsonObjectReader(line).readObject();
            }
            catch (final IllegalArgumentException ex)
            {
                throw new HistoryFormatException(source, i + 1, ex.getMessage());
            }
            allTimed &= event.get("time") instanceof Long;
            events.add(event);
            lineNumbers.add(i + 1);
        }

        final List<Op> ops = new ArrayList<>();
        final Map<Object, Invocation> open = new HashMap<>();
        for (int e = 0; e < events.size(); e++)
        {
            final Map<String, Object> event = events.get(e);
            final int lineNumber = lineNumbers.get(e);
            final long time = allTimed ? (Long)event.get("time") : e;
            final Object process = require(event, "process", source, lineNumber);
            if (!(process instanceof Long || process instanceof String))
            {
                throw new HistoryFormatException(source, lineNumber, "\"process\" must be a number or a string: " +
                    process);
            }
            final Object type = require(event, "type", source, lineNumber);
            if ("invoke".equals(type))
            {
                if (open.containsKey(process))
                {
                    throw new HistoryFormatException(source, lineNumber, "process " + process +
                        " invokes again before its operation on line " + open.get(process).line + " completed");
                }
                open.put(process, new Invocation(event, lineNumber, time, kind(event, source, lineNumber)));
            }
            else if ("ok".equals(type) || "fail".equals(type) || "info".equals(type))
            {
                final Invocation invocation = open.remove(process);
                if (null == invocation)
                {
                    throw new HistoryFormatException(source, lineNumber, "process " + process + " completes (" +
                        type + ") an operation it never invoked");
                }
                if (!invocation.event.get("f").equals(event.get("f")))
                {
                    throw new HistoryFormatException(source, lineNumber, "\"f\" " + quote(event.get("f")) +
                        " does not match the invocation's " + quote(invocation.event.get("f")) + " on line " +
                        invocation.line);
                }
                ops.add(op(ops.size(), process, invocation, "info".equals(type) ? Op.PENDING : time, event,
                    "fail".equals(type), textValues, source, lineNumber));
            }
            else
            {
                throw new HistoryFormatException(source, lineNumber,
                    "\"type\" must be one of invoke, ok, fail, info: " + quote(type));
            }
        }
        for (final Map.Entry<Object, Invocation> still : open.entrySet())
        {
            final Invocation invocation = still.getValue();
            ops.add(op(ops.size(), still.getKey(), invocation, Op.PENDING, null, false, textValues, source,
                invocation.line));
        }

        return new History(ops);
    }

    private static Op op(
        final int id,
        final Object process,
        final Invocation invocation,
        final long responseTime,
        final Map<String, Object> completion,
        final boolean failed,
        final boolean textValues,
        final String source,
        final int completionLine)
    {
        final Map<String, Object> invoke = invocation.event;
        final int line = invocation.line;
        final Object keyValue = invoke.getOrDefault("key", "_");
        if (!(keyValue instanceof String || keyValue instanceof Long))
        {
            throw new HistoryFormatException(source, line, "\"key\" must be a string or a number: " + keyValue);
        }
        final String key = keyValue.toString();
        final int clientId = process instanceof Long ? (int)(long)(Long)process : Math.abs(process.hashCode());
        final OpKind kind = invocation.kind;
        final Object argumentValue = invoke.get("value");
        final Object resultValue = null == completion ? null : completion.get("value");
        final boolean ok = null != completion && !failed && responseTime != Op.PENDING;

        long argument = 0;
        long argument2 = 0;
        String textArgument = null;
        long result = 0;
        String textResult = null;
        switch (kind)
        {
            case READ:
                if (ok)
                {
                    if (textValues)
                    {
                        textResult = text(resultValue, source, completionLine);
                    }
                    else
                    {
                        result = number(resultValue, source, completionLine);
                    }
                }
                break;

            case WRITE:
            case APPEND:
            case ADD:
            case ENQUEUE:
                if (textValues)
                {
                    textArgument = text(argumentValue, source, line);
                }
                else
                {
                    argument = number(argumentValue, source, line);
                }
                break;

            case COMPARE_AND_SET:
            {
                if (!(argumentValue instanceof List) || ((List<?>)argumentValue).size() != 2)
                {
                    throw new HistoryFormatException(source, line,
                        "\"value\" of cas must be [expected, new]: " + argumentValue);
                }
                argument = number(((List<?>)argumentValue).get(0), source, line);
                argument2 = number(((List<?>)argumentValue).get(1), source, line);
                result = ok ? 1 : 0;
                break;
            }

            case DEQUEUE:
                if (ok)
                {
                    result = null == resultValue ? Models.EMPTY : number(resultValue, source, completionLine);
                }
                break;

            default:
                throw new IllegalStateException("unhandled kind " + kind);
        }
        if (textValues && kind == OpKind.COMPARE_AND_SET)
        {
            throw new HistoryFormatException(source, line, "cas is not supported with text values");
        }

        try
        {
            return new Op(id, clientId, key, kind, argument, argument2, textArgument, invocation.time, responseTime,
                result, textResult, failed);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new HistoryFormatException(source, completionLine, ex.getMessage());
        }
    }

    private static OpKind kind(final Map<String, Object> event, final String source, final int line)
    {
        final Object f = require(event, "f", source, line);
        switch (String.valueOf(f))
        {
            case "read":
            case "get":
                return OpKind.READ;
            case "write":
            case "put":
                return OpKind.WRITE;
            case "cas":
                return OpKind.COMPARE_AND_SET;
            case "append":
                return OpKind.APPEND;
            case "add":
                return OpKind.ADD;
            case "enqueue":
                return OpKind.ENQUEUE;
            case "dequeue":
                return OpKind.DEQUEUE;
            default:
                throw new HistoryFormatException(source, line, "\"f\" must be one of read, get, write, put, cas, " +
                    "append, add, enqueue, dequeue: " + quote(f));
        }
    }

    private static Object require(final Map<String, Object> event, final String field, final String source,
        final int line)
    {
        if (!event.containsKey(field) || null == event.get(field))
        {
            throw new HistoryFormatException(source, line, "missing \"" + field + "\"");
        }

        return event.get(field);
    }

    private static long number(final Object value, final String source, final int line)
    {
        if (null == value)
        {
            return Models.NIL;
        }
        if (!(value instanceof Long))
        {
            throw new HistoryFormatException(source, line, "\"value\" must be an integer or null: " + quote(value));
        }

        return (Long)value;
    }

    private static String text(final Object value, final String source, final int line)
    {
        if (null == value || value instanceof String)
        {
            return (String)value;
        }
        if (value instanceof Long)
        {
            return value.toString();
        }

        throw new HistoryFormatException(source, line, "\"value\" must be a string, a number or null: " + value);
    }

    private static String quote(final Object value)
    {
        return value instanceof String ? "\"" + value + "\"" : String.valueOf(value);
    }

    private static final class Invocation
    {
        final Map<String, Object> event;
        final int line;
        final long time;
        final OpKind kind;

        Invocation(final Map<String, Object> event, final int line, final long time, final OpKind kind)
        {
            this.event = event;
            this.line = line;
            this.time = time;
            this.kind = kind;
        }
    }

    /**
     * Reads one flat JSON object: strings, integers, null, true, false, and arrays of those.
     */
    private static final class JsonObjectReader
    {
        private final String text;
        private int position;

        JsonObjectReader(final String text)
        {
            this.text = text;
        }

        Map<String, Object> readObject()
        {
            final Map<String, Object> object = new LinkedHashMap<>();
            expect('{');
            skipSpace();
            if (peek() == '}')
            {
                position++;
            }
            else
            {
                while (true)
                {
                    skipSpace();
                    final String name = readString();
                    skipSpace();
                    expect(':');
                    object.put(name, readValue());
                    skipSpace();
                    final char next = next();
                    if (next == '}')
                    {
                        break;
                    }
                    if (next != ',')
                    {
                        throw error("expected ',' or '}'");
                    }
                }
            }
            skipSpace();
            if (position != text.length())
            {
                throw error("unexpected text after the object");
            }

            return object;
        }

        private Object readValue()
        {
            skipSpace();
            final char c = peek();
            if (c == '"')
            {
                return readString();
            }
            if (c == '[')
            {
                position++;
                final List<Object> list = new ArrayList<>();
                skipSpace();
                if (peek() == ']')
                {
                    position++;
                    return list;
                }
                while (true)
                {
                    list.add(readValue());
                    skipSpace();
                    final char next = next();
                    if (next == ']')
                    {
                        return list;
                    }
                    if (next != ',')
                    {
                        throw error("expected ',' or ']'");
                    }
                }
            }
            if (c == '-' || (c >= '0' && c <= '9'))
            {
                final int start = position;
                position++;
                while (position < text.length() && Character.isDigit(text.charAt(position)))
                {
                    position++;
                }
                if (position < text.length() && (text.charAt(position) == '.' || text.charAt(position) == 'e' ||
                    text.charAt(position) == 'E'))
                {
                    throw error("only integers are supported");
                }
                try
                {
                    return Long.parseLong(text.substring(start, position));
                }
                catch (final NumberFormatException ex)
                {
                    throw error("bad number " + text.substring(start, position));
                }
            }
            for (final String literal : new String[] { "null", "true", "false" })
            {
                if (text.startsWith(literal, position))
                {
                    position += literal.length();
                    return "null".equals(literal) ? null : Boolean.valueOf(literal);
                }
            }
            throw error("unexpected character '" + c + "'");
        }

        private String readString()
        {
            expect('"');
            final StringBuilder sb = new StringBuilder();
            while (true)
            {
                final char c = next();
                if (c == '"')
                {
                    return sb.toString();
                }
                if (c != '\\')
                {
                    sb.append(c);
                    continue;
                }
                final char escaped = next();
                switch (escaped)
                {
                    case '"':
                    case '\\':
                    case '/':
                        sb.append(escaped);
                        break;
                    case 'n':
                        sb.append('\n');
                        break;
                    case 't':
                        sb.append('\t');
                        break;
                    case 'r':
                        sb.append('\r');
                        break;
                    case 'b':
                        sb.append('\b');
                        break;
                    case 'f':
                        sb.append('\f');
                        break;
                    case 'u':
                        if (position + 4 > text.length())
                        {
                            throw error("bad \\u escape");
                        }
                        try
                        {
                            sb.append((char)Integer.parseInt(text.substring(position, position + 4), 16));
                        }
                        catch (final NumberFormatException ex)
                        {
                            throw error("bad \\u escape");
                        }
                        position += 4;
                        break;
                    default:
                        throw error("bad escape \\" + escaped);
                }
            }
        }

        private void expect(final char c)
        {
            if (next() != c)
            {
                position--;
                throw error("expected '" + c + "'");
            }
        }

        private char next()
        {
            if (position >= text.length())
            {
                throw error("unexpected end of line");
            }
            return text.charAt(position++);
        }

        private char peek()
        {
            if (position >= text.length())
            {
                throw error("unexpected end of line");
            }
            return text.charAt(position);
        }

        private void skipSpace()
        {
            while (position < text.length() && Character.isWhitespace(text.charAt(position)))
            {
                position++;
            }
        }

        private IllegalArgumentException error(final String what)
        {
            return new IllegalArgumentException("malformed JSON at column " + (position + 1) + ": " + what);
        }
    }
}
