package org.iotasign.release;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.iotasign.io.TerminalText;
import org.iotasign.crypto.Ed25519PublicKey;
import org.iotasign.crypto.SoftwareEd25519Signer;
import org.iotasign.espimage.SampleFirmware;
import org.iotasign.testing.TestKeys;
import org.iotasign.testing.TestReleases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Each verdict of {@code verify}, with the device's own log line. */
class DeviceVerdictTest {
    static final SoftwareEd25519Signer KEY = TestKeys.test1();
    static final Ed25519PublicKey PUB = KEY.publicKey();

    static DeviceVerdict verify(byte[] blob) {
        return DeviceVerifier.verify(blob, PUB, null, FirmwareLimit.DEFAULT);
    }

    static void assertRejected(DeviceVerdict v, String logLine, String explanationPart) {
        assertFalse(v.deviceAccepts());
        assertFalse(v.ok());
        assertEquals(logLine == null ? List.of() : List.of(logLine), v.deviceLog());
        assertTrue(v.explanation().contains(explanationPart), v.explanation());
    }

    @Test
    void goodReleaseIsAcceptedWithTheDeviceLogLine() {
        DeviceVerdict v = verify(TestReleases.signed("02_08_05", KEY));
        assertTrue(v.ok(), () -> v.explanation() + v.findings().problems());
        assertEquals(List.of("Updater: signature verified"), v.deviceLog());
    }

    @Test
    void theDeviceDecisionAloneAgreesWithTheFullVerdictAndShowsNoBlob() {
        byte[] good = TestReleases.signed("02_08_05", KEY);
        DeviceVerdict alone = DeviceVerifier.deviceDecision(good, PUB);
        assertTrue(alone.deviceAccepts(), alone.explanation());
        assertEquals(verify(good).deviceLog(), alone.deviceLog());
        assertTrue(alone.blob().isEmpty(), "the decision alone shows no blob: its ok() would not cover the release checks");
        assertFalse(alone.findings().hasProblems() || !alone.findings().warnings().isEmpty());

        byte[] changed = good.clone();
        changed[100] ^= 1;
        byte[] otherKey = TestReleases.signed("02_08_05", TestKeys.test2());
        byte[] cut = Arrays.copyOf(good, good.length - 1);
        for (byte[] bad : List.of(changed, otherKey, cut)) {
            DeviceVerdict full = verify(bad);
            DeviceVerdict decision = DeviceVerifier.deviceDecision(bad, PUB);
            assertFalse(decision.deviceAccepts());
            assertEquals(full.deviceLog(), decision.deviceLog());
            assertEquals(full.explanation(), decision.explanation());
        }
    }

    @Test
    void wrongMagicIsAnInvalidHeader() {
        byte[] blob = TestReleases.signed("02_08_05", KEY);
        blob[0] = 'i';
        assertRejected(verify(blob), "Updater: release file header invalid. iotaWatt 02_08_05", "does not start with 'IotaWatt'");
    }

    @Test
    void versionOtherThanRequestedIsAnInvalidHeader() {
        byte[] blob = TestReleases.signed("02_08_05", KEY);
        DeviceVerdict v = DeviceVerifier.verify(blob, PUB, "02_08_06", FirmwareLimit.DEFAULT);
        assertRejected(v, "Updater: release file header invalid. IotaWatt 02_08_05", "asked for '02_08_06'");
    }

    @Test
    void requestedVersionShorterThanEightIsUndefinedOnTheDevice() {
        byte[] blob = TestReleases.signed("02_08_05", KEY);
        assertRejected(DeviceVerifier.verify(blob, PUB, "2_8_5", FirmwareLimit.DEFAULT), null, "shorter than 8");
    }

    @Test
    void requestedVersionLongerThanEightCollidesAndIsFlagged() {
        byte[] blob = TestReleases.signed("02_08_05", KEY);
        DeviceVerdict v = DeviceVerifier.verify(blob, PUB, "02_08_05b", FirmwareLimit.DEFAULT);
        assertTrue(v.deviceAccepts());
        assertFalse(v.ok());
        assertTrue(v.findings().problems().get(0).contains("collide"));
    }

