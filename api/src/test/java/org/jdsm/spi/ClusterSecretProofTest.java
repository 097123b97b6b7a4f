package org.jdsm.spi;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link ClusterSecretProof}: the MAC itself (RFC 4231), offsets, constant-time checks, key checks and nonces.
 */
class ClusterSecretProofTest
{
    private static final byte[] MESSAGE = "what do ya want for nothing?".getBytes(StandardCharsets.US_ASCII);

    @Test
    void shouldComputeHmacSha256AsRfc4231TestCase2()
    {
        assertEquals("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
            HexFormat.of().formatHex(new ClusterSecretProof("Jefe").prove(MESSAGE)));
    }

    @Test
    void shouldProveIntoAnArrayAtAnOffsetAndVerifyTheSameMessageOnly()
    {
        final ClusterSecretProof proof = new ClusterSecretProof("Jefe");
        final byte[] dst = new byte[ClusterSecretProof.PROOF_LENGTH + 3];
        proof.prove(MESSAGE, 0, MESSAGE.length, dst, 3);
        final byte[] expected = new ClusterSecretProof("Jefe").prove(MESSAGE);
        final byte[] written = java.util.Arrays.copyOfRange(dst, 3, dst.length);
        assertArrayEquals(expected, written);

        assertTrue(proof.verify(MESSAGE, 0, MESSAGE.length, written));
        assertFalse(proof.verify(MESSAGE, 1, MESSAGE.length - 1, written), "another message");
        assertFalse(new ClusterSecretProof("jefe").verify(MESSAGE, 0, MESSAGE.length, written), "another key");
        assertNotEquals(HexFormat.of().formatHex(expected),
            HexFormat.of().formatHex(new ClusterSecretProof("jefe").prove(MESSAGE)));
    }

    @Test
    void shouldRejectAMissingKeyNamingIt()
    {
        assertEquals("cluster secret proof key must not be null",
            assertThrows(IllegalArgumentException.class, () -> new ClusterSecretProof(null)).getMessage());
        assertEquals("cluster secret proof key must not be empty",
            assertThrows(IllegalArgumentException.class, () -> new ClusterSecretProof("")).getMessage());
    }

    @Test
    void shouldDrawFreshNoncesOfTheLengthAsked()
    {
        final byte[] one = ClusterSecretProof.newNonce(16);
        final byte[] two = ClusterSecretProof.newNonce(16);
        assertEquals(16, one.length);
        assertFalse(ClusterSecretProof.matches(one, two));
        assertTrue(ClusterSecretProof.matches(one, one.clone()));
    }
}
