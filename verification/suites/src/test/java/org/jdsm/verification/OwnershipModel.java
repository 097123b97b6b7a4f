package org.jdsm.verification;

import org.jdsm.BorrowException;
import org.jdsm.Codecs;
import org.jdsm.DArc;
import org.jdsm.DBox;
import org.jdsm.DMutex;
import org.jdsm.Mut;
import org.jdsm.Ref;
import org.jdsm.coherence.Node;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The state an action chain runs against: a simulated cluster whose node 0 runs the program, the handles that
 * program holds, and the sequential model of what each object must hold. Each operation does one thing through
 * the public API and asserts its postcondition against the model, then updates the model.
 * <p>
 * Objects are named by a stable id, counted per kind, so a shrunk chain still reads well; an operation on an id that an earlier,
 * shrunk-away action would have created does nothing.
 * <p>
 * <b>Note:</b> not threadsafe: a chain is single-threaded.
 */
final class OwnershipModel implements AutoCloseable
{
    /** A task on the simulated network answers in milliseconds; a stuck one fails the step soon. */
    private static final long TIMEOUT_MS = 5_000;
    /** Under the fault some tasks never return; each such step of shrinking costs this timeout. */
    private static final long FAULT_TIMEOUT_MS = 1_000;

    private final boolean fault;
    SimulatedCluster cluster;
    Node program;
    String schedule = "not started";
    final Map<Integer, DBox<Long>> boxes = new TreeMap<>();
    final Map<Integer, Long> boxValues = new TreeMap<>();
    final Map<Integer, DArc<Long>> arcs = new TreeMap<>();
    final Map<Integer, Long> arcValues = new TreeMap<>();
    final Map<Integer, DMutex<Long>> mutexes = new TreeMap<>();
    final Map<Integer, Long> mutexValues = new TreeMap<>();
    private int nextBoxId;
    private int nextArcId;
    private int nextMutexId;

    /**
     * @param fault whether the cluster, once started, runs with the cache-ignores-colour fault.
     */
    OwnershipModel(final boolean fault)
    {
        this.fault = fault;
    }

    /**
     * The first action of every chain: start the cluster with a schedule. Being an action, its arguments shrink
     * with the rest of the chain.
     */
    void start(final int nodeCount, final long seed, final int maxDelaySteps, final boolean reorder)
    {
        cluster = SimulatedCluster.start(nodeCount, seed, maxDelaySteps, reorder, fault);
        program = cluster.node(0);
        schedule = "nodes=" + nodeCount + " seed=" + seed + " maxDelaySteps=" + maxDelaySteps + " reorder=" +
            reorder + (fault ? " fault=" + SimulatedCluster.CACHE_IGNORES_COLOUR : "");
    }

    private long timeoutMs()
    {
        return fault ? FAULT_TIMEOUT_MS : TIMEOUT_MS;
    }

    boolean isStarted()
    {
        return null != cluster;
    }

    int nodeCount()
    {
        return null == cluster ? 0 : cluster.nodeCount();
    }

    /**
     * Whether a node id drawn for an earlier, larger cluster still names a node: a shrunk chain may start fewer.
     */
    private boolean isNode(final int node)
    {
        return node < nodeCount();
    }

    List<Integer> boxIds()
    {
        return new ArrayList<>(boxes.keySet());
    }

    List<Integer> arcIds()
    {
        return new ArrayList<>(arcs.keySet());
    }

    List<Integer> mutexIds()
    {
        return new ArrayList<>(mutexes.keySet());
    }

    void alloc(final int node, final long value)
    {
        if (!isNode(node))
        {
            return;
        }
        final DBox<Long> box = program.allocOn(node, Codecs.LONG, value);
        assertEquals(node, box.homeNode(), "alloc placed the object on the chosen node");
        final int id = nextBoxId++;
        boxes.put(id, box);
        boxValues.put(id, value);
    }

    void read(final int id)
    {
        final DBox<Long> box = boxes.get(id);
        if (null == box)
        {
            return;
        }
        try (Ref<Long> ref = box.read())
        {
            assertEquals(boxValues.get(id), ref.get(), "box " + id + " read on node 0");
        }
    }

