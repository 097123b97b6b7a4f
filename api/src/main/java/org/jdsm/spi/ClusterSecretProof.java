package org.jdsm.spi;

import org.jdsm.DsmException;

import javax.crypto.Mac;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;

/**
 * The one proof of the cluster secret every transport uses: {@code HMAC-SHA256(key, message)}, where the key is the
 * cluster secret ({@code jdsm.cluster.secret}, UTF-8) and the message is built by the transport from its own
 * handshake (which nodes, which nonce or connection, a label naming the transport), so a proof for one transport,
 * pair of nodes or session is worth nothing for another. The transport keeps its wire format: what goes into the
 * message, and what it sends when no secret is set, is its own; the MAC, the constant-time check and the nonces are
 * here.
 * <p>
 * Proving into a caller's array and verifying allocate nothing.
 * <p>
 * <b>Note:</b> not threadsafe (one {@link Mac}); owned by the thread that runs the transport's handshake. The static
 * methods are threadsafe.
 */
public final class ClusterSecretProof
{
    /** Length of a proof in bytes: an HMAC-SHA256. */
    public static final int PROOF_LENGTH = 32;

    private static final String ALGORITHM = "HmacSHA256";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Mac mac;
    private final byte[] expected = new byte[PROOF_LENGTH];

    /**
     * A proof keyed with a secret.
     *
     * @param key the cluster secret, or the transport's fixed public key when the cluster has none.
     * @throws IllegalArgumentException if the key is null or empty.
     * @throws DsmException if HMAC-SHA256 is unavailable in this JVM.
     */
    public ClusterSecretProof(final String key)
    {
        if (null == key || key.isEmpty())
        {
            throw new IllegalArgumentException("cluster secret proof key must not be " + (null == key ? "null" :
                "empty"));
        }
        try
        {
            mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), ALGORITHM));
        }
        catch (final GeneralSecurityException ex)
        {
            throw new DsmException(ALGORITHM + " unavailable: " + ex, ex);
        }
    }

    /**
     * Compute the proof of a message into a destination array.
     *
     * @param message   bytes of the message.
     * @param offset    of the message in the array.
     * @param length    of the message.
     * @param dst       to write {@link #PROOF_LENGTH} bytes into.
     * @param dstOffset at which to write.
     */
    public void prove(final byte[] message, final int offset, final int length, final byte[] dst, final int dstOffset)
    {
        mac.update(message, offset, length);
        try
        {
            mac.doFinal(dst, dstOffset);
        }
        catch (final ShortBufferException ex)
        {
            throw new IllegalArgumentException("proof needs " + PROOF_LENGTH + " bytes at dstOffset=" + dstOffset +
                " of dst length=" + dst.length, ex);
        }
    }

    /**
     * Compute the proof of a whole message into a new array (for handshakes that run once per connection).
     *
     * @param message bytes of the message.
     * @return {@link #PROOF_LENGTH} bytes.
     */
    public byte[] prove(final byte[] message)
    {
        final byte[] proof = new byte[PROOF_LENGTH];
        prove(message, 0, message.length, proof, 0);
        return proof;
    }

    /**
     * Check a received proof of a message, in constant time.
     *
     * @param message bytes of the message, as the verifier builds it.
     * @param offset  of the message in the array.
     * @param length  of the message.
     * @param proof   received, of {@link #PROOF_LENGTH} bytes.
     * @return true if it matches.
     */
    public boolean verify(final byte[] message, final int offset, final int length, final byte[] proof)
    {
        prove(message, offset, length, expected, 0);
        return matches(expected, proof);
    }

    /**
     * Compare two proofs in constant time.
     *
     * @param expected proof.
     * @param actual   proof.
     * @return true if equal.
     */
    public static boolean matches(final byte[] expected, final byte[] actual)
    {
        return MessageDigest.isEqual(expected, actual);
    }

    /**
     * @param length in bytes.
     * @return a fresh nonce from {@link SecureRandom}.
     */
    public static byte[] newNonce(final int length)
    {
        final byte[] nonce = new byte[length];
        RANDOM.nextBytes(nonce);
        return nonce;
    }
}
