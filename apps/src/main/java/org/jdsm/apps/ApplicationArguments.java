package org.jdsm.apps;

import org.jdsm.ConfigurationException;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Reads an application's {@code --name value} arguments, failing with the application's own exception type, and
 * checks them against the options the application declares ({@link Application#options()}) before a cluster starts:
 * {@code --help} prints the application's help, an unknown or malformed option is a {@link ConfigurationException}.
 * <p>
 * <b>Note:</b> stateless and threadsafe.
 */
public final class ApplicationArguments
{
    /**
     * One option of an application: {@code --name value} when it has a value label, else a flag.
     *
     * @param name        e.g. {@code --rows}.
     * @param valueLabel  what the value is, e.g. {@code R} or {@code a|b|c}, or null for a flag.
     * @param description one line, with the default.
     */
    public record Option(String name, String valueLabel, String description)
    {
        /**
         * An option followed by a value.
         *
         * @param name        e.g. {@code --rows}.
         * @param valueLabel  what the value is.
         * @param description one line, with the default.
         * @return the option.
         */
        public static Option valued(final String name, final String valueLabel, final String description)
        {
            return new Option(name, valueLabel, description);
        }

        /**
         * An option without a value.
         *
         * @param name        e.g. {@code --no-baseline}.
         * @param description one line.
         * @return the option.
         */
        public static Option flag(final String name, final String description)
        {
            return new Option(name, null, description);
        }

        boolean hasValue()
        {
            return null != valueLabel;
        }
    }

    private ApplicationArguments()
    {
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
     * The help of an application: usage line, description and its options.
     *
     * @param application whose help.
     * @return the help text, lines ending in {@code \n}.
     */
    public static String help(final Application application)
    {
        final StringBuilder text = new StringBuilder();
        text.append("Usage: jdsm local [OPTIONS] ").append(application.name()).append(" [ARGS...]\n");
        text.append(application.description()).append('\n');
        final List<Option> options = application.options();
        if (options.isEmpty())
        {
            text.append("(its options are not declared: arguments are passed unchecked)\n");
            return text.toString();
        }
        final List<String> names = new ArrayList<>();
        int width = 0;
        for (final Option option : options)
        {
            final String name = option.hasValue() ? option.name() + " " + option.valueLabel() : option.name();
            names.add(name);
            width = Math.max(width, name.length());
        }
        for (int i = 0; i < options.size(); i++)
        {
            text.append("  ").append(names.get(i)).append(" ".repeat(width - names.get(i).length() + 2))
                .append(options.get(i).description()).append('\n');
        }

        return text.toString();
    }

    /**
     * Check the arguments against the options an application declares; an application that declares none is not
     * checked.
     *
     * @param application whose arguments.
     * @param args        its arguments.
     * @throws ConfigurationException naming the argument if it is not an option of the application, is written
     *                                {@code --name=value}, or lacks its value.
     */
    public static void check(final Application application, final List<String> args)
    {
        final List<Option> options = application.options();
        if (options.isEmpty())
        {
            return;
        }
        for (int i = 0; i < args.size(); i++)
        {
            final String arg = args.get(i);
            final Option option = find(options, arg);
            if (null == option)
            {
                final int equals = arg.indexOf('=');
                final Option named = equals > 0 ? find(options, arg.substring(0, equals)) : null;
                if (null != named && named.hasValue())
                {
                    throw new ConfigurationException(application.name() + ": " + arg + " is not an option: write " +
                        named.name() + " " + arg.substring(equals + 1));
                }
                throw new ConfigurationException(application.name() + ": " +
                    (arg.startsWith("-") ? "unknown option " : "unexpected argument ") + arg + " (" +
                    application.name() + " --help lists its options)");
            }
            if (option.hasValue())
            {
                if (i + 1 >= args.size())
                {
                    throw new ConfigurationException(application.name() + ": " + arg + " needs a value");
                }
                i++;
            }
        }
    }

    private static Option find(final List<Option> options, final String name)
    {
        for (final Option option : options)
        {
            if (option.name().equals(name))
            {
                return option;
            }
        }

        return null;
    }

    /**
     * The value following an argument's name.
     *
     * @param args         the application's arguments.
     * @param name         of the argument, e.g. {@code --rows}.
     * @param defaultValue when the argument is absent.
     * @param error        makes the application's exception from a message.
     * @return the value, or {@code defaultValue}.
     * @throws RuntimeException from {@code error}, naming the argument, if the name is last with no value.
     */
    public static String value(
        final List<String> args,
        final String name,
        final String defaultValue,
        final Function<String, ? extends RuntimeException> error)
    {
        final int index = args.indexOf(name);
        if (index < 0)
        {
            return defaultValue;
        }
        if (index + 1 >= args.size())
        {
            throw error.apply(name + " needs a value");
        }

        return args.get(index + 1);
    }

    /**
     * The number following an argument's name.
     *
     * @param args         the application's arguments.
     * @param name         of the argument, e.g. {@code --records}.
     * @param defaultValue when the argument is absent.
     * @param minimum      smallest value accepted.
     * @param error        makes the application's exception from a message.
     * @return the value, or {@code defaultValue}.
     * @throws RuntimeException from {@code error}, naming the argument and its value, if the value is not a whole
     *                          number or is below {@code minimum}.
     */
    public static long longValue(
        final List<String> args,
        final String name,
        final long defaultValue,
        final long minimum,
        final Function<String, ? extends RuntimeException> error)
    {
        final String text = value(args, name, null, error);
        if (null == text)
        {
            return defaultValue;
        }
        final long value;
        try
        {
            value = Long.parseLong(text);
        }
        catch (final NumberFormatException ex)
        {
            throw error.apply(name + "=" + text + " is not a number");
        }
        if (value < minimum)
        {
            throw error.apply(name + "=" + value + " must be >= " + minimum);
        }

        return value;
    }
}
