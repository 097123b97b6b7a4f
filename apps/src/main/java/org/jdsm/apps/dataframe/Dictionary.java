package org.jdsm.apps.dataframe;

import java.io.Serializable;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The strings of a {@link ColumnType#STRING} column, by id: either a list (loaded data) or a format applied to
 * {@code id + 1} (generated data, e.g. {@code id%03d}), so a dictionary of a million ids costs nothing until a
 * result names them.
 * <p>
 * <b>Note:</b> immutable once built, threadsafe.
 */
public final class Dictionary implements Serializable
{
    private static final long serialVersionUID = 1L;

    private final String[] strings;
    private final String format;
    private final int size;

    private Dictionary(final String[] strings, final String format, final int size)
    {
        this.strings = strings;
        this.format = format;
        this.size = size;
    }

    /**
     * A dictionary of the strings {@code String.format(format, id + 1)} for ids in [0, size).
     *
     * @param format with one integer conversion.
     * @param size   number of ids.
     * @return the dictionary.
     */
    public static Dictionary formatted(final String format, final int size)
    {
        return new Dictionary(null, format, size);
    }

    /**
     * A dictionary of listed strings.
     *
     * @param strings by id.
     * @return the dictionary.
     */
    public static Dictionary of(final String... strings)
    {
        return new Dictionary(strings.clone(), null, strings.length);
    }

    /**
     * The string of an id, or {@code NA} for {@link ColumnType#NA_INT}.
     *
     * @param id of the string.
     * @return the string.
     */
    public String get(final int id)
    {
        if (ColumnType.NA_INT == id)
        {
            return "NA";
        }
        if (id < 0 || id >= size)
        {
            throw new DataFrameException("dictionary id=" + id + " out of range [0, " + size + ")");
        }

        return null == strings ? String.format(format, id + 1) : strings[id];
    }

    /**
     * Number of ids.
     *
     * @return the size.
     */
    public int size()
    {
        return size;
    }

    public String toString()
    {
        return null == strings ? "Dictionary(" + format + " x " + size + ")" :
            "Dictionary(" + Arrays.toString(Arrays.copyOf(strings, Math.min(size, 5))) + (size > 5 ? "...)" : ")");
    }

    /**
     * Builds a dictionary while data is loaded: the first string seen gets id 0.
     * <p>
     * <b>Note:</b> not threadsafe.
     */
    public static final class Builder
    {
        private final Map<String, Integer> ids = new HashMap<>();
        private String[] strings = new String[16];

        /**
         * The id of a string, adding it when new.
         *
         * @param string to look up.
         * @return its id.
         */
        public int idOf(final String string)
        {
            final Integer id = ids.get(string);
            if (null != id)
            {
                return id;
            }
            final int next = ids.size();
            if (next == strings.length)
            {
                strings = Arrays.copyOf(strings, next * 2);
            }
            strings[next] = string;
            ids.put(string, next);
            return next;
        }

        /**
         * The dictionary of the strings seen so far.
         *
         * @return the dictionary.
         */
        public Dictionary build()
        {
            return new Dictionary(Arrays.copyOf(strings, ids.size()), null, ids.size());
        }
    }
}
