package org.jdsm.coherence;

import org.agrona.concurrent.UnsafeBuffer;
import org.jdsm.RemoteAccessException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class HeapSliceTest
{
    private final HeapSlice slice = new HeapSlice(3 * 64 * 1024, 64 * 1024);

    @Test
    void shouldSpreadCapacityOverSegments()
    {
        assertEquals(3 * 64 * 1024, slice.capacity());
        assertEquals(64 * 1024, slice.segmentLength());
        slice.putLongRelease(2 * 64 * 1024 + 8, 77);
        assertEquals(77, slice.getLongAcquire(2 * 64 * 1024 + 8));
        assertEquals(77, slice.segment(2 * 64 * 1024).getLong(8));
    }

    @Test
    void shouldExposeDirectSegmentsInOffsetOrder()
    {
        final java.nio.ByteBuffer[] segments = slice.segments();
        assertEquals(3, segments.length);
        slice.putLongRelease(64 * 1024 + 16, 0x1122334455667788L);
        for (final java.nio.ByteBuffer segment : segments)
        {
            assertEquals(true, segment.isDirect());
            assertEquals(64 * 1024, segment.capacity());
        }
        assertEquals(0x1122334455667788L, new UnsafeBuffer(segments[1]).getLong(16));
    }

    @Test
    void shouldCopyBytesInAndOut()
    {
        final UnsafeBuffer src = new UnsafeBuffer(new byte[16]);
        src.putLong(0, 1);
        src.putLong(8, 2);
        slice.putBytes(64 * 1024 + 16, src, 0, 16);
        final UnsafeBuffer dst = new UnsafeBuffer(new byte[16]);
        slice.getBytes(64 * 1024 + 16, dst, 0, 16);
        assertEquals(1, dst.getLong(0));
        assertEquals(2, dst.getLong(8));
    }

    @Test
    void shouldApplyAtomics()
    {
        assertEquals(0, slice.getAndAddLong(64, 5));
        assertEquals(5, slice.compareAndSwapLong(64, 5, 9));
        assertEquals(9, slice.compareAndSwapLong(64, 5, 1));
        assertEquals(9, slice.getLongAcquire(64));
    }

    @Test
    void shouldRejectOutOfRangeAccessNamingOffsetAndCapacity()
    {
        final UnsafeBuffer dst = new UnsafeBuffer(new byte[16]);
        assertEquals("read offset=196600 length=16 out of range of heap [0, 196608) in segments of 65536",
            assertThrows(RemoteAccessException.class, () -> slice.getBytes(196600, dst, 0, 16)).getMessage());
        assertEquals("read offset=-8 length=8 out of range of heap [0, 196608) in segments of 65536",
            assertThrows(RemoteAccessException.class, () -> slice.getBytes(-8, dst, 0, 8)).getMessage());
        assertEquals("write offset=65528 length=16 out of range of heap [0, 196608) in segments of 65536",
            assertThrows(RemoteAccessException.class, () -> slice.putBytes(65528, dst, 0, 16)).getMessage());
        assertEquals("fetchAdd offset=12 is not 8-byte aligned",
            assertThrows(RemoteAccessException.class, () -> slice.getAndAddLong(12, 1)).getMessage());
        assertEquals("compareAndSwap offset=196608 length=8 out of range of heap [0, 196608) in segments of 65536",
            assertThrows(RemoteAccessException.class, () -> slice.compareAndSwapLong(196608, 0, 1)).getMessage());
    }

    @Test
    void shouldGiveAnEmptyRangeThatEndsTheSliceOrASegmentWithoutAnError()
    {
        // an empty value's copy at the very end of the cache's arena ended a cluster run with
        // "ArrayIndexOutOfBoundsException: Index 1 out of bounds for length 1" before
        final HeapSlice oneSegment = new HeapSlice(64 * 1024, 64 * 1024);
        final UnsafeBuffer view = new UnsafeBuffer(new byte[8]);
        oneSegment.wrap(view, 64 * 1024, 0);
        assertEquals(0, view.capacity());
        oneSegment.getBytes(64 * 1024, view, 0, 0);
        oneSegment.putBytes(64 * 1024, view, 0, 0);

        slice.wrap(view, 64 * 1024, 0);
        assertEquals(0, view.capacity());
        slice.wrap(view, 3 * 64 * 1024, 0);
        assertEquals(0, view.capacity());

        assertEquals("wrap offset=65544 length=0 out of range of heap [0, 65536) in segments of 65536",
            assertThrows(RemoteAccessException.class, () -> oneSegment.wrap(view, 64 * 1024 + 8, 0)).getMessage());
    }
}
