package org.iotasign.release;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.HexFormat;
import java.util.List;

import org.iotasign.crypto.Ed25519PublicKey;
import org.iotasign.crypto.SoftwareEd25519Signer;
import org.iotasign.testing.Digests;
import org.iotasign.testing.TestKeys;
import org.iotasign.testing.TestReleases;
import org.junit.jupiter.api.Test;

/** Blobs written out byte by byte from the format description, checked against the project's code. */
class GoldenBlobTest {
    /** "IotaWatt" "02_08_05", then FILE entries for iotawatt.bin (5 bytes "ABCDE") and a.txt (0 bytes). */
    static byte[] handWrittenUnsigned() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(new byte[] {'I', 'o', 't', 'a', 'W', 'a', 't', 't'});
        b.writeBytes(new byte[] {'0', '2', '_', '0', '8', '_', '0', '5'});
        // Entry 1 header: "FILE", length 5 little-endian, name padded with NULs to 24 bytes.
        b.writeBytes(new byte[] {'F', 'I', 'L', 'E', 5, 0, 0, 0});
        b.writeBytes(new byte[] {'i', 'o', 't', 'a', 'w', 'a', 't', 't', '.', 'b', 'i', 'n', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
        // Data, then zero padding up to 8 bytes.
        b.writeBytes(new byte[] {'A', 'B', 'C', 'D', 'E', 0, 0, 0});
        // Entry 2: empty file, no data bytes at all.
        b.writeBytes(new byte[] {'F', 'I', 'L', 'E', 0, 0, 0, 0});
        b.writeBytes(new byte[] {'a', '.', 't', 'x', 't', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
        return b.toByteArray();
    }

    @Test
    void rfc8032TestKey1SignsTheEmptyMessageAsPublished() {
        SoftwareEd25519Signer key = TestKeys.test1();
        assertEquals(TestKeys.RFC8032_TEST1_PUBLIC, key.publicKey().hex());
        assertEquals("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
                HexFormat.of().formatHex(key.sign(new byte[0])));
    }

    @Test
    void serializerProducesTheHandWrittenBytes() {
        byte[] packed = ReleasePacker.serialize("02_08_05", List.of(
                new ReleaseEntry("iotawatt.bin", "ABCDE".getBytes()),
                new ReleaseEntry("a.txt", new byte[0])));
        assertArrayEquals(handWrittenUnsigned(), packed);
        assertEquals(16 + 32 + 8 + 32, packed.length);
    }

    @Test
    void deviceAcceptsTheHandWrittenBlobSignedOverItsDigest() {
        byte[] unsigned = handWrittenUnsigned();
        byte[] signed = TestReleases.sign(unsigned, TestKeys.test1());
        Ed25519PublicKey pub = TestKeys.test1().publicKey();

        DeviceVerdict v = DeviceVerifier.verify(signed, pub, "02_08_05", FirmwareLimit.DEFAULT);

        assertTrue(v.deviceAccepts(), v.explanation());
        assertEquals(List.of("Updater: signature verified"), v.deviceLog());
        ReleaseBlob blob = v.blob().orElseThrow();
        assertArrayEquals(Digests.sha256(unsigned), blob.bodyDigest());
        assertEquals(List.of("iotawatt.bin", "a.txt"), blob.entries().stream().map(EntryInfo::name).toList());
        assertEquals(List.of(16L, 56L), blob.entries().stream().map(EntryInfo::offset).toList());
        // "ABCDE" is no ESP8266 image and embeds no key: the device would take it, the tool flags it.
        assertFalse(v.ok());
        assertTrue(v.findings().problems().stream().anyMatch(p -> p.contains("does not embed the verifying key")));
    }

    @Test
    void signatureOverTheWholeBlobInsteadOfTheDigestIsRejected() {
        byte[] unsigned = handWrittenUnsigned();
        byte[] sig = TestKeys.test1().sign(unsigned);
        byte[] signed = concat(unsigned, sig);
        DeviceVerdict v = DeviceVerifier.verify(signed, TestKeys.test1().publicKey(), null, FirmwareLimit.DEFAULT);
        assertFalse(v.deviceAccepts());
        assertEquals(List.of("Updater: Signature does not verify."), v.deviceLog());
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
