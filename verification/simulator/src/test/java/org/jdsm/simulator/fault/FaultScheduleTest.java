package org.jdsm.simulator.fault;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FaultScheduleTest
{
    @Test
    void shouldReadBackItsTextForm()
    {
        final FaultSchedule schedule = new FaultSchedule(-3, 30, 800, 10, 200);

        assertEquals("seed=-3,messageDelayPercent=30,maxMessageDelayUs=800,oneSidedDelayPercent=10," +
            "maxOneSidedDelayUs=200", schedule.toString());
        assertEquals(schedule, FaultSchedule.parse(schedule.toString()));
        assertEquals(FaultSchedule.NONE, FaultSchedule.parse(""));
        assertTrue(FaultSchedule.parse("seed=5").isNone());
    }

    @Test
    void shouldNameTheFieldThatIsWrong()
    {
        assertEquals("messageDelayPercent=101 not in [0, 100]", assertThrows(IllegalArgumentException.class,
            () -> FaultSchedule.parse("messageDelayPercent=101")).getMessage());
        assertEquals("fault schedule: unknown or malformed field 'drop=5', expected one of [seed, " +
            "messageDelayPercent, maxMessageDelayUs, oneSidedDelayPercent, maxOneSidedDelayUs] as name=value",
            assertThrows(IllegalArgumentException.class, () -> FaultSchedule.parse("drop=5")).getMessage());
    }
}
