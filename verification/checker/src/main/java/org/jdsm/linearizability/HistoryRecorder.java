package org.jdsm.linearizability;

import org.jdsm.DBox;
import org.jdsm.Mut;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Records a {@link History} from many clients at once. Each client (a thread, or a task looping on a node) takes
 * its own {@link Client} log and appends to it with no lock and no allocation past array growth: call
 * {@link Client#invoke} just before the operation starts and {@link Client#ok} just after it returns. An operation
 * that never gets a response stays pending; one known to have had no effect is dropped with {@link Client#fail}.
 * <p>
 * Timestamps come from one {@link LongSupplier} clock shared by every client: {@link System#nanoTime()} inside one
 * JVM (or one host), or a {@link #logicalClock() logical clock}. Clients in other processes can record their own
 * histories with the same clock and ship them as {@link History#toText()}.
 * <p>
 * <b>Note:</b> {@link #client(int)} and {@link #history()} are threadsafe; a {@link Client} has a single writer,
 * and {@link #history()} sees its operations only once its writer's appends happen-before the call (the writer
 * thread joined, or the task's future completed).
 */
public final class HistoryRecorder
{
    private final LongSupplier clock;
    private final List<Client> clients = new CopyOnWriteArrayList<>();

    /**
     * @param clock shared by every client; its values order invocations and responses in real time.
     */
    public HistoryRecorder(final LongSupplier clock)
    {
        this.clock = clock;
    }

    /**
     * A recorder timed by {@link System#nanoTime()}.
     *
     * @return the recorder.
     */
    public static HistoryRecorder withNanoClock()
    {
        return new HistoryRecorder(System::nanoTime);
    }

    /**
     * A clock that counts events: each reading is greater than every reading before it, on any thread.
     *
     * @return the clock.
     */
    public static LongSupplier logicalClock()
    {
        final AtomicLong ticks = new AtomicLong();
        return ticks::incrementAndGet;
    }

    /**
     * A new log for one client.
     *
     * @param clientId of the client, shown in counter-examples.
     * @return the log, for one writer thread at a time.
     */
    public Client client(final int clientId)
    {
        final Client client = new Client(clientId, clock);
        clients.add(client);
        return client;
    }

    /**
     * The operations of every client so far, with ids assigned by invocation time.
     *
     * @return the history.
     */
    public History history()
    {
        final List<Op> ops = new ArrayList<>();
        for (final Client client : clients)
        {
            client.collect(ops);
        }
        ops.sort((a, b) ->
        {
            final int byTime = Long.compare(a.invocationTime(), b.invocationTime());
            return 0 != byTime ? byTime : Integer.compare(a.clientId(), b.clientId());
        });
        final List<Op> numbered = new ArrayList<>(ops.size());
        for (int i = 0; i < ops.size(); i++)
        {
            numbered.add(ops.get(i).withId(i));
        }

        return new History(numbered);
    }

    /**
     * One client's log of operations.
     * <p>
     * <b>Note:</b> NOT threadsafe: one writer at a time, see {@link HistoryRecorder}.
     */
    public static final class Client
    {
        private static final long DROPPED = Long.MIN_VALUE;
        private final int clientId;
        private final LongSupplier clock;
        private int size;
        private String[] keys = new String[64];
        private OpKind[] kinds = new OpKind[64];
        private long[] arguments = new long[64];
        private long[] arguments2 = new long[64];
        private long[] invocations = new long[64];
        private long[] responses = new long[64];
        private long[] results = new long[64];

        Client(final int clientId, final LongSupplier clock)
        {
            this.clientId = clientId;
            this.clock = clock;
        }

        /**
         * @return the client id.
         */
        public int clientId()
        {
            return clientId;
        }

        /**
         * Record the invocation of an operation with one argument, timestamped now.
         *
         * @param key      of the object.
         * @param kind     of operation.
         * @param argument first argument.
         * @return the operation's slot, for {@link #ok(int, long)}.
         */
        public int invoke(final String key, final OpKind kind, final long argument)
        {
            return invoke(key, kind, argument, 0);
        }

        /**
         * Record the invocation of an operation, timestamped now.
         *
         * @param key       of the object.
         * @param kind      of operation.
         * @param argument  first argument.
         * @param argument2 second argument.
         * @return the operation's slot, for {@link #ok(int, long)}.
         */
        public int invoke(final String key, final OpKind kind, final long argument, final long argument2)
        {
            if (size == keys.length)
            {
                grow();
            }
            final int slot = size++;
            keys[slot] = key;
            kinds[slot] = kind;
            arguments[slot] = argument;
            arguments2[slot] = argument2;
            responses[slot] = Op.PENDING;
            invocations[slot] = clock.getAsLong();

            return slot;
        }

        /**
         * Record the response of an operation, timestamped now.
         *
         * @param slot   from {@link #invoke}.
         * @param result of the operation.
         */
        public void ok(final int slot, final long result)
        {
            final long now = clock.getAsLong();
            results[slot] = result;
            responses[slot] = now;
        }

        /**
         * Record the response of an operation with no result, timestamped now.
         *
         * @param slot from {@link #invoke}.
         */
        public void ok(final int slot)
        {
            ok(slot, 0);
        }

        /**
         * Write a register through an exclusive borrow of its box, recorded as a {@code WRITE} of {@code value}
         * that takes as long as the borrow.
         *
         * @param key   of the register.
         * @param box   holding it.
         * @param value to write.
         */
        public void write(final String key, final DBox<Long> box, final long value)
        {
            final int slot = invoke(key, OpKind.WRITE, value);
            try (Mut<Long> mut = box.write())
            {
                mut.setLong(value);
            }
            ok(slot);
        }

        /**
         * Drop an operation known to have had no effect (it failed before touching the object).
         *
         * @param slot from {@link #invoke}.
         */
        public void fail(final int slot)
        {
            responses[slot] = DROPPED;
        }

        /**
         * Number of operations recorded, dropped ones included.
         *
         * @return the count.
         */
        public int size()
        {
            return size;
        }

        void collect(final List<Op> ops)
        {
            for (int i = 0; i < size; i++)
            {
                if (DROPPED != responses[i])
                {
                    ops.add(new Op(0, clientId, keys[i], kinds[i], arguments[i], arguments2[i], invocations[i],
                        responses[i], results[i]));
                }
            }
        }

        private void grow()
        {
            final int length = keys.length * 2;
            keys = Arrays.copyOf(keys, length);
            kinds = Arrays.copyOf(kinds, length);
            arguments = Arrays.copyOf(arguments, length);
            arguments2 = Arrays.copyOf(arguments2, length);
            invocations = Arrays.copyOf(invocations, length);
            responses = Arrays.copyOf(responses, length);
            results = Arrays.copyOf(results, length);
        }
    }
}
