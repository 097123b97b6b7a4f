package org.jdsm.transport.aeron;

import org.jdsm.DsmException;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;

/**
 * The challenge–response proof of the cluster secret: a node proves it knows the secret by returning
 * {@code HMAC-SHA256(secret, "jdsm-aeron-proof" | prover | verifier | verifier's nonce | prover's session | prover's
 * heap capacity)} for a fresh nonce the verifier drew from {@link SecureRandom}. Binding the prover's Aeron session
 * and heap descriptor into the MAC means a proof can not be replayed on another session or to another node.
 * <p>
 * Without a cluster secret (allowed only over IPC and loopback UDP) the key is a fixed, public one: the handshake
 * still runs, but proves nothing.
 * <p>
 * <b>Note:</b> not threadsafe; owned by the duty-cycle thread (nonces are drawn at construction).
 */
final class Authenticator
{
    private static final byte[] LABEL = "jdsm-aeron-proof".getBytes(StandardCharsets.US_ASCII);
    private static final String NO_SECRET_KEY = "jdsm-aeron-no-cluster-secret";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Mac mac;
    private final ByteBuffer input = ByteBuffer.allocate(LABEL.length + 4 + 4 + FrameDescriptor.NONCE_LENGTH + 4 + 8)
        .order(ByteOrder.LITTLE_ENDIAN);
    private final byte[] expected = new byte[FrameDescriptor.PROOF_LENGTH];

    Authenticator(final String clusterSecret)
    {
        try
        {
            mac = Mac.getInstance("HmacSHA256");
            final String secret = null == clusterSecret ? NO_SECRET_KEY : clusterSecret;
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        }
        catch (final GeneralSecurityException ex)
        {
            throw new DsmException("HmacSHA256 unavailable: " + ex, ex);
        }
    }

    /**
     * @return a fresh nonce from {@link SecureRandom}.
     */
    static byte[] newNonce()
    {
        final byte[] nonce = new byte[FrameDescriptor.NONCE_LENGTH];
        RANDOM.nextBytes(nonce);
        return nonce;
    }

    /**
     * Compute a proof into a destination array.
     *
     * @param prover       node id.
     * @param verifier     node id.
     * @param nonce        the verifier's nonce.
     * @param proverSession Aeron session of the prover's publication.
     * @param heapCapacity of the prover.
     * @param dst          of {@link FrameDescriptor#PROOF_LENGTH} bytes.
     */
    void prove(
        final int prover,
        final int verifier,
        final byte[] nonce,
        final int proverSession,
        final long heapCapacity,
        final byte[] dst)
    {
        input.clear();
        input.put(LABEL).putInt(prover).putInt(verifier).put(nonce).putInt(proverSession).putLong(heapCapacity);
        mac.update(input.array(), 0, input.position());
        try
        {
            mac.doFinal(dst, 0);
        }
        catch (final GeneralSecurityException ex)
        {
            throw new DsmException("HmacSHA256 failed: " + ex, ex);
        }
    }

    /**
     * Check a proof in constant time.
     *
     * @param prover       node id.
     * @param verifier     node id.
     * @param nonce        the verifier's nonce.
     * @param proverSession Aeron session the proof arrived on.
     * @param heapCapacity the prover claims.
     * @param proof        received.
     * @return true if it matches.
     */
    boolean verify(
        final int prover,
        final int verifier,
        final byte[] nonce,
        final int proverSession,
        final long heapCapacity,
        final byte[] proof)
    {
        prove(prover, verifier, nonce, proverSession, heapCapacity, expected);
        return MessageDigest.isEqual(expected, proof);
    }
}
