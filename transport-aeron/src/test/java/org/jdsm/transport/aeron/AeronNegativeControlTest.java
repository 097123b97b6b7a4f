package org.jdsm.transport.aeron;

import org.agrona.CloseHelper;
import org.jdsm.DsmNode;
import org.jdsm.linearizability.Verdict;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The negative control of {@link AeronHistoryProperties}: the same workload over three node JVMs that all run
 * with the test-only fault {@link EngineNodeMain#CACHE_IGNORES_COLOUR} (copies cached without their colour) must give a
 * register history the checker rejects: a reader on another node is handed its cached copy of an older write.
 */
class AeronNegativeControlTest
{
    private ForkedNodes children;
    private DsmNode node;

    @AfterEach
    void after()
    {
        CloseHelper.closeAll(node, children);
    }

    @Test
    @Timeout(180)
    void shouldCatchStaleCopiesOverAeronWhenTheCacheIgnoresColour() throws Exception
    {
        children = new ForkedNodes();
        node = AeronHistoryProperties.startCluster(children, EngineNodeMain.CACHE_IGNORES_COLOUR);

        final AeronHistoryProperties.Checked checked = AeronHistoryProperties.runAndCheck(node, 1, 20, 2, 4, 42);

        assertEquals(Verdict.NOT_LINEARIZABLE, checked.register().verdict(), checked.register().toString());
        assertTrue(checked.register().toString().contains("reg: READ -> "), checked.register().toString());
    }
}
