package org.jdsm.simulator.fault;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How a {@link FaultInjectingTransport} disturbs the schedule: which share of control messages it holds back and for
 * how long (so later messages overtake them), and which share of one-sided operations it delays before issuing. All
 * zeros is the transport's own schedule; a property draws the numbers and shrinks them toward zero. Its text form
 * ({@link #toString()}, read by {@link #parse(String)}) goes on a node process's command line, e.g.
 * {@code seed=42,messageDelayPercent=30,maxMessageDelayUs=800,oneSidedDelayPercent=10,maxOneSidedDelayUs=200}.
 * <p>
 * <b>Note:</b> immutable, so threadsafe.
 */
public final class FaultSchedule
{
    /** No faults. */
    public static final FaultSchedule NONE = new FaultSchedule(0, 0, 0, 0, 0);
    /** Largest delay of a message or operation: well inside any operation timeout. */
    public static final int MAX_DELAY_US = 50_000;

    private final long seed;
    private final int messageDelayPercent;
    private final int maxMessageDelayUs;
    private final int oneSidedDelayPercent;
    private final int maxOneSidedDelayUs;

    /**
     * @param seed                 of the random draws.
     * @param messageDelayPercent  of control messages held back, 0..100.
     * @param maxMessageDelayUs    longest hold, 0..{@link #MAX_DELAY_US}; each held message draws uniformly up to it.
     * @param oneSidedDelayPercent of one-sided operations delayed before they are issued, 0..100.
     * @param maxOneSidedDelayUs   longest such delay, 0..{@link #MAX_DELAY_US}.
     * @throws IllegalArgumentException naming the field out of range.
     */
    public FaultSchedule(
        final long seed,
        final int messageDelayPercent,
        final int maxMessageDelayUs,
        final int oneSidedDelayPercent,
        final int maxOneSidedDelayUs)
    {
        this.seed = seed;
        this.messageDelayPercent = check("messageDelayPercent", messageDelayPercent, 100);
        this.maxMessageDelayUs = check("maxMessageDelayUs", maxMessageDelayUs, MAX_DELAY_US);
        this.oneSidedDelayPercent = check("oneSidedDelayPercent", oneSidedDelayPercent, 100);
        this.maxOneSidedDelayUs = check("maxOneSidedDelayUs", maxOneSidedDelayUs, MAX_DELAY_US);
    }

    private static int check(final String name, final int value, final int max)
    {
        if (value < 0 || value > max)
        {
            throw new IllegalArgumentException(name + "=" + value + " not in [0, " + max + "]");
        }

        return value;
    }

    /**
     * Read the text form.
     *
     * @param text e.g. {@code seed=1,messageDelayPercent=30,maxMessageDelayUs=800,oneSidedDelayPercent=10,
     *             maxOneSidedDelayUs=200}; fields left out are 0.
     * @return the schedule.
     * @throws IllegalArgumentException naming the field that is unknown, malformed or out of range.
     */
    public static FaultSchedule parse(final String text)
    {
        final Map<String, Long> fields = new LinkedHashMap<>();
        fields.put("seed", 0L);
        fields.put("messageDelayPercent", 0L);
        fields.put("maxMessageDelayUs", 0L);
        fields.put("oneSidedDelayPercent", 0L);
        fields.put("maxOneSidedDelayUs", 0L);
        for (final String pair : text.trim().split(","))
        {
            if (pair.isBlank())
            {
                continue;
            }
            final int equals = pair.indexOf('=');
            final String name = equals < 0 ? pair.trim() : pair.substring(0, equals).trim();
            if (equals < 0 || !fields.containsKey(name))
            {
                throw new IllegalArgumentException("fault schedule: unknown or malformed field '" + pair +
                    "', expected one of " + fields.keySet() + " as name=value");
            }
            try
            {
                fields.put(name, Long.parseLong(pair.substring(equals + 1).trim()));
            }
            catch (final NumberFormatException ex)
            {
                throw new IllegalArgumentException("fault schedule: " + name + " is not a number: '" + pair + "'", ex);
            }
        }

        return new FaultSchedule(fields.get("seed"), toInt(fields, "messageDelayPercent"),
            toInt(fields, "maxMessageDelayUs"), toInt(fields, "oneSidedDelayPercent"),
            toInt(fields, "maxOneSidedDelayUs"));
    }

    private static int toInt(final Map<String, Long> fields, final String name)
    {
        final long value = fields.get(name);
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE)
        {
            throw new IllegalArgumentException(name + "=" + value + " out of range");
        }

        return (int)value;
    }

    /**
     * @return seed of the random draws.
     */
    public long seed()
    {
        return seed;
    }

    /**
     * @return share of control messages held back, in percent.
     */
    public int messageDelayPercent()
    {
        return messageDelayPercent;
    }

    /**
     * @return longest hold of a control message, in microseconds.
     */
    public int maxMessageDelayUs()
    {
        return maxMessageDelayUs;
    }

    /**
     * @return share of one-sided operations delayed, in percent.
     */
    public int oneSidedDelayPercent()
    {
        return oneSidedDelayPercent;
    }

    /**
     * @return longest delay of a one-sided operation, in microseconds.
     */
    public int maxOneSidedDelayUs()
    {
        return maxOneSidedDelayUs;
    }

    /**
     * @return true if it disturbs nothing.
     */
    public boolean isNone()
    {
        return (0 == messageDelayPercent || 0 == maxMessageDelayUs) &&
            (0 == oneSidedDelayPercent || 0 == maxOneSidedDelayUs);
    }

    /**
     * {@inheritDoc}
     */
    public boolean equals(final Object other)
    {
        return other instanceof FaultSchedule && toString().equals(other.toString());
    }

    /**
     * {@inheritDoc}
     */
    public int hashCode()
    {
        return toString().hashCode();
    }

    /**
     * The text form, read back by {@link #parse(String)}.
     *
     * @return the text.
     */
    public String toString()
    {
        return "seed=" + seed + ",messageDelayPercent=" + messageDelayPercent + ",maxMessageDelayUs=" +
            maxMessageDelayUs + ",oneSidedDelayPercent=" + oneSidedDelayPercent + ",maxOneSidedDelayUs=" +
            maxOneSidedDelayUs;
    }
}
