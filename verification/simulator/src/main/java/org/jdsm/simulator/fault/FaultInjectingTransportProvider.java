package org.jdsm.simulator.fault;

import org.jdsm.ConfigurationException;
import org.jdsm.spi.Transport;
import org.jdsm.spi.TransportContext;
import org.jdsm.spi.TransportProvider;

import java.util.Objects;

/**
 * Provides {@link FaultInjectingTransport}s under the name {@value #NAME}: a transport of an inner provider, wrapped,
 * following a {@link FaultControl}. Built with both ({@code config.transportProvider(new
 * FaultInjectingTransportProvider(inner, control))}), or, found through {@link java.util.ServiceLoader} by name, with
 * the settings {@value #INNER_OPTION} (the name of the transport to wrap, e.g. {@code aeron}) and
 * {@value #SCHEDULE_OPTION} (a {@link FaultSchedule} in its text form; none when absent).
 * <p>
 * <b>Note:</b> immutable, so threadsafe.
 */
public final class FaultInjectingTransportProvider implements TransportProvider
{
    /** Name a configuration uses to choose this transport. */
    public static final String NAME = "fault-injecting";
    /** Transport setting: name of the transport to wrap, when the provider is found by name. */
    public static final String INNER_OPTION = "jdsm.fault.inner";
    /** Transport setting: a {@link FaultSchedule} in its text form, when the provider is found by name. */
    public static final String SCHEDULE_OPTION = "jdsm.fault.schedule";

    private final TransportProvider inner;
    private final FaultControl control;

    /**
     * The provider {@link java.util.ServiceLoader} finds: it reads {@value #INNER_OPTION} and
     * {@value #SCHEDULE_OPTION}.
     */
    public FaultInjectingTransportProvider()
    {
        this.inner = null;
        this.control = null;
    }

    /**
     * @param inner   provider of the transport to wrap.
     * @param control the faults follow, shared with the test that steers them.
     */
    public FaultInjectingTransportProvider(final TransportProvider inner, final FaultControl control)
    {
        if (inner instanceof FaultInjectingTransportProvider)
        {
            throw new ConfigurationException("a fault-injecting transport can not wrap another");
        }
        this.inner = Objects.requireNonNull(inner, "inner");
        this.control = Objects.requireNonNull(control, "control");
    }

    /**
     * {@inheritDoc}
     */
    public String name()
    {
        return NAME;
    }

    /**
     * {@inheritDoc}
     */
    public Transport newTransport(final TransportContext context)
    {
        if (null != inner)
        {
            return new FaultInjectingTransport(inner.newTransport(context), control);
        }
        final Object innerName = context.config().transportOptions().get(INNER_OPTION);
        if (!(innerName instanceof String) || NAME.equals(innerName))
        {
            throw new ConfigurationException(INNER_OPTION + "=" + innerName + " must name the transport to wrap");
        }
        final Object schedule = context.config().transportOptions().get(SCHEDULE_OPTION);
        final FaultControl faults =
            new FaultControl(null == schedule ? FaultSchedule.NONE : FaultSchedule.parse(schedule.toString()));

        return new FaultInjectingTransport(TransportProvider.find((String)innerName).newTransport(context), faults);
    }
}
