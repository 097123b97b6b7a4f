package org.jdsm.apps;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code jdsm} command: {@code node} runs one node of a cluster described in a file, {@code local} runs a
 * whole cluster of JVMs on loopback, {@code apps} lists the applications.
 */
@Command(
    name = "jdsm",
    mixinStandardHelpOptions = true,
    version = "jdsm 0.1.0-SNAPSHOT",
    description = "Run jdsm nodes and applications.",
    subcommands = { NodeCommand.class, LocalCommand.class, AppsCommand.class, CheckHistoryCommand.class })
public final class Launcher implements Runnable
{
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    /**
     * Run the launcher.
     *
     * @param args command line.
     */
    public static void main(final String[] args)
    {
        System.exit(execute(args));
    }

    /**
     * Run the launcher without exiting the JVM.
     *
     * @param args command line.
     * @return the exit status.
     */
    public static int execute(final String... args)
    {
        // options after the application name belong to the application
        return new CommandLine(new Launcher()).setStopAtPositional(true).execute(args);
    }

    /**
     * Without a subcommand: print usage.
     */
    public void run()
    {
        spec.commandLine().usage(System.out);
    }
}
