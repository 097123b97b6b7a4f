package org.jdsm.simulator.fault;

import java.util.Objects;

/**
 * The schedule a {@link FaultInjectingTransport} follows now: a test changes it between tries of a property without
 * restarting the node, as a node process does when told a new schedule on its standard input.
 * <p>
 * <b>Note:</b> threadsafe: the schedule is published by a volatile write.
 */
public final class FaultControl
{
    private volatile FaultSchedule schedule;

    /**
     * @param schedule to start with.
     */
    public FaultControl(final FaultSchedule schedule)
    {
        this.schedule = Objects.requireNonNull(schedule, "schedule");
    }

    /**
     * @return the schedule in force.
     */
    public FaultSchedule schedule()
    {
        return schedule;
    }

    /**
     * @param schedule to follow from now on.
     */
    public void schedule(final FaultSchedule schedule)
    {
        this.schedule = Objects.requireNonNull(schedule, "schedule");
    }
}
