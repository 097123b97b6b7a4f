package org.jdsm.apps;

import org.jdsm.DsmNode;

import java.io.PrintStream;
import java.util.List;

/**
 * A program the launcher runs across a cluster, found with {@link java.util.ServiceLoader} by {@link #name()}.
 * It runs on node 0, the driver; the other nodes serve its tasks until it returns.
 *
 * @param <O> its options: a class whose fields are picocli options (see {@link #newOptions()}).
 */
public interface Application<O>
{
    /**
     * The name the launcher knows it by, e.g. {@code demo}.
     *
     * @return the name.
     */
    String name();

    /**
     * One line saying what it does, for {@code --help}.
     *
     * @return the description.
     */
    String description();

    /**
     * A new object holding the application's options at their defaults: its fields carry picocli
     * {@link picocli.CommandLine.Option} annotations, and {@link ApplicationOptions} parses the application's
     * arguments into it, prints its {@code --help} and rejects any other argument before a cluster starts.
     *
     * @return the options.
     */
    O newOptions();

    /**
     * Check the options against the cluster they are to run on, before it starts: whatever they and the cluster's
     * shape decide (a value out of range, options that exclude each other, a node id the cluster does not have), so
     * that a mistake is one line and exit status 2, not a failure after every node has started. The launcher calls it
     * on every node before the node starts, and {@code jdsm local} before it forks them. The default checks nothing.
     *
     * @param options   parsed from the application's arguments.
     * @param nodeCount of the cluster.
     * @param replicas  the cluster's {@code jdsm.replicas}.
     * @throws org.jdsm.ConfigurationException naming the option and what it must be.
     */
    default void check(final O options, final int nodeCount, final int replicas)
    {
    }

    /**
     * Run on the driver node.
     *
     * @param node    the driver, node 0 of a started cluster.
     * @param options the application's options, parsed from its arguments.
     * @param out     where to print progress and the summary.
     * @return the exit status: 0 when the results were checked and correct.
     * @throws Exception on failure, which the launcher reports and turns into a non-zero exit status.
     */
    int run(DsmNode node, O options, PrintStream out) throws Exception;

    /**
     * Parse the application's arguments ({@link ApplicationOptions#parse}) and run on the driver node.
     *
     * @param node the driver, node 0 of a started cluster.
     * @param args the application's own arguments, e.g. {@code --n 1024 --type int}.
     * @param out  where to print progress and the summary.
     * @return the exit status: 0 when the results were checked and correct.
     * @throws org.jdsm.ConfigurationException naming an argument that is not one of its options or is malformed, or
     *                                         an option {@link #check} refuses for this cluster.
     * @throws Exception                       on failure, which the launcher reports and turns into a non-zero
     *                                         exit status.
     */
    default int run(DsmNode node, List<String> args, PrintStream out) throws Exception
    {
        return run(node, ApplicationOptions.parse(this, args, node.nodeCount(), node.config().replicas()), out);
    }
}