    @Test
    void trailingNewlineIsAFormatErrorNotMissingSignature() {
        byte[] blob = TestReleases.signed("02_08_05", KEY);
        byte[] longer = Arrays.copyOf(blob, blob.length + 1);
        longer[blob.length] = '\n';
        assertRejected(verify(longer), "Updater: Release file format error.", "do not end exactly 64 bytes");
    }

    @Test
    void cutSignatureIsAFormatError() {
        byte[] blob = TestReleases.signed("02_08_05", KEY);
        assertRejected(verify(Arrays.copyOf(blob, blob.length - 1)), "Updater: Release file format error.", "signature bytes");
    }

    @Test
    void unsignedBlobIsRejectedWithAHintToSignIt() {
        DeviceVerdict v = verify(TestReleases.unsigned("02_08_05", KEY));
        assertFalse(v.deviceAccepts());
        assertTrue(v.explanation().contains("an unsigned blob: sign it"), v.explanation());
    }

    @Test
    void overstatedLengthRunsPastTheEnd() {
        byte[] blob = TestReleases.signed("02_08_05", KEY);
        blob[16 + 4] = (byte) 0xff; // iotawatt.bin length += 255
        DeviceVerdict v = verify(blob);
        assertFalse(v.deviceAccepts());
        assertTrue(v.explanation().contains("SD card fills") || v.deviceLog().contains("Updater: Release file format error."), v.explanation());
    }

    @Test
    void fourGigabyteLengthFieldEndsInAVerdictWithoutAllocating() {
        byte[] blob = TestReleases.signed("02_08_05", KEY);
        blob[20] = (byte) 0xff;
        blob[21] = (byte) 0xff;
        blob[22] = (byte) 0xff;
        blob[23] = (byte) 0xff;
        DeviceVerdict v = verify(blob);
        assertRejected(v, null, "SD card fills");
    }

    @Test
    void tamperedByteFailsTheSignature() {
        byte[] blob = TestReleases.signed("02_08_05", KEY);
        blob[16 + 32 + 100] ^= 1;
        assertRejected(verify(blob), "Updater: Signature does not verify.", "does not verify with key " + PUB.fingerprint());
    }

    @Test
    void otherKeyFailsTheSignature() {
        byte[] blob = TestReleases.signed("02_08_05", TestKeys.test2());
        assertRejected(verify(blob), "Updater: Signature does not verify.", "signed with another key");
    }

    @Test
    void missingFirmwareVerifiesButIsRejected() {
        byte[] unsigned = ReleasePacker.serialize("02_08_05", List.of(new ReleaseEntry("index.htm", "hi".getBytes())));
        DeviceVerdict v = verify(TestReleases.sign(unsigned, KEY));
        assertRejected(v, "Updater: signature verified", "there is no iotawatt.bin");
    }

    @Test
    void firmwareWithoutTheVerifyingKeyIsUnsafe() {
        byte[] unsigned = TestReleases.unsigned("02_08_05", List.of(Ed25519PublicKey.STOCK_IOTAWATT), 8192);
        DeviceVerdict v = verify(TestReleases.sign(unsigned, KEY));
        assertTrue(v.deviceAccepts());
        assertFalse(v.ok());
        assertTrue(v.findings().problems().stream().anyMatch(p -> p.contains("does not embed the verifying key")));
    }

    @Test
    void duplicateNamesIgnoringCaseAreUnsafe() {
        byte[] fw = SampleFirmware.build("02_08_05", List.of(PUB), 4096);
        byte[] unsigned = ReleasePacker.serialize("02_08_05", List.of(
                new ReleaseEntry("iotawatt.bin", fw), new ReleaseEntry("Index.htm", "a".getBytes()), new ReleaseEntry("index.HTM", "b".getBytes())));
        DeviceVerdict v = verify(TestReleases.sign(unsigned, KEY));
        assertTrue(v.deviceAccepts());
        assertTrue(v.findings().problems().stream().anyMatch(p -> p.contains("('index.HTM'): reaches the same file on the device's SD card as entry at offset") && p.contains("('Index.htm'): they are equal ignoring case")), v.findings().problems()::toString);
    }

