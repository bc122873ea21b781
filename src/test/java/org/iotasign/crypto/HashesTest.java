package org.iotasign.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The project's digests give the standard answers, and behave as a MessageDigest must. */
class HashesTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void sha256GivesTheFips180KnownAnswers() {
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Hashes.sha256Hex("abc"));
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Hashes.sha256Hex(""));
        assertEquals("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
                Hashes.sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"));
    }

    @Test
    void md5GivesTheRfc1321KnownAnswers() {
        assertEquals("900150983cd24fb0d6963f7d28e17f72", HEX.formatHex(Hashes.md5("abc".getBytes(StandardCharsets.US_ASCII))));
        assertEquals("d41d8cd98f00b204e9800998ecf8427e", HEX.formatHex(Hashes.md5(new byte[0])));
    }

    @Test
    void sha256MatchesTheJdksOnDataFedInPiecesOfEverySize() throws Exception {
        byte[] data = new byte[100_003];
        new Random(7).nextBytes(data);
        MessageDigest md = Hashes.sha256();
        int offset = 0;
        for (int piece = 0; offset < data.length; piece++) {
            int n = Math.min(piece % 97, data.length - offset);
            if (n == 1) {
                md.update(data[offset]);
            } else if (piece % 5 == 0) {
                md.update(ByteBuffer.wrap(data, offset, n));
            } else {
                md.update(data, offset, n);
            }
            offset += n;
        }
        byte[] expected = MessageDigest.getInstance("SHA-256").digest(data);
        assertArrayEquals(expected, md.digest());
        assertArrayEquals(expected, Hashes.sha256(java.util.Arrays.copyOf(data, 40_000), java.util.Arrays.copyOfRange(data, 40_000, data.length)));
    }

    @Test
    void aDigestStartsAfreshAfterDigestAndAfterReset() {
        MessageDigest md = Hashes.sha256();
        md.update("left over".getBytes(StandardCharsets.US_ASCII));
        md.digest();
        md.update("abc".getBytes(StandardCharsets.US_ASCII));
        assertEquals(Hashes.sha256Hex("abc"), HEX.formatHex(md.digest()));
        md.update("left over".getBytes(StandardCharsets.US_ASCII));
        md.reset();
        assertEquals(Hashes.sha256Hex(""), HEX.formatHex(md.digest()));
        assertEquals("SHA-256", md.getAlgorithm());
        assertEquals(32, md.getDigestLength());
    }
}
