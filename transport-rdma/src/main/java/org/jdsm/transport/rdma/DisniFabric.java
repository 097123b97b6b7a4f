package org.jdsm.transport.rdma;

import com.ibm.disni.RdmaEndpoint;
import com.ibm.disni.RdmaEndpointGroup;
import com.ibm.disni.RdmaPassiveEndpointGroup;
import com.ibm.disni.RdmaServerEndpoint;
import com.ibm.disni.verbs.IbvMr;
import com.ibm.disni.verbs.IbvPd;
import com.ibm.disni.verbs.IbvRecvWR;
import com.ibm.disni.verbs.IbvSendWR;
import com.ibm.disni.verbs.IbvWC;
import com.ibm.disni.verbs.RdmaCmId;
import com.ibm.disni.verbs.SVCPollCq;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The only class that calls DiSNI's native code: RDMA-CM endpoints of a {@link RdmaPassiveEndpointGroup} (one CQ
 * per endpoint, polled by the transport's poller, no DiSNI thread per CQ), memory registration with
 * {@code LOCAL_WRITE | REMOTE_READ | REMOTE_WRITE | REMOTE_ATOMIC}, and post/poll calls. Created only after
 * {@link RdmaEnvironment#check()} passed, so libdisni is loadable.
 * <p>
 * Each post builds a DiSNI stateful call ({@code SVCPostSend}) and frees it: DiSNI's call objects could be cached
 * per slot and modified in place, which is left as an optimisation measured on hardware.
 * <p>
 * Owned by one {@link RdmaTransport}. <b>Note:</b> {@link #accept()} runs on the acceptor thread, the rest under
 * the callers' link locks or on the poller, as {@link VerbsConnection} documents; registration is synchronized.
 */
final class DisniFabric implements VerbsFabric
{
    /** Access flags of every registration. */
    static final int ACCESS = IbvMr.IBV_ACCESS_LOCAL_WRITE | IbvMr.IBV_ACCESS_REMOTE_READ |
        IbvMr.IBV_ACCESS_REMOTE_WRITE | IbvMr.IBV_ACCESS_REMOTE_ATOMIC;

    private final RdmaPassiveEndpointGroup<Endpoint> group;
    private final Map<IbvPd, Map<ByteBuffer, MemoryRegistration>> registrations = new IdentityHashMap<>();
    private final List<IbvMr> memoryRegions = new ArrayList<>();
    private final List<Endpoint> endpoints = new ArrayList<>();
    private RdmaServerEndpoint<Endpoint> server;

    DisniFabric(final RdmaTransportContext ctx) throws IOException
    {
        group = new RdmaPassiveEndpointGroup<>(
            (int)Math.min(Integer.MAX_VALUE, ctx.connectTimeoutNs() / 1_000_000), ctx.queueDepth(), 1, ctx.cqSize());
        group.init((cmId, isServerSide) -> new Endpoint(group, cmId, isServerSide));
        group.getConnParam().setInitiator_depth((byte)ctx.readDepth());
        group.getConnParam().setResponder_resources((byte)ctx.readDepth());
        group.getConnParam().setRetry_count((byte)7);
        group.getConnParam().setRnr_retry_count((byte)7);
    }

    /**
     * {@inheritDoc}
     */
    public void listen(final InetSocketAddress address) throws IOException
    {
        try
        {
            server = group.createServerEndpoint();
            server.bind(address, 256);
        }
        catch (final IOException ex)
        {
            throw ex;
        }
        catch (final Exception ex)
        {
            throw new IOException("RDMA-CM bind " + address + " failed: " + ex, ex);
        }
    }

    /**
     * {@inheritDoc}
     */
    public VerbsConnection accept() throws IOException
    {
        final Endpoint endpoint = server.accept();
        synchronized (endpoints)
        {
            endpoints.add(endpoint);
        }
        return endpoint;
    }

    /**
     * {@inheritDoc}
     */
    public VerbsConnection connect(final InetSocketAddress address, final int timeoutMs) throws IOException
    {
        final Endpoint endpoint = group.createEndpoint();
        try
        {
            endpoint.connect(address, timeoutMs);
        }
        catch (final Exception ex)
        {
            endpoint.close();
            throw new IOException("RDMA-CM connect " + address + " failed: " + ex, ex);
        }
        synchronized (endpoints)
        {
            endpoints.add(endpoint);
        }
        return endpoint;
    }

    /**
     * {@inheritDoc}
     */
    public void close()
    {
        synchronized (endpoints)
        {
            for (final Endpoint endpoint : endpoints)
            {
                endpoint.close();
            }
            endpoints.clear();
        }
        synchronized (registrations)
        {
            for (final IbvMr mr : memoryRegions)
            {
                try
                {
                    mr.deregMr().execute().free();
                }
                catch (final IOException ignore)
                {
                    // the endpoint's close already tore the protection domain down
                }
            }
            memoryRegions.clear();
            registrations.clear();
        }
        try
        {
            if (null != server)
            {
                server.close();
            }
            group.close();
        }
        catch (final IOException | InterruptedException ex)
        {
            if (ex instanceof InterruptedException)
            {
                Thread.currentThread().interrupt();
            }
        }
    }

    private MemoryRegistration register(final IbvPd pd, final ByteBuffer buffer) throws IOException
    {
        synchronized (registrations)
        {
            final Map<ByteBuffer, MemoryRegistration> byBuffer =
                registrations.computeIfAbsent(pd, (ignore) -> new IdentityHashMap<>());
            MemoryRegistration registration = byBuffer.get(buffer);
            if (null == registration)
            {
                final IbvMr mr = pd.regMr(buffer, ACCESS).execute().free().getMr();
                memoryRegions.add(mr);
                registration = new MemoryRegistration(mr.getAddr(), mr.getLength(), mr.getLkey(), mr.getRkey());
                byBuffer.put(buffer, registration);
            }
            return registration;
        }
    }

    /**
     * A DiSNI endpoint seen as a {@link VerbsConnection}.
     * <p>
     * <b>Note:</b> as {@link VerbsConnection}: posts under the link's lock, polls on the poller.
     */
    final class Endpoint extends RdmaEndpoint implements VerbsConnection
    {
        private final ArrayList<IbvSendWR> sendList = new ArrayList<>(1);
        private final ArrayList<IbvRecvWR> recvList = new ArrayList<>(1);
        private IbvWC[] pollArray;
        private SVCPollCq pollCall;
        private boolean isClosed;

        Endpoint(final RdmaEndpointGroup<Endpoint> group, final RdmaCmId cmId, final boolean isServerSide)
            throws IOException
        {
            super(group, cmId, isServerSide);
        }

        /**
         * {@inheritDoc}
         */
        public MemoryRegistration register(final ByteBuffer buffer) throws IOException
        {
            return DisniFabric.this.register(getPd(), buffer);
        }

        /**
         * {@inheritDoc}
         */
        public void postSend(final IbvSendWR wr) throws IOException
        {
            sendList.clear();
            sendList.add(wr);
            postSend(sendList).execute().free();
        }

        /**
         * {@inheritDoc}
         */
        public void postRecv(final IbvRecvWR wr) throws IOException
        {
            recvList.clear();
            recvList.add(wr);
            postRecv(recvList).execute().free();
        }

        /**
         * {@inheritDoc}
         */
        public int poll(final IbvWC[] completions) throws IOException
        {
            if (pollArray != completions)
            {
                if (null != pollCall)
                {
                    pollCall.free();
                }
                pollArray = completions;
                pollCall = getCqProvider().getCQ().poll(completions, completions.length);
            }
            return pollCall.execute().getPolls();
        }

        /**
         * {@inheritDoc}
         */
        public String remoteAddress()
        {
            try
            {
                return String.valueOf(getDstAddr());
            }
            catch (final IOException ex)
            {
                return "unknown";
            }
        }

        /**
         * {@inheritDoc}
         */
        public synchronized void close()
        {
            if (isClosed)
            {
                return;
            }
            isClosed = true;
            try
            {
                if (null != pollCall)
                {
                    pollCall.free();
                }
                super.close();
            }
            catch (final IOException ignore)
            {
                // already disconnected by the peer
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
    }
}