    void readOn(final int id, final int node) throws Exception
    {
        if (!isNode(node))
        {
            return;
        }
        final DBox<Long> box = boxes.get(id);
        if (null == box)
        {
            return;
        }
        try (Ref<Long> ref = box.read())
        {
            final long seen = program.spawnOn(node, (n) -> ref.getLong()).get(timeoutMs(), TimeUnit.MILLISECONDS);
            assertEquals((long)boxValues.get(id), seen, "box " + id + " read through a Ref lent to node " + node);
        }
    }

    void write(final int id, final long value)
    {
        final DBox<Long> box = boxes.get(id);
        if (null == box)
        {
            return;
        }
        try (Mut<Long> mut = box.write())
        {
            assertEquals(boxValues.get(id), mut.get(), "box " + id + " value under the Mut");
            mut.setLong(value);
        }
        assertEquals(0, box.homeNode(), "a written object lives on the writer's node");
        boxValues.put(id, value);
    }

    void writeOn(final int id, final int node, final long value) throws Exception
    {
        if (!isNode(node))
        {
            return;
        }
        final DBox<Long> box = boxes.get(id);
        if (null == box)
        {
            return;
        }
        try (Mut<Long> mut = box.write())
        {
            final long before = program.spawnOn(node, (n) ->
            {
                final long old = mut.getLong();
                mut.setLong(value);
                return old;
            }).get(timeoutMs(), TimeUnit.MILLISECONDS);
            assertEquals((long)boxValues.get(id), before, "box " + id + " read through a Mut lent to node " + node);
            assertEquals(value, mut.getLong(), "value written on node " + node + " seen by the lender");
        }
        boxValues.put(id, value);
    }

    void moveAndBack(final int id, final int node, final long delta) throws Exception
    {
        if (!isNode(node))
        {
            return;
        }
        final DBox<Long> box = boxes.get(id);
        if (null == box)
        {
            return;
        }
        final String name = box.toString();
        final DBox<Long> back = program.spawnOn(node, (n) ->
        {
            try (Mut<Long> mut = box.write())
            {
                mut.setLong(mut.getLong() + delta);
            }
            return box;
        }).get(timeoutMs(), TimeUnit.MILLISECONDS);

        final BorrowException ex = assertThrows(BorrowException.class, box::read);
        assertEquals("read() on " + name + " after it was moved to a task on node " + node +
            ": this handle is consumed", ex.getMessage());
        assertEquals(node, back.homeNode(), "the task wrote the box, so it moved to the task's node");
        boxes.put(id, back);
        boxValues.put(id, boxValues.get(id) + delta);
    }

    void spawnNear(final int id) throws Exception
    {
        final DBox<Long> box = boxes.get(id);
        if (null == box)
        {
            return;
        }
        final int ranOn = program.spawnNear(box, (n) -> n.nodeId()).get(timeoutMs(), TimeUnit.MILLISECONDS);
        assertEquals(box.homeNode(), ranOn, "spawnNear ran the task on the box's home node");
    }

    void borrowConflicts(final int id)
    {
        final DBox<Long> box = boxes.get(id);
        if (null == box)
        {
            return;
        }
        try (Ref<Long> ignore = box.read())
        {
            final BorrowException ex = assertThrows(BorrowException.class, box::write);
            assertEquals("write() on " + box + " while 1 Ref(s) of it are open", ex.getMessage());
        }
        try (Mut<Long> ignore = box.write())
        {
            final BorrowException ex = assertThrows(BorrowException.class, box::read);
            assertEquals("read() on " + box + " while a Mut of it is open", ex.getMessage());
        }
        assertEquals(0, box.homeNode());
    }

    void free(final int id)
    {
        final DBox<Long> box = boxes.remove(id);
        if (null == box)
        {
            return;
        }
        boxValues.remove(id);
        final String name = box.toString();
        box.close();
        final BorrowException ex = assertThrows(BorrowException.class, box::read);
        assertEquals("read() on " + name + " after it was freed", ex.getMessage());
    }

