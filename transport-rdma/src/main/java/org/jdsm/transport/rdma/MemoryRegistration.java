package org.jdsm.transport.rdma;

/**
 * A buffer registered with the NIC: its address, length and keys.
 * <p>
 * Owned by the {@link VerbsFabric} that registered it, which deregisters it on close. <b>Note:</b> immutable, so
 * threadsafe.
 */
final class MemoryRegistration
{
    private final long address;
    private final long length;
    private final int lkey;
    private final int rkey;

    MemoryRegistration(final long address, final long length, final int lkey, final int rkey)
    {
        this.address = address;
        this.length = length;
        this.lkey = lkey;
        this.rkey = rkey;
    }

    long address()
    {
        return address;
    }

    long length()
    {
        return length;
    }

    int lkey()
    {
        return lkey;
    }

    int rkey()
    {
        return rkey;
    }

    boolean contains(final long address, final int length)
    {
        return address >= this.address && address + length <= this.address + this.length;
    }
}
