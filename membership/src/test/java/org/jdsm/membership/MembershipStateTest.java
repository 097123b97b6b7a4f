package org.jdsm.membership;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class MembershipStateTest
{
    @Test
    void shouldStartWithEveryNodeLiveServingItsOwnSliceAndBackupsInRingOrder()
    {
        final MembershipView view = new MembershipState(3, 2).view();

        assertEquals(0, view.epoch());
        assertArrayEquals(new int[]{ 0, 1, 2 }, view.liveNodes());
        assertEquals(2, view.homeOf(2));
        assertArrayEquals(new int[]{ 1, 2 }, view.backupsOf(0));
        assertArrayEquals(new int[]{ 0, 1 }, view.backupsOf(2));
        assertEquals("MembershipView{epoch=0, live=[0, 1, 2], home=[0, 1, 2], backups=[[1, 2], [2, 0], [0, 1]], " +
            "suspectedBy=[[], [], []]}", view.toString());
    }

    @Test
    void shouldMoveDeadNodesSliceToItsFirstLiveBackupAndRefillBackups()
    {
        final MembershipState state = new MembershipState(4, 1);

        assertEquals(MembershipOutcome.APPLIED, state.declareDead(1, MembershipState.FIRST_LIVE_BACKUP));

        final MembershipView view = state.view();
        assertEquals(1, view.epoch());
        assertEquals(2, view.homeOf(1));
        assertArrayEquals(new int[]{ 3 }, view.backupsOf(1));
        assertArrayEquals(new int[]{ 2 }, view.backupsOf(0), "node 0's backup on dead node 1 moves to node 2");
    }

    @Test
    void shouldLoseSliceOfDeadNodeWithoutReplicas()
    {
        final MembershipState state = new MembershipState(3, 0);

        assertEquals(MembershipOutcome.APPLIED, state.declareDead(2, MembershipState.FIRST_LIVE_BACKUP));

        assertEquals(MembershipView.NO_HOME, state.view().homeOf(2));
    }

    @Test
    void shouldRejectNewHomeWithoutBackupDeadOrSelf()
    {
        final MembershipState state = new MembershipState(4, 1);

        assertEquals(MembershipOutcome.NEW_HOME_NOT_A_BACKUP, state.declareDead(1, 3));
        assertEquals(MembershipOutcome.NEW_HOME_NOT_LIVE, state.declareDead(1, 1));
        assertEquals(MembershipOutcome.UNKNOWN_NODE, state.declareDead(1, 4));
        assertEquals(MembershipOutcome.APPLIED, state.declareDead(1, 2));
        assertEquals(MembershipOutcome.NOT_LIVE, state.declareDead(1, 2));
        assertEquals(MembershipOutcome.NEW_HOME_NOT_LIVE, state.declareDead(0, 1));
        assertEquals(1, state.epoch());
    }

    @Test
    void shouldRecordSuspicionsOnceAndClearThemWhenTheNodeDies()
    {
        final MembershipState state = new MembershipState(3, 1);

        assertEquals(MembershipOutcome.SELF_SUSPICION, state.suspect(1, 1));
        assertEquals(MembershipOutcome.APPLIED, state.suspect(0, 2));
        assertEquals(MembershipOutcome.ALREADY_SUSPECTED, state.suspect(0, 2));
        assertEquals(MembershipOutcome.APPLIED, state.suspect(1, 2));
        assertArrayEquals(new int[]{ 0, 1 }, state.view().suspectedBy(2));
        assertEquals(MembershipOutcome.APPLIED, state.suspect(2, 0));
        assertEquals(MembershipOutcome.APPLIED, state.declareDead(2, MembershipState.FIRST_LIVE_BACKUP));

        assertArrayEquals(new int[0], state.view().suspectedBy(2));
        assertArrayEquals(new int[0], state.view().suspectedBy(0), "a dead reporter's suspicions are dropped");
        assertEquals(MembershipOutcome.REPORTER_NOT_LIVE, state.suspect(2, 0));
        assertEquals(MembershipOutcome.NOT_LIVE, state.suspect(0, 2));
    }

    @Test
    void shouldJoinDeadNodeAsBackupOnly()
    {
        final MembershipState state = new MembershipState(3, 1);
        state.declareDead(2, MembershipState.FIRST_LIVE_BACKUP);

        assertEquals(MembershipOutcome.ALREADY_LIVE, state.join(0));
        assertEquals(MembershipOutcome.APPLIED, state.join(2));

        final MembershipView view = state.view();
        assertArrayEquals(new int[]{ 0, 1, 2 }, view.liveNodes());
        assertEquals(0, view.homeOf(2), "the slice stays where it moved");
        assertEquals(2, view.epoch());
    }

    @Test
    void shouldDropAResentProposalButNotANewIncarnationsFirst()
    {
        final MembershipState state = new MembershipState(3, 1);
        final int dead = MembershipCommandType.DECLARE_DEAD.code();
        final int join = MembershipCommandType.JOIN.code();

        assertEquals(MembershipOutcome.APPLIED, state.apply(0, 77, 1, dead, 2, MembershipState.FIRST_LIVE_BACKUP));
        assertEquals(MembershipOutcome.APPLIED, state.apply(1, 5, 1, join, 2, 0));
        assertEquals(MembershipOutcome.DUPLICATE, state.apply(0, 77, 1, dead, 2, MembershipState.FIRST_LIVE_BACKUP),
            "a resend after the join must not kill node 2 again");
        assertEquals(MembershipOutcome.APPLIED, state.apply(0, 78, 1, dead, 2, MembershipState.FIRST_LIVE_BACKUP),
            "node 0 restarted: a new incarnation starts its ids again");
        assertEquals(3, state.epoch());

        final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocate(state.encodedLength()));
        final MembershipState restored = MembershipState.decode(buffer, 0, state.encode(buffer, 0));
        assertEquals(MembershipOutcome.DUPLICATE, restored.apply(0, 78, 1, join, 2, 0), "the snapshot keeps ids");
    }

    @Test
    void shouldRejectUnknownCommandCode()
    {
        assertEquals(MembershipOutcome.UNKNOWN_COMMAND, new MembershipState(2, 0).apply(9, 0, 0));
    }

    @Test
    void shouldRejectBadSizes()
    {
        assertEquals("nodeCount=0 out of range [1, 256]",
            assertThrows(IllegalArgumentException.class, () -> new MembershipState(0, 0)).getMessage());
        assertEquals("replicas=2 out of range [0, 1] for nodeCount=2",
            assertThrows(IllegalArgumentException.class, () -> new MembershipState(2, 2)).getMessage());
    }

    @Test
    void shouldNameWhatIsWrongWithATruncatedSnapshot()
    {
        final MembershipState state = new MembershipState(3, 1);
        final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocate(state.encodedLength()));
        final int length = state.encode(buffer, 0);

        assertEquals(state.view(), MembershipState.decode(buffer, 0, length).view());
        assertEquals("snapshot truncated: needs " + length + " bytes, has " + (length - 1),
            assertThrows(MembershipException.class, () -> MembershipState.decode(buffer, 0, length - 1)).getMessage());
        buffer.putInt(24 + 1, 3, java.nio.ByteOrder.LITTLE_ENDIAN);
        assertEquals("snapshot home of slice 0=3 out of range [-1, 3)",
            assertThrows(MembershipException.class, () -> MembershipState.decode(buffer, 0, length)).getMessage());
        buffer.putInt(0, 7);
        assertEquals("snapshot version=7, expected 1",
            assertThrows(MembershipException.class, () -> MembershipState.decode(buffer, 0, length)).getMessage());
    }
}