    void arc(final long value)
    {
        final int id = nextArcId++;
        arcs.put(id, program.arc(Codecs.LONG, value));
        arcValues.put(id, value);
    }

    void shareArc(final int id, final int node) throws Exception
    {
        if (!isNode(node))
        {
            return;
        }
        final DArc<Long> arc = arcs.get(id);
        if (null == arc)
        {
            return;
        }
        final DArc<Long> copy = program.spawnOn(node, (n) ->
        {
            final DArc<Long> shared = arc.share();
            if (shared.get().longValue() != arc.get().longValue())
            {
                throw new IllegalStateException("share of arc " + id + " reads " + shared.get());
            }
            return shared;
        }).get(timeoutMs(), TimeUnit.MILLISECONDS);
        assertEquals(2, arc.referenceCount(), "arc " + id + ": program's count and the shared copy's");
        assertEquals(arcValues.get(id), copy.get(), "arc " + id + " read through the shared copy");
        copy.close();
        assertEquals(1, arc.referenceCount(), "arc " + id + " after the copy was dropped");
    }

    void readArcOn(final int id, final int node) throws Exception
    {
        if (!isNode(node))
        {
            return;
        }
        final DArc<Long> arc = arcs.get(id);
        if (null == arc)
        {
            return;
        }
        final long seen = program.spawnOn(node, (n) -> arc.get()).get(timeoutMs(), TimeUnit.MILLISECONDS);
        assertEquals((long)arcValues.get(id), seen, "arc " + id + " read on node " + node);
        assertEquals(1, arc.referenceCount(), "arc " + id + ": the task's count was dropped when it returned");
    }

    void mutex(final long value)
    {
        final int id = nextMutexId++;
        mutexes.put(id, program.mutex(Codecs.LONG, value));
        mutexValues.put(id, value);
    }

    void lockOn(final int id, final int node, final long delta) throws Exception
    {
        if (!isNode(node))
        {
            return;
        }
        final DMutex<Long> mutex = mutexes.get(id);
        if (null == mutex)
        {
            return;
        }
        final long before = program.spawnOn(node, (n) ->
        {
            try (Mut<Long> mut = mutex.lock())
            {
                final long old = mut.getLong();
                mut.setLong(old + delta);
                return old;
            }
        }).get(timeoutMs(), TimeUnit.MILLISECONDS);
        assertEquals((long)mutexValues.get(id), before, "mutex " + id + " value seen by the holder on node " + node);
        mutexValues.put(id, before + delta);
    }

    /**
     * Invariant: every live box reads its model value on node 0 and every mutex holds its model value.
     */
    void checkValues()
    {
        for (final Map.Entry<Integer, DBox<Long>> entry : boxes.entrySet())
        {
            try (Ref<Long> ref = entry.getValue().read())
            {
                assertEquals(boxValues.get(entry.getKey()), ref.get(), "box " + entry.getKey());
            }
        }
        for (final Map.Entry<Integer, DMutex<Long>> entry : mutexes.entrySet())
        {
            try (Mut<Long> mut = entry.getValue().lock())
            {
                assertEquals(mutexValues.get(entry.getKey()), mut.get(), "mutex " + entry.getKey());
            }
        }
    }

    /**
     * Invariant: no borrow is left open, so every live box can be borrowed exclusively; tried with a shared
     * borrow first so it does not change colours.
     */
    void checkNoBorrowLeftOpen()
    {
        for (final DBox<Long> box : boxes.values())
        {
            box.read().close();
        }
        for (final DArc<Long> arc : arcs.values())
        {
            assertEquals(1, arc.referenceCount(), "only the program holds each arc");
        }
    }

    public void close()
    {
        if (null != cluster)
        {
            cluster.close();
        }
    }

    public String toString()
    {
        return "OwnershipModel{" + schedule + ", boxes=" + boxValues + ", arcs=" + arcValues + ", mutexes=" +
            mutexValues + '}';
    }
}
