package org.jdsm.membership;

import java.util.Arrays;

/**
 * One committed membership view: its epoch, which nodes are live, and for each node's heap slice the node that
 * serves it (its home) and the nodes holding its backups, in fail-over order.
 * <p>
 * Slice {@code s} is the heap slice node {@code s} started with; global addresses name it, so they never change:
 * after a fail-over the slice's home is another node.
 * <p>
 * <b>Note:</b> immutable and threadsafe; made by {@link MembershipState#view()} on the thread that applies commands.
 */
public final class MembershipView
{
    /** Home of a slice whose node died with no live backup: its objects are lost. */
    public static final int NO_HOME = -1;

    private final long epoch;
    private final boolean[] live;
    private final int[] home;
    private final int[][] backups;
    private final int[][] suspectedBy;
    private final int replicas;

    MembershipView(
        final long epoch,
        final boolean[] live,
        final int[] home,
        final int[][] backups,
        final int[][] suspectedBy,
        final int replicas)
    {
        this.epoch = epoch;
        this.live = live.clone();
        this.home = home.clone();
        this.backups = new int[backups.length][];
        for (int i = 0; i < backups.length; i++)
        {
            this.backups[i] = backups[i].clone();
        }
        this.suspectedBy = new int[suspectedBy.length][];
        for (int i = 0; i < suspectedBy.length; i++)
        {
            this.suspectedBy[i] = suspectedBy[i].clone();
        }
        this.replicas = replicas;
    }

    /**
     * @return the epoch: 0 for the initial view, one more for every committed command that changed the view.
     */
    public long epoch()
    {
        return epoch;
    }

    /**
     * @return number of nodes the cluster was configured with (live or not); also the number of slices.
     */
    public int nodeCount()
    {
        return live.length;
    }

    /**
     * @return backups each slice should have ({@code jdsm.replicas}); a slice has fewer while too few nodes live.
     */
    public int replicas()
    {
        return replicas;
    }

    /**
     * @param node id.
     * @return true if the node is live in this view.
     * @throws IllegalArgumentException if the node id is out of range.
     */
    public boolean isLive(final int node)
    {
        return live[checkNode(node)];
    }

    /**
     * @return the live nodes, ascending.
     */
    public int[] liveNodes()
    {
        int count = 0;
        for (final boolean l : live)
        {
            count += l ? 1 : 0;
        }
        final int[] nodes = new int[count];
        for (int i = 0, j = 0; i < live.length; i++)
        {
            if (live[i])
            {
                nodes[j++] = i;
            }
        }
        return nodes;
    }

    /**
     * @param slice id (the node that started with it).
     * @return the node serving the slice, or {@link #NO_HOME} if it is lost.
     * @throws IllegalArgumentException if the slice id is out of range.
     */
    public int homeOf(final int slice)
    {
        return home[checkNode(slice)];
    }

    /**
     * @param slice id (the node that started with it).
     * @return the nodes holding the slice's backups, first to take over first.
     * @throws IllegalArgumentException if the slice id is out of range.
     */
    public int[] backupsOf(final int slice)
    {
        return backups[checkNode(slice)].clone();
    }

    /**
     * @param node id.
     * @return the live nodes that have reported the node suspect since it last became live, in report order.
     * @throws IllegalArgumentException if the node id is out of range.
     */
    public int[] suspectedBy(final int node)
    {
        return suspectedBy[checkNode(node)].clone();
    }

    private int checkNode(final int node)
    {
        if (node < 0 || node >= live.length)
        {
            throw new IllegalArgumentException("node=" + node + " out of range [0, " + live.length + ")");
        }
        return node;
    }

    /**
     * {@inheritDoc}
     */
    public boolean equals(final Object o)
    {
        if (this == o)
        {
            return true;
        }
        if (!(o instanceof MembershipView))
        {
            return false;
        }
        final MembershipView that = (MembershipView)o;
        return epoch == that.epoch && replicas == that.replicas && Arrays.equals(live, that.live) &&
            Arrays.equals(home, that.home) && Arrays.deepEquals(backups, that.backups) &&
            Arrays.deepEquals(suspectedBy, that.suspectedBy);
    }

    /**
     * {@inheritDoc}
     */
    public int hashCode()
    {
        return 31 * (31 * Long.hashCode(epoch) + Arrays.hashCode(home)) + Arrays.hashCode(live);
    }

    /**
     * @return e.g. {@code MembershipView{epoch=2, live=[0, 2], home=[0, 2, 2], backups=[[2], [], [0]], suspectedBy=[[], [], []]}}.
     */
    public String toString()
    {
        return "MembershipView{epoch=" + epoch + ", live=" + Arrays.toString(liveNodes()) + ", home=" +
            Arrays.toString(home) + ", backups=" + Arrays.deepToString(backups) +
            ", suspectedBy=" + Arrays.deepToString(suspectedBy) + "}";
    }
}
