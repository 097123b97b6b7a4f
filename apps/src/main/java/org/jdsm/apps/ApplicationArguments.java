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
}
