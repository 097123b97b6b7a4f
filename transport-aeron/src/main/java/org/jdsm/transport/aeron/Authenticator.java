package org.jdsm.transport.aeron;

import org.jdsm.spi.ClusterSecretProof;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

/**
 * The Aeron transport's message for the challenge–response proof of the cluster secret: a node proves it knows the
 * secret by returning the {@link ClusterSecretProof} (HMAC-SHA256 under the secret) of {@code "jdsm-aeron-proof" |
 * prover | verifier | verifier's nonce | prover's session | prover's heap capacity} (ids, session and capacity
 * little-endian) for a fresh nonce the verifier drew from {@link SecureRandom}. Binding the prover's Aeron session and
 * heap descriptor into the MAC means a proof can not be replayed on another session or to another node.
 * <p>
 * Without a cluster secret (allowed only over IPC and loopback UDP) the key is a fixed, public one: the handshake
 * still runs, but proves nothing.
 * <p>
 * <b>Note:</b> not threadsafe; owned by the duty-cycle thread.
 */
final class Authenticator
{
    private static final byte[] LABEL = "jdsm-aeron-proof".getBytes(StandardCharsets.US_ASCII);
    private static final String NO_SECRET_KEY = "jdsm-aeron-no-cluster-secret";

    private final ClusterSecretProof proof;
    private final ByteBuffer input = ByteBuffer.allocate(
        LABEL.length + 4 + 4 + AeronFrameDescriptor.NONCE_LENGTH + 4 + 8).order(ByteOrder.LITTLE_ENDIAN);

    Authenticator(final String clusterSecret)
    {
        proof = new ClusterSecretProof(null == clusterSecret ? NO_SECRET_KEY : clusterSecret);
    }

    /**
     * @return a fresh nonce from {@link SecureRandom}.
     */
    static byte[] newNonce()
    {
        return ClusterSecretProof.newNonce(AeronFrameDescriptor.NONCE_LENGTH);
    }

    /**
     * Compute a proof into a destination array.
     *
     * @param prover        node id.
     * @param verifier      node id.
     * @param nonce         the verifier's nonce.
     * @param proverSession Aeron session of the prover's publication.
     * @param heapCapacity  of the prover.
     * @param dst           of {@link AeronFrameDescriptor#PROOF_LENGTH} bytes.
     */
    void prove(
        final int prover,
        final int verifier,
        final byte[] nonce,
        final int proverSession,
        final long heapCapacity,
        final byte[] dst)
    {
        message(prover, verifier, nonce, proverSession, heapCapacity);
        proof.prove(input.array(), 0, input.position(), dst, 0);
    }

    /**
     * Check a proof in constant time.
     *
     * @param prover        node id.
     * @param verifier      node id.
     * @param nonce         the verifier's nonce.
     * @param proverSession Aeron session the proof arrived on.
     * @param heapCapacity  the prover claims.
     * @param received      proof.
     * @return true if it matches.
     */
    boolean verify(
        final int prover,
        final int verifier,
        final byte[] nonce,
        final int proverSession,
        final long heapCapacity,
        final byte[] received)
    {
        message(prover, verifier, nonce, proverSession, heapCapacity);
        return proof.verify(input.array(), 0, input.position(), received);
    }

    private void message(
        final int prover, final int verifier, final byte[] nonce, final int proverSession, final long heapCapacity)
    {
        input.clear();
        input.put(LABEL).putInt(prover).putInt(verifier).put(nonce).putInt(proverSession).putLong(heapCapacity);
    }
}
