package org.jdsm.membership;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.agrona.ExpandableArrayBuffer;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Properties of the membership state machine over random command sequences, including invalid commands.
 */
class MembershipStateProperties
{
    /** One command as it would be read from the log. */
    record Command(int type, int node, int argument)
    {
        public String toString()
        {
            return MembershipCommandType.get(type) + "(" + node + ", " + argument + ")";
        }
    }

    /** A cluster size, a replica count for it, and commands. */
    record Run(int nodeCount, int replicas, List<Command> commands, int snapshotAt)
    {
    }

    @Provide
    Arbitrary<Run> runs()
    {
        return Arbitraries.integers().between(1, 5).flatMap((nodeCount) ->
            Combinators.combine(
                Arbitraries.integers().between(0, Math.min(2, nodeCount - 1)),
                Combinators.combine(
                    Arbitraries.integers().between(0, 4),
                    Arbitraries.integers().between(-1, nodeCount),
                    Arbitraries.integers().between(-1, nodeCount)).as(Command::new).list().ofMaxSize(40),
                Arbitraries.integers().between(0, 40))
            .as((replicas, commands, snapshotAt) -> new Run(nodeCount, replicas, commands, snapshotAt)));
    }

    @Property(tries = 500)
    void sameCommandsInSameOrderGiveEveryMemberTheSameViewAndOutcomesEvenAfterASnapshotRestore(
        @ForAll("runs") final Run run)
    {
        final MembershipState first = new MembershipState(run.nodeCount(), run.replicas());
        final MembershipState second = new MembershipState(run.nodeCount(), run.replicas());
        MembershipState restored = new MembershipState(run.nodeCount(), run.replicas());
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(64);
        for (int i = 0; i < run.commands().size(); i++)
        {
            if (i == run.snapshotAt())
            {
                final int length = restored.encode(buffer, 8);
                assertEquals(restored.encodedLength(), length);
                restored = MembershipState.decode(buffer, 8, length);
            }
            final Command c = run.commands().get(i);
            final MembershipOutcome outcome = first.apply(c.type(), c.node(), c.argument());
            assertEquals(outcome, second.apply(c.type(), c.node(), c.argument()), "outcome of " + c);
            assertEquals(outcome, restored.apply(c.type(), c.node(), c.argument()), "restored outcome of " + c);
            assertEquals(first.view(), second.view());
            assertEquals(first.view(), restored.view());
        }
    }

    @Property(tries = 500)
    void everyViewServesEachSliceFromALiveNodeOrNoneWithDistinctLiveBackupsUpToReplicasAndEpochCountsChanges(
        @ForAll("runs") final Run run)
    {
        final MembershipState state = new MembershipState(run.nodeCount(), run.replicas());
        long applied = 0;
        final List<String> history = new ArrayList<>();
        for (final Command c : run.commands())
        {
            final MembershipView before = state.view();
            final MembershipOutcome outcome = state.apply(c.type(), c.node(), c.argument());
            history.add(c + " -> " + outcome);
            final MembershipView view = state.view();
            if (MembershipOutcome.APPLIED == outcome)
            {
                applied++;
                assertNotEquals(before, view, "applied but unchanged: " + history);
            }
            else
            {
                assertEquals(before, view, "rejected but changed: " + history);
            }
            assertEquals(applied, view.epoch());
            final int live = view.liveNodes().length;
            for (int slice = 0; slice < view.nodeCount(); slice++)
            {
                final int home = view.homeOf(slice);
                final int[] backups = view.backupsOf(slice);
                if (MembershipView.NO_HOME == home)
                {
                    assertEquals(0, backups.length, "lost slice " + slice + " has no backups: " + history);
                    continue;
                }
                assertTrue(view.isLive(home), "home of slice " + slice + " is live: " + history);
                assertEquals(Math.min(view.replicas(), live - 1), backups.length,
                    "backups of slice " + slice + ": " + history);
                for (int b = 0; b < backups.length; b++)
                {
                    assertTrue(view.isLive(backups[b]) && backups[b] != home, history.toString());
                    for (int o = b + 1; o < backups.length; o++)
                    {
                        assertNotEquals(backups[b], backups[o], history.toString());
                    }
                }
            }
        }
    }

    @Property(tries = 200)
    void aSliceIsLostOnlyWhenItsHomeDiedWithNoLiveBackup(@ForAll("runs") final Run run)
    {
        final MembershipState state = new MembershipState(run.nodeCount(), run.replicas());
        for (final Command c : run.commands())
        {
            final MembershipView before = state.view();
            state.apply(c.type(), c.node(), c.argument());
            final MembershipView after = state.view();
            for (int slice = 0; slice < after.nodeCount(); slice++)
            {
                if (MembershipView.NO_HOME == after.homeOf(slice) && MembershipView.NO_HOME != before.homeOf(slice))
                {
                    assertEquals(Tuple.of(MembershipCommandType.DECLARE_DEAD.code(), before.homeOf(slice)),
                        Tuple.of(c.type(), c.node()), "slice " + slice + " lost by " + c);
                    assertEquals(0, before.backupsOf(slice).length, "slice " + slice + " had backups " + before);
                }
            }
        }
    }
}