    @Test
    void anEntryNamedLikeAnEarlierEntrysAliasIsUnsafeAndTheDeviceStillAcceptsIt() {
        byte[] fw = SampleFirmware.build("02_08_05", List.of(PUB), 4096);
        byte[] unsigned = ReleasePacker.serialize("02_08_05", List.of(
                new ReleaseEntry("iotawatt.bin", fw), new ReleaseEntry("longfilename.htm", "a".getBytes()), new ReleaseEntry("LONGFI~1.HTM", "b".getBytes())));
        DeviceVerdict v = verify(TestReleases.sign(unsigned, KEY));
        assertTrue(v.deviceAccepts(), v::explanation);
        assertFalse(v.ok());
        assertTrue(v.findings().problems().stream().anyMatch(p -> p.contains("('LONGFI~1.HTM'): reaches the same file on the device's SD card as entry at offset")
                && p.contains("('longfilename.htm'): 'LONGFI~1.HTM' is the short alias LONGFI~1.HTM")), v.findings().problems()::toString);
    }

    @Test
    void anAliasShapedNameBeforeItsLongNameIsStillUnsafe() {
        byte[] fw = SampleFirmware.build("02_08_05", List.of(PUB), 4096);
        byte[] unsigned = ReleasePacker.serialize("02_08_05", List.of(
                new ReleaseEntry("iotawatt.bin", fw), new ReleaseEntry("LONGFI~1.HTM", "b".getBytes()), new ReleaseEntry("longfilename.htm", "a".getBytes())));
        DeviceVerdict v = verify(TestReleases.sign(unsigned, KEY));
        assertTrue(v.deviceAccepts(), v::explanation);
        assertEquals(1, v.findings().problems().size(), v.findings().problems()::toString);
        assertTrue(v.findings().problems().get(0).contains("form of a FAT short alias"), v.findings().problems()::toString);
    }

    @Test
    void aLeadingSpaceThatJoinsTheFirmwareIsUnsafe() {
        byte[] fw = SampleFirmware.build("02_08_05", List.of(PUB), 4096);
        byte[] unsigned = ReleasePacker.serialize("02_08_05", List.of(new ReleaseEntry("iotawatt.bin", fw), new ReleaseEntry(" iotawatt.bin", "x".getBytes())));
        DeviceVerdict v = verify(TestReleases.sign(unsigned, KEY));
        assertTrue(v.deviceAccepts(), v::explanation);
        assertTrue(v.findings().problems().stream().anyMatch(p -> p.contains("is stored on the device's SD card as 'iotawatt.bin'")), v.findings().problems()::toString);
        assertTrue(v.findings().problems().stream().anyMatch(p -> p.contains("stores both as 'iotawatt.bin'")
                && p.contains("the joined iotawatt.bin is not the firmware that was reviewed")), v.findings().problems()::toString);
    }

    @ParameterizedTest(name = "the device cannot create [{0}] (lfnLegalChar / parsePathName) and stops the update there")
    @ValueSource(strings = {"a|b", "...", "caf\u00e9.htm", "x\ty"})
    void aNameTheCardCannotCreateIsRejectedByTheDevice(String name) {
        byte[] fw = SampleFirmware.build("02_08_05", List.of(PUB), 4096);
        byte[] unsigned = ReleasePacker.serialize("02_08_05", List.of(new ReleaseEntry("iotawatt.bin", fw), new ReleaseEntry("index.htm", "x".getBytes())));
        // Rewrite the second name in place (serialize writes ASCII only).
        int nameField = 16 + 32 + fw.length + (int) (ReleaseLayout.padded(fw.length) - fw.length) + 8;
        Arrays.fill(unsigned, nameField, nameField + 24, (byte) 0);
        byte[] raw = name.getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(raw, 0, unsigned, nameField, raw.length);
        DeviceVerdict v = verify(TestReleases.sign(unsigned, KEY));
        assertFalse(v.deviceAccepts(), v::explanation);
        assertEquals(List.of("Updater: unable to create file: 02_08_05/" + TerminalText.of(name)), v.deviceLog());
        assertTrue(v.findings().hasProblems());
    }

