package org.jdsm.apps.kv;

import org.jdsm.DCell;
import org.jdsm.DsmNode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * A hash map on jdsm. Layout, chosen for the round-trip budget (see the README's KV section):
 * <ul>
 *   <li>a fixed array of buckets, each a {@code DCell} (an atomic reference to an immutable value) holding
 *       the bucket's slot table and packed entries ({@link KvBucketDescriptor}); bucket {@code b} is homed on node
 *       {@code b % homeNodes}, so cell words spread over the cluster;</li>
 *   <li>a get reads its bucket's cell: one atomic 8-byte read of the cell word at the bucket's home (none when
 *       local) and, while the bucket did not change, the node's cached copy of the entries: one round trip on a
 *       warm cache, a fetch only after a write;</li>
 *   <li>a get finds its key in the slot table of the bucket's bytes in place, compares the key's bytes in place
 *       and copies out only its value;</li>
 *   <li>a put, update or delete replaces the bucket's entries with {@link DCell#update}: one compare-and-swap of
 *       the cell word from the bucket this node last saw (one round trip when nobody wrote the bucket since, two
 *       when somebody did: the failed swap returns the current word; retried only when another writer got in
 *       between), the
 *       new entries in a block on the writer's node, written there straight from the old ones and the edit
 *       ({@link KvBucket}), the old freed at theirs;</li>
 *   <li>each key is linearizable: reads at the cell-word read, writes at the swap.</li>
 * </ul>
 * Every node holds its own handle on every bucket: {@link #create(DsmNode, int)} builds the buckets and attaches
 * the map on every node through setup tasks, into a node-local registry keyed by (node, map id);
 * {@link #attached(DsmNode, long)} finds it there, e.g. from a task.
 * <p>
 * <b>Note:</b> threadsafe. The instance {@link #create(DsmNode, int)} returns owns the map: closing it detaches it
 * on every node and frees every bucket. Instances found by {@link #attached(DsmNode, long)} belong to it.
 */
public final class DistributedKvStore implements KvStore
{
    /** Buckets sent per setup task, to stay well under the transport's largest message. */
    static final int BUCKETS_PER_TASK = 512;
    private static final long TIMEOUT_S = 120;
    private static final ConcurrentHashMap<Long, DistributedKvStore> ATTACHED = new ConcurrentHashMap<>();

    /**
     * A get's view of its bucket, the key its argument: constant, so a get allocates no view (a capturing one is a
     * new object per get wherever the read's view call sees several views, as in every program).
     */
    private static final DCell.ArgumentView<String, Object, byte[]> GET = (buffer, offset, length, key, unused) ->
    {
        // String caches its hash: computed once per key, by bucket()
        final int slot = KvBucketDescriptor.find(buffer, offset, length, key, key.hashCode());
        return slot < 0 ? null :
            KvBucketDescriptor.value(buffer, offset, length, KvBucketDescriptor.entryOffset(buffer, offset, slot));
    };

    /** A read's view of its bucket, the key and the value's reader its arguments. */
    private static final DCell.ArgumentView<String, ValueReader<?>, Object> READ =
        (buffer, offset, length, key, reader) ->
        {
            final int slot = KvBucketDescriptor.find(buffer, offset, length, key, key.hashCode());
            if (slot < 0)
            {
                return null;
            }
            final int entry = KvBucketDescriptor.entryOffset(buffer, offset, slot);
            final int valueOffset = KvBucketDescriptor.valueOffset(buffer, offset, entry);
            final int valueLength = KvBucketDescriptor.valueLength(buffer, offset, entry);
            if (valueLength < 0 || valueOffset < 0 || valueOffset > length - valueLength)
            {
                throw new IndexOutOfBoundsException("entry at " + entry + " outside a bucket of " + length + " bytes");
            }
            return reader.read(buffer, offset + valueOffset, valueLength);
        };

    private final DsmNode node;
    private final long mapId;
    private final DCell<KvBucket>[] buckets;
    private final int homeNodes;
    private final boolean isOwner;
    private volatile boolean closed;

    private DistributedKvStore(
        final DsmNode node,
        final long mapId,
        final DCell<KvBucket>[] buckets,
        final int homeNodes,
        final boolean isOwner)
    {
        this.node = node;
        this.mapId = mapId;
        this.buckets = buckets;
        this.homeNodes = homeNodes;
        this.isOwner = isOwner;
    }

    /**
     * Create an empty map across the cluster and attach it on every node.
     *
     * @param node        the creating node, which owns the map.
     * @param bucketCount number of buckets, at least 1.
     * @return the owning instance.
     * @throws KvException if the bucket count is out of range or a setup task fails.
     */
    public static DistributedKvStore create(final DsmNode node, final int bucketCount)
    {
        return create(node, bucketCount, node.nodeCount());
    }

    /**
     * Create an empty map whose buckets live on the first {@code homeNodes} nodes (bucket {@code b} on node
     * {@code b % homeNodes}), attached on every node. With {@code homeNodes = 1} and clients on node 0 only, it
     * is jdsm on one node inside a larger cluster, to compare with it in the same run.
     *
     * @param node        the creating node, which owns the map.
     * @param bucketCount number of buckets, at least 1.
     * @param homeNodes   nodes holding buckets, in [1, nodeCount].
     * @return the owning instance.
     * @throws KvException if the bucket or home node count is out of range or a setup task fails.
     */
    @SuppressWarnings("unchecked")
    public static DistributedKvStore create(final DsmNode node, final int bucketCount, final int homeNodes)
    {
        if (bucketCount < 1 || bucketCount > (1 << 24))
        {
            throw new KvException("bucketCount=" + bucketCount + " must be in [1, " + (1 << 24) + "]");
        }
        if (homeNodes < 1 || homeNodes > node.nodeCount())
        {
            throw new KvException("homeNodes=" + homeNodes + " must be in [1, " + node.nodeCount() + "]");
        }
        final long mapId = ThreadLocalRandom.current().nextLong(1, 1L << 48);
        final int nodes = node.nodeCount();
        final DCell<KvBucket>[] buckets = new DCell[bucketCount];
        try
        {
            for (int home = 0; home < homeNodes; home++)
            {
                final int homed = (bucketCount - home + homeNodes - 1) / homeNodes;
                int made = 0;
                while (made < homed)
                {
                    final int batch = Math.min(BUCKETS_PER_TASK, homed - made);
                    final DCell<KvBucket>[] created = home == node.nodeId() ? newBuckets(node, batch) :
                        node.spawnOn(home, (n) -> newBuckets(n, batch)).get(TIMEOUT_S, TimeUnit.SECONDS);
                    for (int k = 0; k < batch; k++)
                    {
                        buckets[home + (made + k) * homeNodes] = created[k];
                    }
                    made += batch;
                }
            }

            final DistributedKvStore store = new DistributedKvStore(node, mapId, buckets, homeNodes, true);
            ATTACHED.put(registryKey(node.nodeId(), mapId), store);
            for (int peer = 0; peer < nodes; peer++)
            {
                if (peer == node.nodeId())
                {
                    continue;
                }
                for (int from = 0; from < bucketCount; from += BUCKETS_PER_TASK)
                {
                    final int start = from;
                    final DCell<KvBucket>[] chunk = Arrays.copyOfRange(
                        buckets, from, Math.min(bucketCount, from + BUCKETS_PER_TASK));
                    node.spawnOn(peer, (n) ->
                    {
                        attachChunk(n, mapId, bucketCount, homeNodes, start, chunk);
                        return null;
                    }).get(TIMEOUT_S, TimeUnit.SECONDS);
                }
            }

            return store;
        }
        catch (final KvException ex)
        {
            throw ex;
        }
        catch (final Exception ex)
        {
            throw new KvException("could not create a map of " + bucketCount + " buckets on " + nodes + " nodes", ex);
        }
    }

    /**
     * The instance of a map attached on a node, to use from tasks running there.
     *
     * @param node  the node the caller runs on.
     * @param mapId of the map, {@link #mapId()} of the owner.
     * @return the node's instance.
     * @throws KvException if the map is not attached on the node.
     */
    public static DistributedKvStore attached(final DsmNode node, final long mapId)
    {
        final DistributedKvStore store = ATTACHED.get(registryKey(node.nodeId(), mapId));
        if (null == store)
        {
            throw new KvException("map " + mapId + " is not attached on node " + node.nodeId());
        }

        return store;
    }

    /**
     * The map's id, to find it with {@link #attached(DsmNode, long)} on any node.
     *
     * @return the map id.
     */
    public long mapId()
    {
        return mapId;
    }

    /**
     * Number of buckets.
     *
     * @return the bucket count.
     */
    public int bucketCount()
    {
        return buckets.length;
    }

    /**
     * The node a key's bucket was created on (it stays there, or on its backup once that node died): bucket
     * {@code b} on node {@code b % homeNodes}.
     *
     * @param key any key.
     * @return the node its bucket was created on.
     */
    public int homeNodeOf(final String key)
    {
        return bucketIndex(key.hashCode(), checkedBuckets().length) % homeNodes;
    }

    /**
     * {@inheritDoc}
     */
    public byte[] get(final String key)
    {
        return bucket(key.hashCode()).read(GET, key, null);
    }

    /**
     * {@inheritDoc}
     */
    public <R> R read(final String key, final ValueReader<R> reader)
    {
        @SuppressWarnings("unchecked")
        final R result = (R)bucket(key.hashCode()).read(READ, key, reader);
        return result;
    }

    /**
     * {@inheritDoc}
     */
    public boolean put(final String key, final byte[] value)
    {
        final byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
        final int keyHash = key.hashCode();
        final boolean[] inserted = new boolean[1];
        bucket(keyHash).update((entries) ->
        {
            final int slot = KvBucketDescriptor.find(entries.buffer, 0, entries.length, key, keyHash);
            inserted[0] = slot < 0;
            return entries.edit(slot, keyBytes, keyHash, value);
        });
        return inserted[0];
    }

    /**
     * {@inheritDoc}
     */
    public boolean update(final String key, final UnaryOperator<byte[]> function)
    {
        final byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
        final int keyHash = key.hashCode();
        final boolean[] present = new boolean[1];
        bucket(keyHash).update((entries) ->
        {
            final int slot = KvBucketDescriptor.find(entries.buffer, 0, entries.length, key, keyHash);
            present[0] = slot >= 0;
            if (slot < 0)
            {
                return entries; // the same instance: nothing is written
            }
            final byte[] newValue = function.apply(
                KvBucketDescriptor.value(
                    entries.buffer, 0, entries.length, KvBucketDescriptor.entryOffset(entries.buffer, 0, slot)));
            return entries.edit(slot, keyBytes, keyHash, newValue);
        });
        return present[0];
    }

    /**
     * {@inheritDoc}
     */
    public boolean delete(final String key)
    {
        final int keyHash = key.hashCode();
        final boolean[] deleted = new boolean[1];
        bucket(keyHash).update((entries) ->
        {
            final int slot = KvBucketDescriptor.find(entries.buffer, 0, entries.length, key, keyHash);
            deleted[0] = slot >= 0;
            return slot < 0 ? entries : entries.edit(slot, null, 0, null);
        });
        return deleted[0];
    }

    /**
     * {@inheritDoc}
     */
    public List<Map.Entry<String, byte[]>> scan(final String startKey, final int count)
    {
        if (count < 1)
        {
            throw new KvException("count=" + count + " must be >= 1");
        }
        final TreeMap<String, byte[]> smallest = new TreeMap<>();
        for (final DCell<KvBucket> bucket : checkedBuckets())
        {
            bucket.read((buffer, offset, length) ->
            {
                final int entryCount = KvBucketDescriptor.count(buffer, offset, length);
                for (int slot = 0; slot < entryCount; slot++)
                {
                    final int at = KvBucketDescriptor.entryOffset(buffer, offset, slot);
                    final String key = KvBucketDescriptor.key(buffer, offset, length, at);
                    if (key.compareTo(startKey) >= 0 &&
                        (smallest.size() < count || key.compareTo(smallest.lastKey()) < 0))
                    {
                        ScanCollector.offer(
                            smallest, count, startKey, key, KvBucketDescriptor.value(buffer, offset, length, at));
                    }
                }
                return null;
            });
        }

        return new ArrayList<>(smallest.entrySet());
    }

    /**
     * {@inheritDoc}
     */
    public long size()
    {
        long size = 0;
        for (final DCell<KvBucket> bucket : checkedBuckets())
        {
            size += bucket.read((buffer, offset, length) -> KvBucketDescriptor.count(buffer, offset, length));
        }

        return size;
    }

    /**
     * Close this instance. The owner detaches the map on every node, frees every bucket's entries and drops its
     * bucket handles, which frees the buckets; another instance only drops its own handles.
     */
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        ATTACHED.remove(registryKey(node.nodeId(), mapId));
        if (!isOwner)
        {
            closeHandles(buckets);
            return;
        }

        KvException failure = null;
        for (int peer = 0; peer < node.nodeCount(); peer++)
        {
            if (peer != node.nodeId() && node.isNodeAvailable(peer))
            {
                final long id = mapId;
                try
                {
                    node.spawnOn(peer, (n) ->
                    {
                        final DistributedKvStore store = ATTACHED.get(registryKey(n.nodeId(), id));
                        if (null != store)
                        {
                            store.close();
                        }
                        return null;
                    }).get(TIMEOUT_S, TimeUnit.SECONDS);
                }
                catch (final Exception ex)
                {
                    failure = new KvException("could not detach map " + mapId + " on node " + peer, ex);
                }
            }
        }
        closeHandles(buckets);
        if (null != failure)
        {
            throw failure;
        }
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return "DistributedKvStore{mapId=" + mapId + ", node=" + node.nodeId() + ", buckets=" + buckets.length + '}';
    }

    private DCell<KvBucket> bucket(final int keyHash)
    {
        final DCell<KvBucket>[] checked = checkedBuckets();
        return checked[bucketIndex(keyHash, checked.length)];
    }

    // the mixed hash scaled to [0, bucketCount) by a multiply and a shift (Lemire's reduction), not a remainder: a
    // 64-bit division costs tens of cycles on every operation, as much as the rest of a local lookup's arithmetic
    private static int bucketIndex(final int keyHash, final int bucketCount)
    {
        final int hash = keyHash * 0x9E3779B9;
        return (int)((((hash ^ (hash >>> 16)) & 0xFFFF_FFFFL) * bucketCount) >>> 32);
    }

    private DCell<KvBucket>[] checkedBuckets()
    {
        if (closed)
        {
            throw new KvException("map " + mapId + " is closed on node " + node.nodeId());
        }

        return buckets;
    }

    @SuppressWarnings("unchecked")
    private static DCell<KvBucket>[] newBuckets(final DsmNode node, final int count)
    {
        final DCell<KvBucket>[] created = new DCell[count];
        for (int i = 0; i < count; i++)
        {
            created[i] = node.cell(KvBucket.CODEC, KvBucket.EMPTY);
        }

        return created;
    }

    @SuppressWarnings("unchecked")
    private static void attachChunk(
        final DsmNode node,
        final long mapId,
        final int bucketCount,
        final int homeNodes,
        final int from,
        final DCell<KvBucket>[] chunk)
    {
        final DistributedKvStore store = ATTACHED.computeIfAbsent(registryKey(node.nodeId(), mapId),
            (k) -> new DistributedKvStore(node, mapId, new DCell[bucketCount], homeNodes, false));
        for (int i = 0; i < chunk.length; i++)
        {
            store.buckets[from + i] = chunk[i].share();
        }
    }

    private static void closeHandles(final DCell<KvBucket>[] handles)
    {
        for (final DCell<KvBucket> handle : handles)
        {
            if (null != handle)
            {
                handle.close();
            }
        }
    }

    private static long registryKey(final int nodeId, final long mapId)
    {
        return (mapId << 8) | nodeId;
    }
}
