package org.jdsm.apps;

import org.jdsm.ConfigurationException;
import org.jdsm.spi.NearestName;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

/**
 * Parses an application's arguments with picocli into its options object ({@link Application#newOptions()}, a class
 * whose fields carry {@link CommandLine.Option} annotations): the command is named after the application, described
 * by its {@link Application#description()} and has {@code --help}; an unknown option, an argument that is not an
 * option, a missing or malformed value is a {@link ConfigurationException} of one line naming it, so the launcher
 * rejects it before a cluster starts (exit status 2).
 * <p>
 * <b>Note:</b> stateless and threadsafe; each call builds its own command from a new options object.
 */
public final class ApplicationOptions
{
    private ApplicationOptions()
    {
    }

    /**
     * Parse an application's arguments.
     *
     * @param application whose arguments.
     * @param args        its arguments, e.g. {@code --n 1024 --type int}.
     * @param <O>         its options type.
     * @return a new options object holding the values given and the defaults of the others.
     * @throws ConfigurationException naming the argument that is not one of its options, or whose value is missing
     *                                or malformed.
     */
    public static <O> O parse(final Application<O> application, final List<String> args)
    {
        final O options = application.newOptions();
        final CommandLine commandLine = commandLine(application, options);
        try
        {
            commandLine.parseArgs(args.toArray(new String[0]));
        }
        catch (final CommandLine.UnmatchedArgumentException ex)
        {
            final String first = ex.getUnmatched().isEmpty() ? "?" : ex.getUnmatched().get(0);
            final String nearest = first.startsWith("-") ?
                NearestName.among(first, commandLine.getCommandSpec().optionsMap().keySet()) : null;
            throw new ConfigurationException(application.name() + ": " +
                (first.startsWith("-") ? "unknown option " : "unexpected argument ") + first +
                (null == nearest ? "" : ", did you mean " + nearest + "?") +
                " (" + application.name() + " --help lists its options)");
        }
        catch (final CommandLine.ParameterException ex)
        {
            throw new ConfigurationException(application.name() + ": " + ex.getMessage());
        }

        return options;
    }

    /**
     * Parse an application's arguments and check them against the cluster they are to run on
     * ({@link Application#check}).
     *
     * @param application whose arguments.
     * @param args        its arguments.
     * @param nodeCount   of the cluster.
     * @param replicas    the cluster's {@code jdsm.replicas}.
     * @param <O>         its options type.
     * @return a new options object holding the values given and the defaults of the others.
     * @throws ConfigurationException naming the argument that is not one of its options, is missing or malformed, or
     *                                that the application refuses for this cluster.
     */
    public static <O> O parse(
        final Application<O> application, final List<String> args, final int nodeCount, final int replicas)
    {
        final O options = parse(application, args);
        application.check(options, nodeCount, replicas);

        return options;
    }

    /**
     * Run an application's check of its options, which refuses with the application's own exception, and refuse
     * as the launcher does: a {@link ConfigurationException} with the same message, prefixed by the application's
     * name. For {@link Application#check} implementations.
     *
     * @param application whose options.
     * @param refusal     the exception type the check throws to refuse an option.
     * @param check       the check.
     * @throws ConfigurationException naming the application, with the refusal's message.
     */
    public static void refuseAs(
        final Application<?> application, final Class<? extends RuntimeException> refusal, final Runnable check)
    {
        try
        {
            check.run();
        }
        catch (final RuntimeException ex)
        {
            if (!refusal.isInstance(ex))
            {
                throw ex;
            }
            throw new ConfigurationException(application.name() + ": " + ex.getMessage());
        }
    }

    /**
     * Whether the arguments ask for the application's help.
     *
     * @param args the application's arguments.
     * @return true if {@code --help} or {@code -h} is among them.
     */
    public static boolean isHelp(final List<String> args)
    {
        return args.contains("--help") || args.contains("-h");
    }

    /**
     * The help of an application: usage line, description and its options with their defaults.
     *
     * @param application whose help.
     * @return the help text, lines ending in {@code \n}.
     */
    public static String usage(final Application<?> application)
    {
        final StringWriter text = new StringWriter();
        commandLine(application, application.newOptions()).usage(new PrintWriter(text), CommandLine.Help.Ansi.OFF);
        return text.toString().replace(System.lineSeparator(), "\n");
    }

    private static CommandLine commandLine(final Application<?> application, final Object options)
    {
        final CommandSpec spec = CommandSpec.forAnnotatedObject(options);
        spec.name(application.name());
        spec.usageMessage()
            .customSynopsis("jdsm local [OPTIONS] " + application.name() + " [" +
                application.name().toUpperCase(java.util.Locale.ROOT) + " OPTIONS]")
            .description(application.description())
            .sortOptions(false);
        spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true).description("Show this help.").build());

        return new CommandLine(spec);
    }
}
