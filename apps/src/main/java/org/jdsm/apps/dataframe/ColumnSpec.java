package org.jdsm.apps.dataframe;

import java.io.Serializable;

/**
 * A column's name, type and, for a {@link ColumnType#STRING} column, its dictionary.
 * <p>
 * <b>Note:</b> immutable, threadsafe.
 *
 * @param name       of the column.
 * @param type       of its values.
 * @param dictionary of a {@code STRING} column, else {@code null}.
 */
public record ColumnSpec(String name, ColumnType type, Dictionary dictionary) implements Serializable
{
    /**
     * Checks that a {@code STRING} column, and only one, has a dictionary.
     */
    public ColumnSpec
    {
        if ((ColumnType.STRING == type) != (null != dictionary))
        {
            throw new DataFrameException("column " + name + " of type " + type + (null == dictionary ?
                " needs a dictionary" : " can not have a dictionary"));
        }
    }
}
