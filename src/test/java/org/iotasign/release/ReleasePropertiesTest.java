package org.iotasign.release;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import org.iotasign.IotasignException;
import org.iotasign.crypto.Ed25519PublicKey;
import org.iotasign.crypto.SoftwareEd25519Signer;
import org.iotasign.espimage.SampleFirmware;
import org.iotasign.testing.TestKeys;
import org.iotasign.testing.TestReleases;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Round trips over arbitrary legal inputs, and what any single-byte change does. */
class ReleasePropertiesTest {
    static final SoftwareEd25519Signer KEY = TestKeys.test1();
    static final Ed25519PublicKey PUB = KEY.publicKey();
    static final byte[] FIRMWARE = SampleFirmware.build("02_08_05", List.of(PUB), 8192);

    @Provide
    Arbitrary<String> versions() {
        return Arbitraries.integers().between(0, 99).list().ofSize(3)
                .map(l -> String.format(Locale.ROOT, "%02d_%02d_%02d", l.get(0), l.get(1), l.get(2)));
    }

    @Provide
    Arbitrary<Map<String, byte[]>> webFiles() {
        Arbitrary<String> names = Arbitraries.strings().withCharRange('a', 'z').withChars("0123456789_-.")
                .ofMinLength(1).ofMaxLength(23)
                .filter(n -> EntryNames.problem(n).isEmpty() && !ReleaseLayout.isFirmwareName(n));
        Arbitrary<byte[]> data = Arbitraries.bytes().array(byte[].class).ofMaxSize(1500);
        return Combinators.combine(names.list().ofMaxSize(6).uniqueElements(n -> n.toLowerCase(Locale.ROOT)), data.list().ofSize(6))
                .as((ns, ds) -> {
                    Map<String, byte[]> m = new TreeMap<>();
                    for (int i = 0; i < ns.size(); i++) {
                        m.put(ns.get(i), ds.get(i));
                    }
                    return m;
                });
    }

    static List<ReleaseEntry> entries(Map<String, byte[]> web) {
        List<ReleaseEntry> entries = new ArrayList<>();
        web.forEach((n, d) -> entries.add(new ReleaseEntry(n, d)));
        entries.add(new ReleaseEntry("iotawatt.bin", FIRMWARE));
        return entries;
    }

    @Property(tries = 200)
    void packSignVerifyRoundTrips(@ForAll("versions") String version, @ForAll("webFiles") Map<String, byte[]> web) {
        byte[] unsigned = ReleasePacker.pack(version, entries(web), FirmwareLimit.DEFAULT).bytes();
        DeviceVerdict v = DeviceVerifier.verify(TestReleases.sign(unsigned, KEY), PUB, version, FirmwareLimit.DEFAULT);
        assertTrue(v.ok(), () -> v.explanation() + " " + v.findings().problems());
        ReleaseBlob blob = v.blob().orElseThrow();
        assertEquals(version, blob.version());
        assertEquals(web.size() + 1, blob.entries().size());
        assertEquals("iotawatt.bin", blob.entries().get(0).name());
        assertArrayEquals(FIRMWARE, blob.firmware());
    }

    @Property(tries = 100)
    void packingIsDeterministicWhateverTheInputOrder(@ForAll("versions") String version, @ForAll("webFiles") Map<String, byte[]> web) {
        List<ReleaseEntry> forward = entries(web);
        List<ReleaseEntry> backward = new ArrayList<>(forward);
        java.util.Collections.reverse(backward);
        assertArrayEquals(ReleasePacker.pack(version, forward, FirmwareLimit.DEFAULT).bytes(),
                ReleasePacker.pack(version, backward, FirmwareLimit.DEFAULT).bytes());
    }

    @Property(tries = 50)
    void packsParsedBackBlobHasTheReviewsDigestAndNoEntryDigests(@ForAll("versions") String version, @ForAll("webFiles") Map<String, byte[]> web) {
        ReleasePacker.PackResult packed = ReleasePacker.pack(version, entries(web), FirmwareLimit.DEFAULT);
        ReleaseBlob reviewed = ReleaseBlob.parseUnsigned(packed.bytes(), FirmwareLimit.DEFAULT);
        assertArrayEquals(reviewed.bodyDigest(), packed.blob().bodyDigest());
        assertEquals(reviewed.digestFingerprint(), packed.blob().digestFingerprint());
        assertTrue(packed.blob().entries().stream().allMatch(e -> e.sha256().isEmpty()), "the packer's check skips the entry digests");
        assertTrue(reviewed.entries().stream().allMatch(e -> e.sha256().isPresent()), "a review has them");
    }

    static final byte[] SIGNED = TestReleases.signed("02_08_05", KEY);

    @Property(tries = 500)
    void anySingleByteChangeIsRejected(@ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int where, @ForAll @IntRange(min = 1, max = 255) int xor) {
        byte[] changed = SIGNED.clone();
        int i = where % changed.length;
        changed[i] ^= (byte) xor;
        DeviceVerdict v = DeviceVerifier.verify(changed, PUB, "02_08_05", FirmwareLimit.DEFAULT);
        assertFalse(v.ok(), "byte " + i + " changed and still accepted");
    }

    @Property(tries = 1000)
    void arbitraryBytesGiveAVerdictNeverACrash(@ForAll @Size(max = 4096) byte[] bytes, @ForAll boolean withHeader) {
        byte[] input = bytes;
        if (withHeader) {
            input = new byte[bytes.length + 16];
            System.arraycopy("IotaWatt02_08_05".getBytes(), 0, input, 0, 16);
            System.arraycopy(bytes, 0, input, 16, bytes.length);
        }
        DeviceVerdict v = DeviceVerifier.verify(input, PUB, null, FirmwareLimit.DEFAULT);
        assertFalse(v.ok());
        for (boolean signed : new boolean[] {true, false}) {
            try {
                ReleaseBlob b = signed ? ReleaseBlob.parseSigned(input, FirmwareLimit.DEFAULT) : ReleaseBlob.parseUnsigned(input, FirmwareLimit.DEFAULT);
                assertTrue(b.findings().hasProblems() || b.firmware() != null);
            } catch (IotasignException expected) {
                assertEquals(1, expected.exitCode());
            }
        }
    }

    @Property(tries = 300)
    void mutatedReleasesGiveAVerdictNeverACrash(@ForAll @Size(min = 1, max = 8) List<@IntRange(min = 0, max = Integer.MAX_VALUE) Integer> positions,
                                                @ForAll byte value) {
        byte[] m = SIGNED.clone();
        for (int p : positions) {
            m[p % 600] = value; // headers and the start of the firmware: where lengths and names live
        }
        DeviceVerdict v = DeviceVerifier.verify(m, PUB, null, FirmwareLimit.DEFAULT);
        if (v.ok()) {
            assertArrayEquals(SIGNED, m, "only the unchanged blob may pass");
        }
    }
}
