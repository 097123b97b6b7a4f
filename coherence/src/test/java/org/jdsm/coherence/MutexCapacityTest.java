package org.jdsm.coherence;

import org.jdsm.Codecs;
import org.jdsm.DMutex;
import org.jdsm.Mut;
import org.jdsm.ObjectSizeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A mutex made with a capacity takes values longer than its initial one, up to the capacity, locally and from a
 * remote holder; past it, and for a capacity that can not hold the initial value or one object, a clear error.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MutexCapacityTest
{
    @Test
    void shouldHoldLongerValuesUpToItsCapacityLocallyAndRemotely() throws Exception
    {
        try (SimulatedCluster cluster = SimulatedCluster.start(3))
        {
            final DMutex<String> mutex = cluster.node(1).mutex(Codecs.STRING, "a", 64);
            final DMutex<String> lent = mutex.share();
            final String longer = "x".repeat(40);

            assertEquals(1, (int)cluster.node(0).spawnOn(1, (n) ->
            {
                try (Mut<String> mut = lent.lock())
                {
                    mut.set(longer);
                }
                lent.close();
                return n.nodeId();
            }).get(10, TimeUnit.SECONDS));

            final DMutex<String> remote = mutex.share();
            final String read = cluster.node(0).spawnOn(2, (n) ->
            {
                final String value;
                try (Mut<String> mut = remote.lock())
                {
                    value = mut.get();
                    mut.set("y".repeat(60));
                }
                remote.close();
                return value;
            }).get(10, TimeUnit.SECONDS);
            assertEquals(longer, read);

            try (Mut<String> mut = mutex.lock())
            {
                assertEquals("y".repeat(60), mut.get());
                final ObjectSizeException ex = assertThrows(ObjectSizeException.class, () -> mut.set("z".repeat(70)));
                assertEquals("value of 70 bytes does not fit " + ((MutexHandle<?>)mutex).describe() +
                    ", which holds at most 64", ex.getMessage());
                assertEquals("y".repeat(60), mut.get());
            }
            mutex.close();
        }
    }

    @Test
    void shouldRefuseAFixedWidthAccessWiderThanTheValueInsteadOfReadingOrWritingPastIt()
    {
        try (SimulatedCluster cluster = SimulatedCluster.start(1))
        {
            final DMutex<Integer> mutex = cluster.node(0).mutex(Codecs.INT, 5, 64);
            final String name = mutex.toString();
            try (Mut<Integer> mut = mutex.lock())
            {
                assertEquals("setLong on " + name + ", whose value is 4 bytes: it needs 8 (use get() or " +
                    "set(value) for its codec)", assertThrows(IllegalStateException.class, () -> mut.setLong(1L << 40))
                    .getMessage());
                assertEquals("getDouble on " + name + ", whose value is 4 bytes: it needs 8 (use get() or " +
                    "set(value) for its codec)", assertThrows(IllegalStateException.class, mut::getDouble)
                    .getMessage());
                mut.setInt(6);
                assertEquals(6, mut.getInt());
            }
            try (Mut<Integer> mut = mutex.lock())
            {
                assertEquals(6, mut.get(), "the refused setLong wrote nothing");
                assertEquals(4, mut.length());
            }
            mutex.close();
        }
    }

    @Test
    void shouldRejectACapacityBelowTheInitialValueOrOverTheLargestObject()
    {
        try (SimulatedCluster cluster = SimulatedCluster.start(1))
        {
            assertEquals("mutex capacity=3 is below the 5 bytes of its initial value", assertThrows(
                ObjectSizeException.class, () -> cluster.node(0).mutex(Codecs.STRING, "hello", 3)).getMessage());
            assertEquals("mutex of capacity=1048576 needs 1048600 bytes, over maxObjectSize=1048576", assertThrows(
                ObjectSizeException.class,
                () -> cluster.node(0).mutex(Codecs.STRING, "hello", 1024 * 1024)).getMessage());
        }
    }
}
