package org.jdsm.coherence;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.jdsm.Codec;
import org.jdsm.DCell;
import org.jdsm.RemoteAccessException;

import java.io.Serializable;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;
import java.util.function.UnaryOperator;

import static org.jdsm.coherence.BlockDescriptor.HEADER_LENGTH;

/**
 * The engine's {@link DCell}. Payload layout of the cell at its home node:
 * <pre>
 *   0: reference count   8: the word: global address (with colour) of the current value's block | flags
 *  16: the cell's read lease in nanoseconds, 0 for none (written once, at creation)
 * </pre>
 * A block's address is 8-byte aligned, so the word's 3 low bits are flags: {@link #LEASABLE} (the cell has a
 * lease; set at creation and carried by every write), {@link #LEASED} (a remote reader may hold a lease on this
 * value) and {@link #PENDING} (a writer waits for the leases to end; no new lease is taken on this value).
 * A value lives in a block of its own, written once before it is published and never changed, on the writer's
 * node. Its global address, colour included, names that one value, so a copy cached under it is current for as
 * long as the cell's word holds that address.
 * <ul>
 *   <li><b>Read</b>: atomic read of the word (a volatile load when the cell is here and its node keeps no backups,
 *       else a fetch-and-add of 0: one round trip of 8 bytes when the cell is remote), then the node's copy cache
 *       by address + colour. On a hit, done: the read is linearized at the word read. A remote cell's word is read
 *       with an indirect read ({@link HeapAccess#readIndirect}) that carries the word whose value this node holds:
 *       when the word changed and names a block at the cell's home, the home answers with that block too, checked
 *       as a validated fetch is, and the miss costs no second round trip (Aeron and the simulated transport, without
 *       backups, a value up to {@link EngineHeap#MAX_INDIRECT_LENGTH} bytes whose length the handle knows within a
 *       quarter). Otherwise, on a miss, the value's block is fetched into the cache (one round trip) and published
 *       only if it is proved the value the word named. Where the block's home checks the block's header before and
 *       after the copy ({@link HeapAccess#readBlockValidated}: Aeron and the simulated transport, without backups),
 *       the same live header with the word's colour is the proof: the header changes when the block is freed,
 *       before it is reused, and a colour never comes back. Elsewhere (RDMA, a node with backups) the word is read
 *       again (a second round trip): a writer frees a block only after swapping the word away from it, and an
 *       address never returns to the word, so an unchanged word proves the block was live and unchanged during the
 *       fetch.
 *       Otherwise the copy is dropped and the read starts over. The fetch needs the value's length: the handle's
 *       guess (a fixed-length codec's, that of the value it made the cell with or read last, or that of the handle
 *       it was shared from or that sent it in a task), else one more round trip reads the block's header first; a
 *       wrong guess fetches again. A value block on the reader's own node is read in place between two
 *       reads of its header (a seqlock: the header's colour changes when the block is freed, before it can be
 *       reused), and read again from the word when the header changed.</li>
 *   <li><b>Write</b>: allocate and fill a block on the writer's node, compare-and-swap the word from the
 *       address last seen (one round trip; again with the witness when another writer got in between), then
 *       free the old block at its home (local, or a message not waited for). Linearized at the swap.</li>
 *   <li><b>Leased read</b> (a cell made with a lease D, {@code jdsm.cell.lease}): a remote reader reads the word
 *       by a compare-and-swap that sets {@link #LEASED} on the value it last saw (one round trip, as the plain
 *       read); if the word it gets is not {@link #PENDING}, the home has promised that value for D from the
 *       request, and the handle reads it without a round trip until D, less {@link #leaseMarginNs a margin for clock
 *       rate drift}, has passed on the reader's clock since it sent the request. A writer that finds the word
 *       {@link #LEASED} sets {@link #PENDING} (no lease is taken from then on), waits D on its own clock, then swaps:
 *       every lease taken on the old value ended before the swap, so a read within a lease is linearized at any
 *       moment of it. No invalidation message is ever sent; the price is the writer's wait, paid by any write to a
 *       value read remotely since the last write.</li>
 * </ul>
 * <p>
 * <b>Note:</b> threadsafe.
 *
 * @param <T> type of the value.
 */
final class CellHandle<T> extends SharedObjectHandle<T> implements DCell<T>
{
    private static final long serialVersionUID = 1L;

