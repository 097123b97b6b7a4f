package org.jdsm.apps;

import org.jdsm.DsmNode;

import java.io.PrintStream;
import java.util.List;

/**
 * A program the launcher runs across a cluster, found with {@link java.util.ServiceLoader} by {@link #name()}.
 * It runs on node 0, the driver; the other nodes serve its tasks until it returns.
 */
public interface Application
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
     * The options the application reads, for its {@code --help} and so the launcher rejects any other argument
     * before a cluster starts (see {@link ApplicationArguments#check}).
     *
     * @return its options; empty (the default) when it does not declare them: its arguments are then not checked.
     */
    default List<ApplicationArguments.Option> options()
    {
        return List.of();
    }

    /**
     * Run on the driver node.
     *
     * @param node the driver, node 0 of a started cluster.
     * @param args the application's own arguments.
     * @param out  where to print progress and the summary.
     * @return the exit status: 0 when the results were checked and correct.
     * @throws Exception on failure, which the launcher reports and turns into a non-zero exit status.
     */
    int run(DsmNode node, List<String> args, PrintStream out) throws Exception;
}