    @Test
    void doubledFirmwareIsUnsafe() {
        byte[] fw = SampleFirmware.build("02_08_05", List.of(PUB), 4096);
        byte[] unsigned = ReleasePacker.serialize("02_08_05", List.of(new ReleaseEntry("iotawatt.bin", fw), new ReleaseEntry("IOTAWATT.BIN", fw)));
        DeviceVerdict v = verify(TestReleases.sign(unsigned, KEY));
        assertTrue(v.findings().problems().stream().anyMatch(p -> p.contains("the joined iotawatt.bin is not the firmware that was reviewed")), v.findings().problems()::toString);
    }

    @Test
    void nameWithoutNulIsUnsafe() {
        byte[] fw = SampleFirmware.build("02_08_05", List.of(PUB), 4096);
        byte[] unsigned = ReleasePacker.serialize("02_08_05", List.of(new ReleaseEntry("iotawatt.bin", fw), new ReleaseEntry("x".repeat(23), new byte[1])));
        int nameField = unsigned.length - 8 - 24; // last entry: header then 8 bytes of padded data
        unsigned[nameField + 23] = 'y';
        DeviceVerdict v = verify(TestReleases.sign(unsigned, KEY));
        assertTrue(v.deviceAccepts());
        assertTrue(v.findings().problems().stream().anyMatch(p -> p.contains("has no NUL")), v.findings().problems()::toString);
    }

    @Test
    void nonZeroPaddingIsUnsafe() {
        byte[] fw = SampleFirmware.build("02_08_05", List.of(PUB), 4096);
        byte[] unsigned = ReleasePacker.serialize("02_08_05", List.of(new ReleaseEntry("iotawatt.bin", fw), new ReleaseEntry("a.txt", new byte[3])));
        unsigned[unsigned.length - 1] = 1;
        DeviceVerdict v = verify(TestReleases.sign(unsigned, KEY));
        assertTrue(v.deviceAccepts());
        assertTrue(v.findings().problems().stream().anyMatch(p -> p.contains("non-zero padding")), v.findings().problems()::toString);
    }

    @Test
    @Timeout(20)
    void hostileFilesEndInAClearVerdict(@TempDir Path dir) throws IOException {
        Path five = Files.write(dir.resolve("five"), "Iota\n".getBytes(StandardCharsets.US_ASCII));
        assertRejected(DeviceVerifier.verify(five, PUB, null, FirmwareLimit.DEFAULT), "Updater: release file header invalid. Iota\\x0a\\x00\\x00\\x00 \\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00", "too short");

        Path empty = Files.write(dir.resolve("empty"), new byte[0]);
        assertFalse(DeviceVerifier.verify(empty, PUB, null, FirmwareLimit.DEFAULT).deviceAccepts());

        Path zeros = dir.resolve("zeros");
        try (RandomAccessFile f = new RandomAccessFile(zeros.toFile(), "rw")) {
            f.setLength(1L << 30); // sparse: 1 GiB of zeros without writing them
        }
        assertRejected(DeviceVerifier.verify(zeros, PUB, null, FirmwareLimit.DEFAULT), "Updater: release file header invalid. \\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00 \\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00", "not a release blob");

        byte[] random = new byte[100_000];
        new Random(42).nextBytes(random);
        assertFalse(verify(random).deviceAccepts());
    }

    @Test
    @Timeout(20)
    void headerFollowedByAGigabyteOfZerosIsAFormatError(@TempDir Path dir) throws IOException {
        Path big = dir.resolve("big");
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.write("IotaWatt02_08_05".getBytes(StandardCharsets.US_ASCII));
            f.setLength(1L << 30);
        }
        assertRejected(DeviceVerifier.verify(big, PUB, null, FirmwareLimit.DEFAULT), "Updater: Release file format error.", "no 'FILE' tag at offset 16");
    }
}