    /** Offset in the payload of the word naming the current value's block. */
    static final int VALUE_WORD_OFFSET = 8;
    /** Offset in the payload of the cell's read lease in nanoseconds. */
    static final int LEASE_OFFSET = 16;
    /** Payload length of a cell. */
    static final int LENGTH = 24;

    /** Flag of the word: the cell has a read lease. */
    static final long LEASABLE = 4;
    /** Flag of the word: a remote reader may hold a lease on this value. */
    static final long LEASED = 1;
    /** Flag of the word: a writer waits for this value's leases to end; no new lease is taken on it. */
    static final long PENDING = 2;
    /** The word's flags. */
    static final long FLAGS = LEASABLE | LEASED | PENDING;


    private static final int FILL_PUBLISHED = 0;
    private static final int FILL_MOVED = 1;
    private static final int FILL_WRONG_LENGTH = 2;

    /** Reads through a {@link View}, the first argument. */
    @SuppressWarnings("rawtypes")
    private static final ArgumentView APPLY_VIEW =
        (buffer, offset, length, view, unused) -> ((View)view).apply(buffer, offset, length);

    /** Decodes the value with the codec of the cell, the first argument. */
    @SuppressWarnings("rawtypes")
    private static final ArgumentView DECODE = (buffer, offset, length, cell, unused) ->
    {
        final CellHandle handle = (CellHandle)cell;
        return handle.codec.decode(buffer, offset, length, handle.node.handleContext(null));
    };

    /**
     * The heap segment holding the cell's word when it can be read by a volatile load (the cell is local and its
     * node keeps no backups; a cell never moves), else null; and the word's index in it.
     */
    private final transient UnsafeBuffer wordSegment;
    private final transient int wordIndex;
    private transient volatile long lastSeen;
    private transient volatile int lengthGuess = -1;
    /**
     * The copy of a remote value this handle read last, so that a read of the same value pins it without the cache's
     * lock; only a copy in the cache, filled, and read again only if {@link CacheEntry#tryPin()} succeeds under its key.
     */
    private transient volatile CacheEntry memo;
    /** The cell's lease in nanoseconds, read from its home on first need; -1 until then. */
    private transient volatile long leaseNs = -1;
    /** {@link #LEASABLE} once a word read showed the cell has a lease, else 0. */
    private transient volatile long leasable;
    /** The lease this handle holds on a remote cell's value, made on first use. */
    private transient volatile CellLease lease;

    CellHandle(final HeapAccess node, final Codec<T> codec, final long address)
    {
        this(node, codec, address, codec.fixedLength());
    }

    /**
     * @param lengthGuess the value's length as last seen by another handle on the cell, or -1: a miss with a guess
     *                    fetches at once, without a round trip for the block's header first (a wrong guess costs the
     *                    fetch again, as when the value's length changed).
     */
    private CellHandle(final HeapAccess node, final Codec<T> codec, final long address, final int lengthGuess)
    {
        super(node, codec, address, LENGTH);
        this.wordSegment = node.directWordSegment(address);
        this.wordIndex = null == wordSegment ? -1 : node.indexInSegment(address, VALUE_WORD_OFFSET);
        this.lengthGuess = Math.max(-1, lengthGuess);
    }

    /**
     * Make a cell on a node, holding a first value.
     *
     * @param leaseNs the cell's read lease, 0 for none: checked by the caller.
     */
    static <T> CellHandle<T> create(final HeapAccess node, final Codec<T> codec, final T value, final long leaseNs)
    {
        final long valueBlock = newValueBlock(node, codec, value);
        final long address;
        try
        {
            address = node.allocate(LENGTH);
        }
        catch (final RuntimeException ex)
        {
            node.free(valueBlock);
            throw ex;
        }
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[LENGTH]);
        buffer.putLong(COUNT_OFFSET, 1);
        buffer.putLong(VALUE_WORD_OFFSET, valueBlock | (leaseNs > 0 ? LEASABLE : 0));
        buffer.putLong(LEASE_OFFSET, leaseNs);
        node.writePayload(address, 0, buffer, 0, LENGTH);
        final CellHandle<T> cell = new CellHandle<>(node, codec, address);
        cell.lastSeen = valueBlock;
        cell.lengthGuess = codec.encodedLength(value); // the first guess of the handles shared or sent from it
        cell.leaseNs = leaseNs;
        cell.leasable = leaseNs > 0 ? LEASABLE : 0;

