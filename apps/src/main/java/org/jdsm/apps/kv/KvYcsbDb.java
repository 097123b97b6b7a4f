package org.jdsm.apps.kv;

import org.HdrHistogram.Histogram;
import site.ycsb.ByteIterator;
import site.ycsb.DB;
import site.ycsb.Status;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Vector;

/**
 * A {@code site.ycsb.DB} over a {@link KvStore}: the YCSB table is ignored (one table per store), a record is one
 * value ({@link KvFields}), an update merges the given fields into the record atomically per key. Each operation's
 * latency is recorded in this instance's histograms, by kind, and each status other than OK counted as an error.
 * <p>
 * <b>Note:</b> not threadsafe: one instance per client thread, as YCSB uses a DB.
 */
public class KvYcsbDb extends DB
{
    /** The kinds of operation measured. */
    public enum Kind
    {
        /** A read of one record. */
        READ,
        /** An update of some fields of one record. */
        UPDATE,
        /** An insert of one record. */
        INSERT,
        /** A scan of records from a start key. */
        SCAN,
        /** A delete of one record. */
        DELETE
    }

    /** Highest latency recorded, in nanoseconds. */
    static final long MAX_LATENCY_NS = 60_000_000_000L;

    private static final KvStore.ValueReader<Boolean> PRESENT = (buffer, offset, length) -> Boolean.TRUE;

    private KvStore store;
    private final KvUpdateModel model;
    private final EnumMap<Kind, Histogram> histograms = new EnumMap<>(Kind.class);
    private final long[] errors = new long[Kind.values().length];
    private boolean isRecording = true;

    /**
     * A DB whose store is given later with {@link #store(KvStore)}, as the YCSB client builds it.
     */
    public KvYcsbDb()
    {
        this(null, null);
    }

    /**
     * A DB over a store.
     *
     * @param store to run operations on.
     */
    public KvYcsbDb(final KvStore store)
    {
        this(store, null);
    }

    /**
     * A DB over a store that, with a model, writes a checked run's values and remembers what it got acknowledged
     * ({@link KvUpdateModel}).
     *
     * @param store to run operations on.
     * @param model of this client thread, or null for the workload's own values.
     */
    public KvYcsbDb(final KvStore store, final KvUpdateModel model)
    {
        this.store = store;
        this.model = model;
        for (final Kind kind : Kind.values())
        {
            histograms.put(kind, new Histogram(MAX_LATENCY_NS, 3));
        }
    }

    /**
     * @param store to run operations on.
     */
    protected void store(final KvStore store)
    {
        this.store = store;
    }

    /**
     * Whether operations are recorded; off during warm-up.
     *
     * @param isRecording true to record latencies and errors.
     */
    public void recording(final boolean isRecording)
    {
        this.isRecording = isRecording;
    }

    /**
     * The latencies of one kind of operation, in nanoseconds.
     *
     * @param kind of operation.
     * @return its histogram.
     */
    public Histogram histogram(final Kind kind)
    {
        return histograms.get(kind);
    }

    /**
     * Operations of one kind that did not return OK.
     *
     * @param kind of operation.
     * @return the error count.
     */
    public long errors(final Kind kind)
    {
        return errors[kind.ordinal()];
    }

    /**
     * {@inheritDoc}
     */
    public Status read(
        final String table, final String key, final Set<String> fields, final Map<String, ByteIterator> result)
    {
        final long startNs = System.nanoTime();
        if (null == result)
        {
            return record(Kind.READ, startNs, null == store.read(key, PRESENT) ? Status.NOT_FOUND : Status.OK);
        }
        // decoded in place, only the fields asked for; put in the result once the read is done (the reader may
        // run more than once)
        final Object[] decoded = store.read(
            key, (buffer, offset, length) -> KvFields.decodeWanted(buffer, offset, length, fields));
        if (null == decoded)
        {
            return record(Kind.READ, startNs, Status.NOT_FOUND);
        }
        for (int i = 0; i < decoded.length; i += 2)
        {
            result.put((String)decoded[i], (ByteIterator)decoded[i + 1]);
        }

        return record(Kind.READ, startNs, Status.OK);
    }

    /**
     * {@inheritDoc}
     */
    public Status scan(
        final String table,
        final String startKey,
        final int recordCount,
        final Set<String> fields,
        final Vector<HashMap<String, ByteIterator>> result)
    {
        final long startNs = System.nanoTime();
        final List<Map.Entry<String, byte[]>> entries = store.scan(startKey, recordCount);
        if (null != result)
        {
            for (final Map.Entry<String, byte[]> entry : entries)
            {
                final HashMap<String, ByteIterator> row = new HashMap<>();
                KvFields.decodeInto(entry.getValue(), fields, row);
                result.add(row);
            }
        }

        return record(Kind.SCAN, startNs, Status.OK);
    }

    /**
     * {@inheritDoc}
     */
    public Status update(final String table, final String key, final Map<String, ByteIterator> values)
    {
        final long startNs = System.nanoTime();
        // the values once: the function runs again when another writer got in first, and an iterator reads once
        final Map<String, byte[]> fields = KvFields.toArrays(values);
        if (null == model)
        {
            final boolean updated = store.update(key, (old) -> KvFields.merge(old, fields));
            return record(Kind.UPDATE, startNs, updated ? Status.OK : Status.NOT_FOUND);
        }

        final int[] version = new int[1];
        final boolean updated = store.update(key, (old) ->
        {
            final Map<String, byte[]> record = KvFields.decode(old);
            version[0] = KvUpdateModel.version(record) + 1; // the last call is the one the store applied
            for (final Map.Entry<String, byte[]> field : fields.entrySet())
            {
                record.put(field.getKey(), KvUpdateModel.value(
                    key, model.fieldNumber(field.getKey()), version[0], field.getValue().length));
            }
            record.put(KvUpdateModel.VERSION_FIELD, KvUpdateModel.versionBytes(version[0]));
            return KvFields.encode(record);
        });
        if (updated)
        {
            model.acknowledge(key, fields.keySet(), version[0]);
        }

        return record(Kind.UPDATE, startNs, updated ? Status.OK : Status.NOT_FOUND);
    }

    /**
     * {@inheritDoc}
     */
    public Status insert(final String table, final String key, final Map<String, ByteIterator> values)
    {
        final long startNs = System.nanoTime();
        if (null == model)
        {
            store.put(key, KvFields.encodeIterators(values));
        }
        else
        {
            final Map<String, byte[]> record = new LinkedHashMap<>();
            for (final Map.Entry<String, byte[]> field : KvFields.toArrays(values).entrySet())
            {
                record.put(field.getKey(), KvUpdateModel.value(
                    key, model.fieldNumber(field.getKey()), 0, field.getValue().length));
            }
            record.put(KvUpdateModel.VERSION_FIELD, KvUpdateModel.versionBytes(0));
            store.put(key, KvFields.encode(record));
        }

        return record(Kind.INSERT, startNs, Status.OK);
    }

    /**
     * {@inheritDoc}
     */
    public Status delete(final String table, final String key)
    {
        final long startNs = System.nanoTime();
        final boolean deleted = store.delete(key);

        return record(Kind.DELETE, startNs, deleted ? Status.OK : Status.NOT_FOUND);
    }

    private Status record(final Kind kind, final long startNs, final Status status)
    {
        if (isRecording)
        {
            histograms.get(kind).recordValue(Math.min(MAX_LATENCY_NS, System.nanoTime() - startNs));
            if (!status.isOk())
            {
                errors[kind.ordinal()]++;
            }
        }

        return status;
    }
}
