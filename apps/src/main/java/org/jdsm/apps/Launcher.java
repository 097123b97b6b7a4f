package org.jdsm.apps;

import org.jdsm.ConfigurationException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code jdsm} command: {@code node} runs one node of a cluster described in a file, {@code local} runs a
 * whole cluster of JVMs on loopback with a bundled application, {@code run} one with a program's own {@code main},
 * {@code apps} lists the applications, {@code stat} and {@code errors} print the counters and distinct errors of the
 * live nodes on this machine.
 * <p>
 * Exit status 2 for a usage or configuration error ({@link ConfigurationException}), printed as one line naming
 * the fix; 1 for any other error, also one line. {@code --verbose}, before or after the subcommand, adds the stack
 * trace.
 */
@Command(
    name = "jdsm",
    mixinStandardHelpOptions = true,
    version = "jdsm 0.1.0-SNAPSHOT",
    description = "Run jdsm nodes and applications.",
    subcommands = {
        NodeCommand.class, LocalCommand.class, RunCommand.class, AppsCommand.class, CheckHistoryCommand.class,
        StatCommand.class, ErrorsCommand.class })
public final class Launcher implements Runnable
{
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @CommandLine.Option(names = "--verbose", description = "Show stack traces of errors (also after a subcommand).")
    private boolean verbose;

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
        return new CommandLine(new Launcher())
            .setStopAtPositional(true)
            .setExecutionExceptionHandler(Launcher::onExecutionException)
            .setParameterExceptionHandler(Launcher::onParameterException)
            .execute(args);
    }

    /**
     * A usage error (unknown option or command, missing or bad value): one line naming it and where the help is,
     * exit 2; with {@code --verbose} also the usage.
     */
    private static int onParameterException(final CommandLine.ParameterException ex, final String[] args)
    {
        final CommandLine commandLine = ex.getCommandLine();
        final java.io.PrintWriter err = commandLine.getErr();
        err.println("jdsm: " + ex.getMessage() + " (see '" + commandLine.getCommandSpec().qualifiedName() +
            " --help')");
        if (java.util.Arrays.asList(args).contains("--verbose"))
        {
            commandLine.usage(err);
        }
        err.flush();

        return commandLine.getCommandSpec().exitCodeOnInvalidInput();
    }

    private static int onExecutionException(
        final Exception ex, final CommandLine commandLine, final CommandLine.ParseResult parseResult)
    {
        final CommandLine.ParseResult subcommand = parseResult.subcommand();
        final boolean verbose = parseResult.hasMatchedOption("--verbose") ||
            (null != subcommand && subcommand.hasMatchedOption("--verbose"));
        final java.io.PrintWriter err = commandLine.getErr();
        if (ex instanceof ConfigurationException)
        {
            err.println("jdsm: " + ex.getMessage());
            if (verbose)
            {
                ex.printStackTrace(err);
            }
            err.flush();
            return 2;
        }
        if (verbose)
        {
            err.println("jdsm: " + ex);
            ex.printStackTrace(err);
        }
        else
        {
            err.println("jdsm: " + ex + " (--verbose shows the stack trace)");
        }
        err.flush();
        return 1;
    }

    /**
     * Without a subcommand: print usage.
     */
    public void run()
    {
        spec.commandLine().usage(System.out);
    }
}
