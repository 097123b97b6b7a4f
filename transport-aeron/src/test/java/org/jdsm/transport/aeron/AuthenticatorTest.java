package org.jdsm.transport.aeron;

import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Aeron transport's proof keeps its wire format on the shared {@link org.jdsm.spi.ClusterSecretProof}: the HMAC of
 * the documented message, byte for byte, with the secret or the public no-secret key.
 */
class AuthenticatorTest
{
    private static final byte[] NONCE = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private static byte[] documentedProof(final String key) throws Exception
    {
        final ByteBuffer message = ByteBuffer.allocate(16 + 4 + 4 + 16 + 4 + 8).order(ByteOrder.LITTLE_ENDIAN)
            .put("jdsm-aeron-proof".getBytes(StandardCharsets.US_ASCII)).putInt(2).putInt(5).put(NONCE)
            .putInt(-77).putLong(1L << 33);
        final Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return mac.doFinal(message.array());
    }

    @Test
    void shouldProveTheDocumentedMessageUnderTheSecret() throws Exception
    {
        final byte[] proof = new byte[AeronFrameDescriptor.PROOF_LENGTH];
        new Authenticator("s3cret").prove(2, 5, NONCE, -77, 1L << 33, proof);
        assertArrayEquals(documentedProof("s3cret"), proof);

        new Authenticator(null).prove(2, 5, NONCE, -77, 1L << 33, proof);
        assertArrayEquals(documentedProof("jdsm-aeron-no-cluster-secret"), proof);
    }

    @Test
    void shouldVerifyOnlyTheSameProverSessionAndCapacity() throws Exception
    {
        final Authenticator authenticator = new Authenticator("s3cret");
        final byte[] proof = documentedProof("s3cret");
        assertTrue(authenticator.verify(2, 5, NONCE, -77, 1L << 33, proof));
        assertFalse(authenticator.verify(2, 5, NONCE, -78, 1L << 33, proof), "another session");
        assertFalse(authenticator.verify(2, 5, NONCE, -77, 1L << 32, proof), "another capacity");
        assertFalse(authenticator.verify(3, 5, NONCE, -77, 1L << 33, proof), "another prover");
        assertFalse(new Authenticator("other").verify(2, 5, NONCE, -77, 1L << 33, proof), "another secret");
    }
}
