package org.jdsm.transport.aeron;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link RejectionLog}: every rejection counted, the first of a kind per source reported, repeats summarised at most
 * once per interval, the table bounded.
 */
class RejectionLogTest
{
    private final List<String> reported = new ArrayList<>();
    private final RejectionLog log = new RejectionLog(0, 3, (ex) -> reported.add(ex.getMessage()));

    @Test
    void shouldReportFirstOfKindPerSourceAndSummariseRepeats()
    {
        long nowNs = 1_000;
        for (int i = 0; i < 1000; i++)
        {
            log.reject(1, 77 + i, "READ length=" + i + " from a node that has not proved", nowNs);
            log.reject(2, 77, "READ length=" + i + " from a node that has not proved", nowNs);
            log.reject(100 + i, 5, "source=" + (100 + i) + " is not a member", nowNs);
        }

        assertEquals(3000, log.count());
        assertEquals(List.of(
            "node 0 dropped a frame from node 1 on session 77: READ length=0 from a node that has not proved",
            "node 0 dropped a frame from node 2 on session 77: READ length=0 from a node that has not proved",
            "node 0 dropped a frame from node 100 on session 5: source=100 is not a member"), reported);

        assertEquals(0, log.summarise(nowNs + RejectionLog.SUMMARY_INTERVAL_NS - 1_001));
        nowNs += RejectionLog.SUMMARY_INTERVAL_NS;
        assertEquals(1, log.summarise(nowNs));
        assertEquals(4, reported.size());
        final String summary = reported.get(3);
        assertEquals("node 0 dropped more frames of kinds already reported (counted per kind in ./jdsm stat): " +
            "[node (not a member): source=# is not a member] [node 1: READ length=# from a node that has not proved] " +
            "[node 2: READ length=# from a node that has not proved]", summary);

        log.reject(1, 77, "READ length=5 from a node that has not proved", nowNs + 1);
        assertEquals(0, log.summarise(nowNs + RejectionLog.SUMMARY_INTERVAL_NS - 1));
        assertEquals(1, log.summarise(nowNs + RejectionLog.SUMMARY_INTERVAL_NS));
        assertEquals("node 0 dropped more frames of kinds already reported (counted per kind in ./jdsm stat): " +
            "[node 1: READ length=# from a node that has not proved]", reported.get(4));
        assertEquals(0, log.summarise(nowNs + 10 * RejectionLog.SUMMARY_INTERVAL_NS));
    }

    @Test
    void shouldStopReportingNewKindsPastTheCap()
    {
        for (int i = 0; i < RejectionLog.MAX_KINDS + 100; i++)
        {
            log.reject(1, 1, "reason " + Character.toString('A' + (i % 26)) + Character.toString('a' + (i / 26)), 0);
        }

        assertEquals(RejectionLog.MAX_KINDS + 100, log.count());
        assertEquals(RejectionLog.MAX_KINDS, reported.size());
        assertEquals(1, log.summarise(RejectionLog.SUMMARY_INTERVAL_NS));
        assertEquals("node 0 dropped more frames of kinds already reported (counted per kind in ./jdsm stat): " +
            "[other kinds]", reported.get(RejectionLog.MAX_KINDS));
    }

    @Test
    void shouldCountEachKindPerSourceHostInItsOwnCounter()
    {
        final org.jdsm.spi.CountersFile file = org.jdsm.spi.CountersFile.inMemory(0);
        final TransportCounters counters = new TransportCounters(file);
        final RejectionLog hosts = new RejectionLog(0, 3, (ex) -> reported.add(ex.getMessage()), counters,
            (session) -> 1 == session ? "10.0.0.1:40123" : 2 == session ? "[::1]:5" : "aeron:ipc");
        for (int i = 0; i < 10; i++)
        {
            hosts.reject(1, 1, "READ length=" + i + " bad", 0);
            hosts.reject(1, 2, "READ length=" + i + " bad", 0);
            hosts.reject(1, 3, "READ length=" + i + " bad", 0);
        }

        assertEquals(30, hosts.count());
        final java.util.Map<String, Long> byLabel = new java.util.TreeMap<>();
        file.reader().forEach((id, typeId, key, label) ->
        {
            if (org.jdsm.spi.CountersFileDescriptor.REJECTED_FRAMES_TYPE_ID == typeId)
            {
                byLabel.put(label, file.reader().getCounterValue(id));
            }
        });
        assertEquals(java.util.Map.of(
            "aeron: frames rejected: node 1 from 10.0.0.1: READ length=# bad", 10L,
            "aeron: frames rejected: node 1 from ::1: READ length=# bad", 10L,
            "aeron: frames rejected: node 1: READ length=# bad", 10L), byLabel);
        assertEquals(List.of(
            "node 0 dropped a frame from node 1 at 10.0.0.1 on session 1: READ length=0 bad",
            "node 0 dropped a frame from node 1 at ::1 on session 2: READ length=0 bad",
            "node 0 dropped a frame from node 1 on session 3: READ length=0 bad"), reported);
    }

    @Test
    void shouldRecordALongFloodAsFewDistinctErrors()
    {
        final org.jdsm.spi.CountersFile file = org.jdsm.spi.CountersFile.inMemory(0);
        final RejectionLog flood = new RejectionLog(0, 3, file.errorHandler(), new TransportCounters(file),
            (session) -> "127.0.0.1:" + session);
        long nowNs = 0;
        for (int interval = 0; interval < 100; interval++)
        {
            for (int i = 0; i < 100; i++)
            {
                flood.reject(1, 40_000 + i, "HEARTBEAT from a node that has not proved", nowNs);
                flood.reject(-1, 40_000 + i, "frame length=" + i + " < header length=56", nowNs);
            }
            nowNs += RejectionLog.SUMMARY_INTERVAL_NS;
        }

        assertEquals(20_000, flood.count());
        final List<String> distinct = new ArrayList<>();
        final int records = org.agrona.concurrent.errors.ErrorLogReader.read(file.errorLogBuffer(),
            (count, first, last, text) -> distinct.add(count + " " + text.lines().findFirst().orElse("")));
        assertEquals(3, records, distinct.toString());
        assertEquals("99 org.jdsm.transport.aeron.RejectedFrameException: node 0 dropped more frames of kinds already " +
            "reported (counted per kind in ./jdsm stat): [node (not a member) from 127.0.0.1: frame length=# < header " +
            "length=#] [node 1 from 127.0.0.1: HEARTBEAT from a node that has not proved]", distinct.get(2));
    }
}
