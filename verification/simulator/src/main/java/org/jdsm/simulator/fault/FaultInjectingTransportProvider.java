package org.jdsm.simulator.fault;

import org.jdsm.ConfigurationException;
import org.jdsm.spi.Transport;
import org.jdsm.spi.TransportContext;
import org.jdsm.spi.TransportProvider;

/**
 * Provides {@link FaultInjectingTransport}s under the name {@value #NAME}: the transport named by the option
 * {@value #INNER_OPTION} (e.g. {@code aeron}), wrapped, following the {@link FaultControl} in the option
 * {@value #CONTROL_OPTION} or, failing that, the {@link FaultSchedule} text in {@value #SCHEDULE_OPTION}.
 * <p>
 * <b>Note:</b> stateless, so threadsafe.
 */
public final class FaultInjectingTransportProvider implements TransportProvider
{
    /** Name a configuration uses to choose this transport. */
    public static final String NAME = "fault-injecting";
    /** Transport option: name of the transport to wrap. */
    public static final String INNER_OPTION = "jdsm.fault.inner";
    /** Transport option: a {@link FaultControl} to follow. */
    public static final String CONTROL_OPTION = "jdsm.fault.control";
    /** Transport option: a {@link FaultSchedule} in its text form, when no control is given. */
    public static final String SCHEDULE_OPTION = "jdsm.fault.schedule";

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
        final Object inner = context.config().transportOptions().get(INNER_OPTION);
        if (!(inner instanceof String) || NAME.equals(inner))
        {
            throw new ConfigurationException(INNER_OPTION + "=" + inner + " must name the transport to wrap");
        }
        final Object control = context.config().transportOptions().get(CONTROL_OPTION);
        final Object schedule = context.config().transportOptions().get(SCHEDULE_OPTION);
        final FaultControl faults;
        if (control instanceof FaultControl)
        {
            faults = (FaultControl)control;
        }
        else if (null == control)
        {
            faults = new FaultControl(null == schedule ? FaultSchedule.NONE : FaultSchedule.parse(schedule.toString()));
        }
        else
        {
            throw new ConfigurationException(CONTROL_OPTION + "=" + control + " must be a FaultControl");
        }

        return new FaultInjectingTransport(TransportProvider.find((String)inner).newTransport(context), faults);
    }
}
