package org.jdsm.apps;

import java.util.List;
import java.util.function.Function;

/**
 * Reads an application's {@code --name value} arguments, failing with the application's own exception type.
 * <p>
 * <b>Note:</b> stateless and threadsafe.
 */
public final class ApplicationArguments
{
    private ApplicationArguments()
    {
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
