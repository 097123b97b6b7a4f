package org.jdsm;

import java.util.concurrent.CompletableFuture;

/**
 * One node of a jdsm cluster: its slice of the global heap, its copy cache, its task workers and its transport.
 * Started by {@link Dsm#start(DsmConfig)}; owns its {@link DsmConfig} and closes it with itself.
 * <p>
 * <b>Roles:</b> in a cluster, node 0 is the <em>driver</em>: it runs the program's {@code main}, and its
 * {@link #close()} ends the program for every node. The other nodes {@link #serve()} it (see
 * {@link Dsm#serve(DsmConfig)}) and return when the driver has closed the cluster.
 * <p>
 * <b>Note:</b> threadsafe: any number of application threads and tasks may use one node.
 */
public interface DsmNode extends AutoCloseable
{
    /**
     * This node's id.
     *
     * @return the node id, from 0 to {@link #nodeCount()} - 1.
     */
    int nodeId();

    /**
     * Number of nodes in the cluster.
     *
     * @return the node count.
     */
    int nodeCount();

    /**
     * Allocate an object, on this node when it has room, else on the peer with the most free heap.
     *
     * @param codec of the value.
     * @param value initial value.
     * @param <T>   type of the value.
     * @return the owning handle.
     */
    <T> DBox<T> alloc(Codec<T> codec, T value);

    /**
     * Allocate an object on a chosen node.
     *
     * @param nodeId where to place it.
     * @param codec  of the value.
     * @param value  initial value.
     * @param <T>    type of the value.
     * @return the owning handle.
     */
    <T> DBox<T> allocOn(int nodeId, Codec<T> codec, T value);

    /**
     * A new empty vector.
     *
     * @param codec       of the elements; must have a fixed length.
     * @param chunkLength elements per chunk.
     * @param <T>         type of the elements.
     * @return the owning handle.
     */
    <T> DVec<T> newVec(Codec<T> codec, int chunkLength);

    /**
     * A new shared immutable object with a count of one.
     *
     * @param codec of the value.
     * @param value the value.
     * @param <T>   type of the value.
     * @return the first handle.
     */
    <T> DArc<T> arc(Codec<T> codec, T value);

    /**
     * A new mutex over a value, unlocked, with a count of one.
     *
     * @param codec of the value.
     * @param value initial value.
     * @param <T>   type of the value.
     * @return the first handle.
     */
    <T> DMutex<T> mutex(Codec<T> codec, T value);

    /**
     * A new mutex over a value, unlocked, with a count of one, with room for values of up to {@code capacity}
     * encoded bytes: a holder may {@link Mut#set} a longer value than the initial one, up to the capacity (a mutex made
     * by {@link #mutex(Codec, Object)} holds at most its initial value's length).
     *
     * @param codec    of the value.
     * @param value    initial value.
     * @param capacity largest encoded value in bytes, at least the initial value's.
     * @param <T>      type of the value.
     * @return the first handle.
     * @throws ObjectSizeException if {@code capacity} is below the initial value's length or over what one object
     *                             may hold.
     */
    <T> DMutex<T> mutex(Codec<T> codec, T value, int capacity);

    /**
     * A new cell holding a value, with a count of one: an atomic reference to an immutable value that every node
     * reads without a lock, one round trip of 8 bytes when its cached copy is current (see {@link DCell}).
     *
     * @param codec of the value.
     * @param value initial value.
     * @param <T>   type of the value.
     * @return the first handle.
     */
    <T> DCell<T> cell(Codec<T> codec, T value);

    /**
     * A new cell, as {@link #cell(Codec, Object)}, whose remote reads take read leases of {@code leaseNs} whatever
     * this node's {@link DsmConfig#CELL_LEASE_PROP_NAME} says: a remote handle's reads within a lease cost no round
     * trip, and a write to a value read remotely since the last write waits {@code leaseNs} (see {@link DCell}).
     * For a cell read far more often than written, beside cells that are written often and should not pay for it.
     *
     * @param codec   of the value.
     * @param value   initial value.
     * @param leaseNs the cell's read lease in nanoseconds, 0 for none; at most {@link DsmConfig#MAX_CELL_LEASE_NS}
     *                and below this node's operation timeout.
     * @param <T>     type of the value.
     * @return the first handle.
     * @throws IllegalArgumentException if {@code leaseNs} is out of that range, naming it and the bound.
     */
    <T> DCell<T> cell(Codec<T> codec, T value, long leaseNs);

    /**
     * Run a task on the least-loaded node.
     *
     * @param task to run.
     * @param <R>  type of the result.
     * @return the result's future.
     */
    <R> CompletableFuture<R> spawn(DsmTask<R> task);

    /**
     * Run a task on a chosen node.
     *
     * @param nodeId where to run it.
     * @param task   to run.
     * @param <R>    type of the result.
     * @return the result's future.
     */
    <R> CompletableFuture<R> spawnOn(int nodeId, DsmTask<R> task);

    /**
     * Run a task on a chosen node and wait for its result: {@code spawnOn(nodeId, task).join()}, except that a task
     * for this node that needs no serialization runs at once on the calling thread, with what it would have on a
     * worker (moved and lent handles, ended when it returns; a failure as {@link RemoteTaskException}), and is never
     * queued: no thread hand-off, no worker woken. A call between services on one node costs a method call and the
     * hand-over of the task's handles. A call to another node waits on the calling thread, which (on a transport that
     * lets callers drive it) receives the result and completes the call itself.
     *
     * @param nodeId where to run it.
     * @param task   to run.
     * @param <R>    type of the result.
     * @return the result.
     * @throws java.util.concurrent.CompletionException with a {@link RemoteTaskException} as cause if the task
     *                                                  failed, as {@link CompletableFuture#join()}.
     */
    default <R> R callOn(int nodeId, DsmTask<R> task)
    {
        return spawnOn(nodeId, task).join();
    }

    /**
     * Run a task on the node that holds a box's object.
     *
     * @param box  whose home node is chosen.
     * @param task to run.
     * @param <R>  type of the result.
     * @return the result's future.
     */
    <R> CompletableFuture<R> spawnNear(DBox<?> box, DsmTask<R> task);

    /**
     * Whether a node of the cluster is believed to be up: it joined and has not left or been found dead.
     *
     * @param nodeId of the node.
     * @return true if it is available.
     */
    boolean isNodeAvailable(int nodeId);

    /**
     * A snapshot of this node's counters.
     *
     * @return the counters.
     */
    NodeCounters counters();

    /**
     * The configuration this node was started with, concluded: e.g. for a task to read the heap, cache and object
     * size limits of the node it runs on. Owned by the node; do not change it.
     *
     * @return the concluded configuration.
     */
    DsmConfig config();

    /**
     * Serve the driver: run the tasks it and its tasks send here and hold their objects, until the driver closes
     * the cluster, then return; the caller still closes this node. Called on every node but node 0 (see
     * {@link Dsm#serve(DsmConfig)}, which also starts and closes the node).
     *
     * @throws DriverLostException    if the driver left or died before it closed the cluster.
     * @throws ConfigurationException if this node is node 0, the driver.
     */
    void serve();

    /**
     * Leave the cluster and release the heap; handles of this node become unusable.
     * <p>
     * On the driver (node 0 of a cluster of more than one node), first wait until no task it sent is in flight,
     * then ask every serving node to stop and wait for each one's acknowledgement (each wait bounded by
     * {@link DsmConfig#operationTimeoutNs()}): the servers leave after the driver, so none of its tasks can find a
     * server gone.
     */
    void close();
}