        return cell;
    }

    String kind()
    {
        return "DCell";
    }

    Object token()
    {
        return new CellToken(address, codec, lengthGuess);
    }

    @SuppressWarnings("unchecked")
    public T get()
    {
        checkOpen();
        return (T)read(DECODE, this, null, null, GlobalAddress.NULL);
    }

    @SuppressWarnings("unchecked")
    public <R> R read(final View<R> view)
    {
        checkOpen();
        return (R)read(APPLY_VIEW, view, null, null, GlobalAddress.NULL);
    }

    public <A, B, R> R read(final ArgumentView<A, B, R> view, final A first, final B second)
    {
        checkOpen();
        return read(view, first, second, null, GlobalAddress.NULL);
    }

    public void set(final T value)
    {
        checkOpen();
        final long block = newValueBlock(node, codec, value);
        long expected = lastSeen;
        while (true)
        {
            final long witness = swap(expected, block);
            if (witness == expected)
            {
                break;
            }
            expected = witness;
        }
        lastSeen = block;
        node.free(expected);
    }

    public boolean compareAndSet(final T expected, final T update)
    {
        checkOpen();
        final UnsafeBuffer expectedBytes = new UnsafeBuffer(new byte[codec.encodedLength(expected)]);
        codec.encode(expected, expectedBytes, 0, node.handleContext(null));
        final long[] seen = new long[1];
        long block = GlobalAddress.NULL;
        while (true)
        {
            final boolean isEqual = read((buffer, offset, length, expectedValue, unused) ->
                length == expectedValue.capacity() && equal(buffer, offset, expectedValue, length),
                expectedBytes, null, seen, GlobalAddress.NULL);
            if (!isEqual)
            {
                if (GlobalAddress.NULL != block)
                {
                    node.free(block);
                }
                return false;
            }
            if (GlobalAddress.NULL == block)
            {
                block = newValueBlock(node, codec, update);
            }
            if (swap(seen[0], block) == seen[0])
            {
                lastSeen = block;
                node.free(seen[0]);
                return true;
            }
        }
    }

    public T update(final UnaryOperator<T> function)
    {
        checkOpen();
        final long[] seen = new long[1];
        // start from the last word this handle saw, not a read of the word: when nobody wrote since, the swap
        // succeeds and the update costs one round trip; when somebody did, the swap fails, returns the current
        // word and the next try starts from it, two round trips as with a read first. The swap is the
        // linearization point either way: a block's colour never comes back, so the swap succeeds only while the
        // cell still names the value the function saw
        long hint = lastSeen;
        while (true)
        {
            @SuppressWarnings("unchecked")
            final T current = (T)read(DECODE, this, null, seen, hint);
            final T next = function.apply(current);
            if (next == current)
            {
                // nothing to write: the update is a read, linearized at a read of the word, which a hint is not
                if (GlobalAddress.NULL == hint || readWord(false) == seen[0])
                {
                    return current;
                }
                hint = GlobalAddress.NULL;
                continue;
            }
            final long block = newValueBlock(node, codec, next);
            final long witness = swap(seen[0], block);
            if (witness == seen[0])
            {
                lastSeen = block;
                node.free(seen[0]);
                return next;
            }
            node.free(block);
            hint = witness;
        }
    }

    /**
     * Read the current value, linearized at a read of the word; {@code seen[0]}, when given, is set to the word.
     * A {@code hint} other than {@link GlobalAddress#NULL} is a word seen before, read from instead of the word:
     * the result is then that word's value, not linearized by this read; the caller's swap from {@code seen[0]}
     * decides.
     */
    private <A, B, R> R read(
        final ArgumentView<A, B, R> view, final A first, final B second, final long[] seen, final long hint)
    {
        // a read whose word the caller swaps from (seen given) takes no lease: its own swap would wait for it
        final boolean lease = null == seen;
        // a remote word read that also brings the value it names when that changed, where the home can follow it
        UnsafeBuffer followed = null;
        final int maxIndirect = node.maxIndirectLength();
        final int guess = lengthGuess;
        int followedPayload = 0;
        long followedWord = GlobalAddress.NULL;
        long word;
        if (GlobalAddress.NULL != hint)
        {
            word = hint;
        }
        else if (null == wordSegment && guess >= 0 && guess < maxIndirect && !(lease && 0 != leasable) &&
            !node.isLocal(address))
        {
            final UnsafeBuffer buffer = node.indirectBuffer();
            followedPayload = indirectPayload(guess, maxIndirect);
            if (node.readIndirect(address, VALUE_WORD_OFFSET, expectedWord(), buffer, followedPayload))
            {
                followed = buffer;
            }
            word = recordWord(learnFlags(buffer.getLong(0)));
            followedWord = word;
        }
        else
        {
            word = readWord(lease);
        }
        while (true)
        {
            if (node.isLocal(word))
            {
                // read in place between two reads of the block's header, a seqlock whose sequence is the header: a
                // block's colour changes when it is freed, before it can be reused, and never comes back, so the
                // same live header before and after the view ran means the block held this value throughout
                // the heap's own segment, no view wrapped: the block lies in it, its header just before the payload
                final UnsafeBuffer segment = node.localSegment(word);
                final int payloadIndex = node.indexInSegment(word, 0);
                // acquire: pairs with the allocator's release of the header (the payload written before it is
                // visible). The word names only blocks allocated here, and a block start stays one: no bitmap check
                final long header = segment.getLongAcquire(payloadIndex - HEADER_LENGTH);
                if (BlockDescriptor.state(header) == BlockDescriptor.STATE_LIVE &&
                    BlockDescriptor.colour(header) == GlobalAddress.colour(word))
                {
                    R result = null;
                    RuntimeException failure = null;
                    try
                    {
                        result = view.apply(segment, payloadIndex, BlockDescriptor.length(header), first, second);
                    }
                    catch (final RuntimeException ex)
                    {
                        failure = ex;
                    }
                    // the view's loads happen before the header's second read (LoadLoad), as a seqlock reader's
                    VarHandle.acquireFence();
                    if (segment.getLongAcquire(payloadIndex - HEADER_LENGTH) == header)
                    {
                        if (null != failure)
                        {
                            throw failure;
                        }
                        if (null != seen)
                        {
                            seen[0] = word;
                        }
                        return result;
                    }
                }
                word = readWord(lease);
                continue;
            }

            final long key = node.cacheKey(word);
            CacheEntry entry = memo;
            if (null != entry && entry.key == key && entry.tryPin())
            {
                // the copy read last: a key is never reused and an evicted copy can not be pinned, so no lookup
                node.liveCounters().increment(Counters.CACHE_HITS);
            }
            else if (null != (entry = node.copyCache().lookup(key)))
            {
                node.liveCounters().increment(Counters.CACHE_HITS);
                memo = entry;
            }
            else
            {
                // a block that came with the word (taken once, and only for that word): its header, checked at its
                // home, gives its length, and when the copy holds all of it, its value
                final UnsafeBuffer copy = followed;
                followed = null;
                final int copied = null == copy || word != followedWord ?
                    -1 : checkHeader(word, copy.getLong(Long.BYTES));
                final boolean whole = copied >= 0 && copied <= followedPayload;
                final int length = copied >= 0 ? copied : lengthGuess >= 0 ? lengthGuess : remoteLength(word);
                if (length < 0)
                {
                    word = readWord(lease);
                    continue;
                }
                entry = node.copyCache().insert(key, length);
                if (!entry.isFilled())
                {
                    final int filled = whole ? fillFrom(entry, length, copy) : fill(entry, word, length, lease);
                    if (FILL_MOVED == filled)
                    {
                        word = readWord(lease);
                        continue;
                    }
                    if (FILL_WRONG_LENGTH == filled)
                    {
                        continue;
                    }
                }
                if (SizeClassAllocator.NO_SPACE != entry.arenaOffset)
                {
                    memo = entry; // not a private copy, which is gone once unpinned
                }
            }

            if (null != seen)
            {
                seen[0] = word;
            }
            try
            {
                final UnsafeBuffer payload = entry.payload();
                if (lengthGuess != payload.capacity())
                {
                    lengthGuess = payload.capacity(); // a volatile write only on a change: readers share the handle
                }
                return view.apply(payload, 0, payload.capacity(), first, second);
            }
            finally
            {
                entry.unpin();
            }
        }
    }

    /**
     * Fetch a value block into a new cache entry and publish it if it is proved the value the word named: checked
     * by its home during the copy, or else the word still names the block afterwards.
     *
     * @return {@link #FILL_PUBLISHED} (the entry stays pinned), or the entry was dropped: {@link #FILL_MOVED} when
     * the word moved on, {@link #FILL_WRONG_LENGTH} when the guessed length was wrong (the guess is corrected).
     */
    private int fill(final CacheEntry entry, final long word, final int length, final boolean lease)
    {
        final CopyCache cache = node.copyCache();
        final boolean validated;
        final int fetchedLength;
        try
        {
            validated = node.readBlockValidated(word, entry.fetchBuffer, 0, HEADER_LENGTH + length);
            fetchedLength = checkHeader(word, entry.fetchBuffer.getLong(0));
        }
        catch (final RuntimeException ex)
        {
            cache.abandon(entry);
            throw ex;
        }
        if (fetchedLength < 0)
        {
            cache.abandon(entry);
            return FILL_MOVED;
        }
        if (fetchedLength != length)
        {
            cache.abandon(entry);
            lengthGuess = fetchedLength;
            return FILL_WRONG_LENGTH;
        }
        if (!validated)
        {
            // a block is freed only after the word moved away from it, and its address never returns to the word
            final long wordAfter;
            try
            {
                wordAfter = readWord(lease);
            }
            catch (final RuntimeException ex)
            {
                // neither published nor abandoned, the entry would hold every later reader of this value for ever
                // (they wait for its filler): e.g. the word's slice being handed over past the operation timeout
                cache.abandon(entry);
                throw ex;
            }
            if (wordAfter != word)
            {
                cache.abandon(entry);
                return FILL_MOVED;
            }
        }
        cache.publish(entry);
        node.liveCounters().increment(Counters.CACHE_MISSES);
        node.liveCounters().add(Counters.BYTES_FETCHED, length);

        return FILL_PUBLISHED;
    }

    /**
     * The word an indirect read expects, whose value it does not bring back: the last seen, when this node holds its
     * value (this handle's last copy, or a block of this node); else none, so that the home sends the value the word
     * names even when it did not change (a handle that came in a task, or whose copy was evicted).
     */
    private long expectedWord()
    {
        final long seen = lastSeen;
        final CacheEntry entry = memo;
        return (null != entry && entry.key == node.cacheKey(seen)) || node.isLocal(seen) ?
            seen | leasable : GlobalAddress.NULL;
    }

    /**
     * The payload an indirect read asks for: the length guessed, with room for a value somewhat longer than the last
     * (a quarter more and 64 bytes), so that a value whose length changed a little still comes with its word.
     */
    private static int indirectPayload(final int guess, final int maxIndirect)
    {
        return Math.min(maxIndirect, guess + (guess >> 2) + 64);
    }

    /**
     * Publish a value block that came whole with the word in one indirect read ({@link HeapAccess#readIndirect}),
     * checked at its home as a validated fetch is: the same live header, with the word's colour, before and after the
     * copy ({@link #checkHeader}).
     *
     * @param copy the thread's indirect buffer: the word, then the block's header and payload.
     * @return {@link #FILL_PUBLISHED}.
     */
    private int fillFrom(final CacheEntry entry, final int length, final UnsafeBuffer copy)
    {
        final CopyCache cache = node.copyCache();
        entry.fetchBuffer.putBytes(0, copy, Long.BYTES, HEADER_LENGTH + length);
        cache.publish(entry);
        node.liveCounters().increment(Counters.CACHE_MISSES);
        node.liveCounters().add(Counters.BYTES_FETCHED, length);

        return FILL_PUBLISHED;
    }

    public DCell<T> share()
    {
        addReference();
        final CellHandle<T> shared = new CellHandle<>(node, codec, address, lengthGuess);
        shared.lastSeen = lastSeen;

        return shared;
    }

    void dropReference()
    {
        if (node.fetchAdd(address, COUNT_OFFSET, -1) == 1)
        {
            node.free(node.atomicRead(address, VALUE_WORD_OFFSET) & ~FLAGS);
            node.free(address);
        }
    }

    /**
     * The word naming the current value's block, read atomically ({@link HeapAccess#atomicRead}: a volatile load
     * when the cell is here and unreplicated, else a fetch-and-add of 0, one round trip when remote). Remembered
     * as the last address seen, the expected value of the next swap: a hint (a swap from a stale one fails and
     * returns the current word), stored only when it changed, so readers on many threads do not write the
     * handle's cache line.
     *
     * @param lease whether a remote cell with a lease is read through this handle's lease ({@link #readLeasedWord}):
     *              not for a word the caller swaps from, whose swap would wait for the lease its read took.
     * @return the word, flags cleared.
     */
    private long readWord(final boolean lease)
    {
        // pairs with the volatile CAS and fetch-add on the word, as atomicRead's volatile load does
        final UnsafeBuffer segment = wordSegment;
        final long word;
        if (null != segment)
        {
            word = segment.getLongVolatile(wordIndex) & ~FLAGS;
        }
        else if (lease && 0 != leasable && !node.isLocal(address))
        {
            word = readLeasedWord();
        }
        else
        {
            word = learnFlags(node.atomicRead(address, VALUE_WORD_OFFSET));
        }

        return recordWord(word);
    }

    /**
     * A word just read, flags cleared, remembered as the last seen (stored only when it changed, so readers on many
     * threads do not write the handle's cache line).
     */
    private long recordWord(final long word)
    {
        if (GlobalAddress.NULL == word)
        {
            throw new RemoteAccessException(describe() + " holds no value: freed, or not a cell");
        }
        if (lastSeen != word)
        {
            lastSeen = word;
        }

        return word;
    }

    /**
     * The word of a remote cell that has a lease: the leased one while this handle's lease lasts, no round trip;
     * else read by a compare-and-swap that sets {@link #LEASED} on the value last seen (one round trip), leased when
     * the word it returns is not {@link #PENDING}.
     *
     * @return the word, flags cleared.
     */
    private long readLeasedWord()
    {
        final long startNs = System.nanoTime();
        CellLease lease = this.lease;
        if (null == lease)
        {
            lease = new CellLease();
            this.lease = lease;
        }
        final long leased = lease.word(startNs);
        if (GlobalAddress.NULL != leased)
        {
            node.liveCounters().increment(Counters.LEASED_READS);
            return leased;
        }

        final long seen = lastSeen | LEASABLE;
        final long raw = node.compareAndSwap(address, VALUE_WORD_OFFSET, seen, seen | LEASED);
        final long word = learnFlags(raw);
        if (raw == seen || (raw & (LEASED | PENDING)) == LEASED)
        {
            final long leaseNs = leaseNs();
            lease.record(word, startNs + leaseNs - leaseMarginNs(leaseNs));
        }

        return word;
    }

    /**
     * How much earlier than its home's promise a reader ends its lease: a sixty-fourth of the lease plus 10 us, far
     * more than the difference between two clocks' rates over the lease (crystal drift and NTP's slew are within
     * 0.05%). The reader times its lease from before it sent the request, the writer its wait from after it saw
     * {@link #PENDING} set, which is after the home answered the reader: the lease ends first in real time.
     *
     * @param leaseNs the cell's lease.
     * @return the margin.
     */
    static long leaseMarginNs(final long leaseNs)
    {
        return (leaseNs >> 6) + 10_000L;
    }

    /**
     * Note the cell's {@link #LEASABLE} flag from a word read from its home.
     *
     * @return the word, flags cleared.
     */
    private long learnFlags(final long raw)
    {
        if (0 != (raw & LEASABLE) && 0 == leasable)
        {
            leasable = LEASABLE;
        }

        return raw & ~FLAGS;
    }

    /**
     * @return the cell's lease, read once from its home (a round trip when remote).
     */
    private long leaseNs()
    {
        long leaseNs = this.leaseNs;
        if (leaseNs < 0)
        {
            leaseNs = node.atomicRead(address, LEASE_OFFSET);
            this.leaseNs = leaseNs;
        }

        return leaseNs;
    }

    /**
     * Swap the word from the value {@code expected} (flags cleared) to {@code block}. A value that remote readers
     * may have leased is swapped only after its leases ended: the word is marked {@link #PENDING}, then this thread
     * waits the cell's lease.
     *
     * @return {@code expected} if swapped, else the current word (flags cleared).
     */
    private long swap(final long expected, final long block)
    {
        final long assumed = expected | leasable; // the word when nobody leased or wrote the value since
        long raw = node.compareAndSwap(address, VALUE_WORD_OFFSET, assumed, block | leasable);
        if (raw == assumed)
        {
            return expected;
        }
        while (true)
        {
            if ((raw & ~FLAGS) != expected)
            {
                return learnFlags(raw);
            }
            learnFlags(raw);
            // a lease is taken only on a word marked LEASED, and the mark stays until the value is swapped: a swap
            // from an unmarked word replaces a value nobody leased, one from a marked word waits for its leases
            if (0 != (raw & (LEASED | PENDING)))
            {
                if (0 == (raw & PENDING))
                {
                    final long marked = raw | PENDING;
                    final long witness = node.compareAndSwap(address, VALUE_WORD_OFFSET, raw, marked);
                    if (witness != raw)
                    {
                        raw = witness;
                        continue;
                    }
                    raw = marked;
                }
                awaitLeasesEnd();
            }
            final long witness = node.compareAndSwap(address, VALUE_WORD_OFFSET, raw, block | (raw & LEASABLE));
            if (witness == raw)
            {
                return expected;
            }
            raw = witness;
        }
    }

    /**
     * Wait the cell's lease after seeing its word {@link #PENDING}: every lease taken on the value before the mark
     * has ended when this returns.
     */
    private void awaitLeasesEnd()
    {
        final long leaseNs = leaseNs();
        final long endNs = System.nanoTime() + leaseNs;
        node.liveCounters().increment(Counters.LEASE_WAITS);
        long leftNs = leaseNs;
        while (leftNs > 0)
        {
            LockSupport.parkNanos(this, leftNs);
            leftNs = endNs - System.nanoTime();
        }
    }

    private int remoteLength(final long word)
    {
        final UnsafeBuffer header = new UnsafeBuffer(new byte[HEADER_LENGTH]);
        node.readPayload(word, -HEADER_LENGTH, header, 0, HEADER_LENGTH);

        return checkHeader(word, header.getLong(0));
    }

    /**
     * Whether a copy's header proves it the value a word named: live, with the word's colour.
     *
     * @param word   the cell's word, flags cleared.
     * @param header of the copy: 0 when its home saw it change during the copy.
     * @return the value's length, or -1 when the block was freed (and perhaps reused) since the word was read.
     */
    static int checkHeader(final long word, final long header)
    {
        if (BlockDescriptor.state(header) != BlockDescriptor.STATE_LIVE ||
            BlockDescriptor.colour(header) != GlobalAddress.colour(word))
        {
            // freed since the word was read: the caller's next word read finds the new value
            return -1;
        }

        return BlockDescriptor.length(header);
    }

    private static <T> long newValueBlock(final HeapAccess node, final Codec<T> codec, final T value)
    {
        final int length = codec.encodedLength(value);
        final long block = node.allocate(length);
        try
        {
            node.writeInitial(block, length, codec, value);
        }
        catch (final RuntimeException ex)
        {
            node.free(block);
            throw ex;
        }

        return block;
    }

    private static boolean equal(
        final DirectBuffer buffer, final int offset, final DirectBuffer expected, final int length)
    {
        for (int i = 0; i < length; i++)
        {
            if (buffer.getByte(offset + i) != expected.getByte(i))
            {
                return false;
            }
        }

        return true;
    }

    /**
     * A count of a cell given to a task or its result.
     */
    static final class CellToken implements Serializable
    {
        private static final long serialVersionUID = 1L;
        final long address;
        final Codec<?> codec;
        /** The value's length as the sending handle last saw it, or -1: the receiving handle's first guess. */
        final int lengthGuess;

        CellToken(final long address, final Codec<?> codec, final int lengthGuess)
        {
            this.address = address;
            this.codec = codec;
            this.lengthGuess = lengthGuess;
        }

        private Object readResolve()
        {
            final TaskScope scope = TaskScope.current("a DCell");
            final CellHandle<?> handle = new CellHandle<>(scope.node, codec, address, lengthGuess);
            scope.onTaskEnd(handle::dropIfOpen);
            return handle;
        }
    }
}
