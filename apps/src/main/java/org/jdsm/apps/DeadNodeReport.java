package org.jdsm.apps;

import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.jdsm.DsmNode;
import org.jdsm.NodeUnavailableException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * How the driver (node 0) tells the launcher ({@code jdsm local}, {@code jdsm run}) which nodes the cluster has
 * declared dead, so that it stops them instead of waiting for them until {@code --timeout}: the launcher names a
 * file with the hidden {@code node --declared-dead-file} option, the driver appends a line
 * {@code NODE_ID SP REASON LF} per node it has found dead, and the launcher, polling the file, kills each node it
 * names that still runs ({@link LoopbackCluster}).
 * <p>
 * A node is reported when the driver's node finds it unavailable while the application runs ({@link #watch}: polled
 * every {@link #POLL_MS} ms on an agent, stopped before the driver closes its node, as the serving nodes leave only
 * after that), or when the application or program {@code main} fails with a {@link NodeUnavailableException} naming
 * it ({@link #failure}). A node unavailable before the driver closes has been declared dead (silent for the peer
 * timeout, its image lost) or has left on its own: either way the launcher has nothing to wait for.
 * <p>
 * An application that kills a node on purpose ({@code kv --kill-node}) says so first with
 * {@link #reportKilledByApplication(int, String)}: the launcher then counts that node's end as asked for, not as a
 * failure.
 * <p>
 * <b>Note:</b> threadsafe: the watch agent and the driver's thread append under this object's lock; each node is
 * reported once.
 */
public final class DeadNodeReport
{
    /** The start of the reason of a node an application killed on purpose. */
    static final String KILLED_BY_APPLICATION = "killed by the application: ";

    /** The report file of the application running in this process (node 0 under a launcher), or null. */
    private static volatile Path applicationFile;

    /** How often the watch polls the driver's node for unavailable peers. */
    static final int POLL_MS = 50;

    private final Path file;
    private final boolean[] reported;

    /**
     * @param file      to append to, or null to report nothing.
     * @param nodeCount of the cluster.
     */
    DeadNodeReport(final Path file, final int nodeCount)
    {
        this.file = file;
        this.reported = new boolean[nodeCount];
    }

    /**
     * Tell the launcher, before killing a node on purpose, that its end is what the application asked for.
     *
     * @param nodeId of the node, not the driver's.
     * @param what   the application does, one line, e.g. {@code kv --kill-node 2}.
     * @return false if no launcher is listening (the node's end will count as a failure), else true.
     */
    public static boolean reportKilledByApplication(final int nodeId, final String what)
    {
        final Path file = applicationFile;
        if (null == file)
        {
            return false;
        }
        append(file, nodeId + " " + KILLED_BY_APPLICATION + what.replace('\n', ' ') + "\n");
        return true;
    }

    /**
     * Make this report's file the one {@link #reportKilledByApplication(int, String)} writes to, while the
     * application runs.
     *
     * @param isRunning true when the application starts, false when it ended.
     */
    void applicationRunning(final boolean isRunning)
    {
        applicationFile = isRunning ? file : null;
    }

    /**
     * Read the nodes a report file names, in order, each once; a line not yet ended is not read.
     *
     * @param file written by a driver; may not exist yet.
     * @return the node ids with their reasons, as {@code [id, reason]}.
     * @throws IOException if the file exists but can not be read.
     */
    static List<String[]> read(final Path file) throws IOException
    {
        final List<String[]> nodes = new ArrayList<>();
        if (!Files.exists(file))
        {
            return nodes;
        }
        final String text = Files.readString(file, StandardCharsets.UTF_8);
        int start = 0;
        int end;
        while ((end = text.indexOf('\n', start)) >= 0)
        {
            final String line = text.substring(start, end);
            final int space = line.indexOf(' ');
            nodes.add(space < 0 ? new String[]{ line, "" } :
                new String[]{ line.substring(0, space), line.substring(space + 1) });
            start = end + 1;
        }

        return nodes;
    }

    /**
     * Report a node dead, once.
     *
     * @param nodeId of the node, not the driver's.
     * @param reason why, one line.
     */
    synchronized void report(final int nodeId, final String reason)
    {
        if (null == file || nodeId <= 0 || nodeId >= reported.length || reported[nodeId])
        {
            return;
        }
        reported[nodeId] = true;
        append(file, nodeId + " " + reason.replace('\n', ' ') + "\n");
    }

    private static synchronized void append(final Path file, final String line)
    {
        try
        {
            Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("can not write the dead node report " + file, ex);
        }
    }

    /**
     * Report the node a failure of the application or program names, if it is a {@link NodeUnavailableException}
     * or caused by one.
     *
     * @param failure of the application or {@code main}.
     */
    void failure(final Throwable failure)
    {
        for (Throwable cause = failure; null != cause; cause = cause.getCause())
        {
            if (cause instanceof NodeUnavailableException)
            {
                report(((NodeUnavailableException)cause).nodeId(), String.valueOf(cause.getMessage()));
                return;
            }
            if (cause == cause.getCause())
            {
                return;
            }
        }
    }

    /**
     * Watch the driver's node for peers it finds unavailable and report each, until the returned runner is closed
     * (before the node is closed).
     *
     * @param node of the driver, started.
     * @return the running watch, or null if there is no file to report to.
     */
    AgentRunner watch(final DsmNode node)
    {
        if (null == file)
        {
            return null;
        }
        final AgentRunner runner = new AgentRunner(new SleepingMillisIdleStrategy(POLL_MS), Throwable::printStackTrace,
            null, new Watch(node));
        AgentRunner.startOnThread(runner, (runnable) ->
        {
            final Thread thread = new Thread(runnable, Watch.ROLE_NAME);
            thread.setDaemon(true);
            return thread;
        });

        return runner;
    }

    /**
     * Polls the driver's node for unavailable peers; its work count is always 0, so it runs every {@link #POLL_MS}.
     */
    private final class Watch implements Agent
    {
        static final String ROLE_NAME = "jdsm-dead-node-report";

        private final DsmNode node;

        Watch(final DsmNode node)
        {
            this.node = node;
        }

        public int doWork()
        {
            for (int i = 1; i < node.nodeCount(); i++)
            {
                if (!node.isNodeAvailable(i))
                {
                    report(i, "unavailable to node 0, the driver");
                }
            }
            return 0;
        }

        public String roleName()
        {
            return ROLE_NAME;
        }
    }
}
