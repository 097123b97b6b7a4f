package org.jdsm.linearizability;

/**
 * An open-addressed set of 64-bit fingerprints with linear probing: the memory of the search, 8 bytes a
 * configuration instead of a boxed copy of the linearized set and state. Zero marks an empty slot, so a zero
 * fingerprint is stored as one.
 * <p>
 * It grows by doubling at a load factor of 3/4 and never past {@code maxCapacity} slots; when full at that
 * capacity {@link #add(long)} answers {@link #FULL}: {@code n} fingerprints take at most {@code 8 * 8n/3} bytes.
 * <p>
 * <b>Note:</b> NOT threadsafe; one per search.
 */
final class FingerprintSet
{
    /** {@link #add(long)}: the fingerprint was new and is now in the set. */
    static final int ADDED = 1;
    /** {@link #add(long)}: the fingerprint was already in the set. */
    static final int PRESENT = 0;
    /** {@link #add(long)}: the set is at its largest capacity and three quarters full. */
    static final int FULL = -1;

    private final int maxCapacity;
    private long[] slots;
    private int mask;
    private int size;

    /**
     * @param initialCapacity slots to start with, a power of two.
     * @param maxCapacity     slots never to grow past, a power of two.
     */
    FingerprintSet(final int initialCapacity, final int maxCapacity)
    {
        if (Integer.bitCount(initialCapacity) != 1 || Integer.bitCount(maxCapacity) != 1 ||
            initialCapacity > maxCapacity)
        {
            throw new IllegalArgumentException("initialCapacity=" + initialCapacity + " and maxCapacity=" +
                maxCapacity + " must be powers of two, initialCapacity <= maxCapacity");
        }
        this.maxCapacity = maxCapacity;
        this.slots = new long[initialCapacity];
        this.mask = initialCapacity - 1;
    }

    /**
     * Add a fingerprint.
     *
     * @param fingerprint to add.
     * @return {@link #ADDED}, {@link #PRESENT} or {@link #FULL}.
     */
    int add(final long fingerprint)
    {
        final long value = 0 == fingerprint ? 1 : fingerprint;
        if (size >= slots.length - (slots.length >>> 2))
        {
            if (slots.length >= maxCapacity)
            {
                return contains(value) ? PRESENT : FULL;
            }
            grow();
        }
        int index = spread(value) & mask;
        while (true)
        {
            final long slot = slots[index];
            if (0 == slot)
            {
                slots[index] = value;
                size++;
                return ADDED;
            }
            if (slot == value)
            {
                return PRESENT;
            }
            index = (index + 1) & mask;
        }
    }

    /**
     * @return fingerprints in the set.
     */
    int size()
    {
        return size;
    }

    /**
     * @return slots allocated, 8 bytes each.
     */
    int capacity()
    {
        return slots.length;
    }

    private boolean contains(final long value)
    {
        int index = spread(value) & mask;
        while (true)
        {
            final long slot = slots[index];
            if (0 == slot)
            {
                return false;
            }
            if (slot == value)
            {
                return true;
            }
            index = (index + 1) & mask;
        }
    }

    private void grow()
    {
        final long[] old = slots;
        slots = new long[old.length << 1];
        mask = slots.length - 1;
        for (final long value : old)
        {
            if (0 != value)
            {
                int index = spread(value) & mask;
                while (0 != slots[index])
                {
                    index = (index + 1) & mask;
                }
                slots[index] = value;
            }
        }
    }

    private static int spread(final long value)
    {
        final long h = value * 0x9E3779B97F4A7C15L;
        return (int)(h ^ (h >>> 32));
    }
}
