package org.jdsm.apps.dataframe;

import org.jdsm.DBox;

/**
 * An element of a column's {@link org.jdsm.DVec}: the box owning one row group's chunk of the column.
 *
 * @param data the chunk's raw values, in the platform's byte order.
 */
public record ChunkBox(DBox<byte[]> data)
{
}
