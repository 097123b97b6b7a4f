package org.jdsm.apps.kv;

import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;
import java.util.Map;

/**
 * What one client thread of a checked KV run ({@code kv --verify-updates}, implied by {@code --kill-node}) knows it
 * got acknowledged, and the values such a run writes, so that the driver can tell at the end what every loaded
 * record must hold.
 * <p>
 * In a checked run every record carries a version field ({@link #VERSION_FIELD}): a load writes version 0, and an
 * update, which is one atomic read-modify-write of its key ({@link KvStore#update}), writes the old version + 1. Every
 * field value written is {@link #value}{@code (key, field, version, length)}: the record's version after the write
 * that wrote it, then bytes derived from the key, the field and that version. So the versions of a key's updates are
 * the order in which the store applied them, and a client thread only has to remember, per record, how many updates
 * it got acknowledged and, per field, the version of its last acknowledged write of it. Merged over every client
 * thread of the run ({@link #merge}: sum and maximum), the record must hold exactly the sum as its version (an update
 * lost or applied twice changes it) and, in each field, the value of the highest acknowledged version that wrote it
 * (0: the loaded value).
 * <p>
 * <b>Note:</b> not threadsafe: one per client thread; the key index is shared read-only.
 */
public final class KvUpdateModel
{
    /** The field holding a record's version in a checked run. */
    public static final String VERSION_FIELD = "_version";

    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    private final Map<String, Integer> recordNumbers;
    private final String fieldPrefix;
    private final int fieldCount;
    private final int[] lastVersions;
    private final int[] acknowledged;

    /**
     * @param recordNumbers the record number of every loaded key (shared, read-only).
     * @param fieldPrefix   of the workload's field names ({@code field} for {@code field0}...).
     * @param fieldCount    fields per record.
     */
    public KvUpdateModel(final Map<String, Integer> recordNumbers, final String fieldPrefix, final int fieldCount)
    {
        this.recordNumbers = recordNumbers;
        this.fieldPrefix = fieldPrefix;
        this.fieldCount = fieldCount;
        this.lastVersions = new int[recordNumbers.size() * fieldCount];
        this.acknowledged = new int[recordNumbers.size()];
    }

    /**
     * Remember an acknowledged update.
     *
     * @param key     of the record; keys not loaded (inserted by the run) are not checked.
     * @param fields  it wrote.
     * @param version the record's version after it.
     */
    void acknowledge(final String key, final Iterable<String> fields, final int version)
    {
        final Integer record = recordNumbers.get(key);
        if (null == record)
        {
            return;
        }
        acknowledged[record]++;
        for (final String field : fields)
        {
            final int at = record * fieldCount + fieldNumber(field);
            lastVersions[at] = Math.max(lastVersions[at], version);
        }
    }

    /**
     * Add this thread's acknowledgements into the run's: counts summed, versions the highest.
     *
     * @param lastVersionsInto per {@code record * fieldCount + field}, the highest version acknowledged.
     * @param acknowledgedInto per record, the updates acknowledged.
     */
    public void merge(final int[] lastVersionsInto, final int[] acknowledgedInto)
    {
        for (int i = 0; i < lastVersions.length; i++)
        {
            lastVersionsInto[i] = Math.max(lastVersionsInto[i], lastVersions[i]);
        }
        for (int i = 0; i < acknowledged.length; i++)
        {
            acknowledgedInto[i] += acknowledged[i];
        }
    }

    /**
     * The number of a field of the workload.
     *
     * @param field its name, e.g. {@code field3}.
     * @return its number, e.g. 3.
     * @throws KvException if it is not one of the workload's fields.
     */
    int fieldNumber(final String field)
    {
        if (field.startsWith(fieldPrefix))
        {
            try
            {
                final int number = Integer.parseInt(field.substring(fieldPrefix.length()));
                if (number >= 0 && number < fieldCount)
                {
                    return number;
                }
            }
            catch (final NumberFormatException ignored)
            {
                // named below
            }
        }
        throw new KvException("field " + field + " is not one of " + fieldPrefix + "0.." + fieldPrefix +
            (fieldCount - 1));
    }

    /**
     * The value a checked run writes into a field: the version as a little-endian int, then bytes of a generator
     * seeded with the key, the field and the version.
     *
     * @param key     of the record.
     * @param field   number.
     * @param version of the record after the write.
     * @param length  of the value, at least 4.
     * @return the value.
     */
    public static byte[] value(final String key, final int field, final int version, final int length)
    {
        final byte[] value = new byte[length];
        final UnsafeBuffer buffer = new UnsafeBuffer(value);
        buffer.putInt(0, version, ORDER);
        long state = key.hashCode() * 0x9E3779B97F4A7C15L + field * 0xBF58476D1CE4E5B9L + version;
        for (int i = 4; i < length; i++)
        {
            state += 0x9E3779B97F4A7C15L;
            long z = state;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            value[i] = (byte)(z ^ (z >>> 31));
        }

        return value;
    }

    /**
     * @param version of a record.
     * @return the bytes of its {@link #VERSION_FIELD}.
     */
    static byte[] versionBytes(final int version)
    {
        final byte[] bytes = new byte[4];
        new UnsafeBuffer(bytes).putInt(0, version, ORDER);
        return bytes;
    }

    /**
     * @param fields of a record of a checked run.
     * @return its version.
     * @throws KvException if it has no version field.
     */
    static int version(final Map<String, byte[]> fields)
    {
        final byte[] bytes = fields.get(VERSION_FIELD);
        if (null == bytes || 4 != bytes.length)
        {
            throw new KvException("record without a " + VERSION_FIELD + " field: not written by a checked run");
        }

        return new UnsafeBuffer(bytes).getInt(0, ORDER);
    }
}
