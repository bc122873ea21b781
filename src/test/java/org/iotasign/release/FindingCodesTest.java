package org.iotasign.release;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.iotasign.crypto.Ed25519PublicKey;
import org.iotasign.crypto.SoftwareEd25519Signer;
import org.iotasign.espimage.SampleFirmware;
import org.iotasign.testing.GzipImages;
import org.iotasign.testing.TestKeys;
import org.iotasign.testing.TestReleases;
import org.junit.jupiter.api.Test;

/** Each finding a caller acts on carries its code; the text stays what people read. */
class FindingCodesTest {
    static final SoftwareEd25519Signer KEY = TestKeys.test1();
    static final Ed25519PublicKey PUB = KEY.publicKey();

    private static List<Finding.Code> codes(List<Finding> findings) {
        return findings.stream().map(Finding::code).toList();
    }

    @Test
    void firmwareWithoutTheVerifyingKeyIsCodedAsLackingTheKey() {
        byte[] unsigned = TestReleases.unsigned("02_08_05", List.of(Ed25519PublicKey.STOCK_IOTAWATT), 8192);
        DeviceVerdict v = DeviceVerifier.verify(TestReleases.sign(unsigned, KEY), PUB, null, FirmwareLimit.DEFAULT);
        assertEquals(List.of(Finding.Code.FIRMWARE_LACKS_KEY), codes(v.findings().problemFindings()));
        assertTrue(v.findings().hasProblem(Finding.Code.FIRMWARE_LACKS_KEY));
        assertTrue(v.findings().problems().get(0).startsWith("iotawatt.bin does not embed the verifying key " + PUB.fingerprint()),
                v.findings().problems()::toString);
    }

    @Test
    void firmwareWithTheKeyHasNoLackingKeyFinding() {
        DeviceVerdict v = DeviceVerifier.verify(TestReleases.signed("02_08_05", KEY), PUB, null, FirmwareLimit.DEFAULT);
        assertTrue(v.ok(), v.findings().problems()::toString);
        assertFalse(v.findings().hasProblem(Finding.Code.FIRMWARE_LACKS_KEY));
    }

    @Test
    void gzipFirmwareIsCodedAsGzipWhetherRefusedOrAccepted() {
        byte[] gzip = GzipImages.stored(SampleFirmware.build("02_08_05", List.of(PUB), 8192));
        assertEquals(List.of(Finding.Code.GZIP_FIRMWARE), codes(FirmwareRules.check(gzip, FirmwareLimit.DEFAULT).problemFindings()));
        Findings accepted = FirmwareRules.check(gzip, FirmwareLimit.DEFAULT.acceptingGzip());
        assertEquals(List.of(), accepted.problemFindings());
        assertEquals(List.of(Finding.Code.GZIP_FIRMWARE), codes(accepted.warningFindings()));
    }

    @Test
    void entriesReachingOneSdFileAreCodedAsACollision() {
        byte[] fw = SampleFirmware.build("02_08_05", List.of(PUB), 4096);
        byte[] unsigned = ReleasePacker.serialize("02_08_05", List.of(
                new ReleaseEntry("iotawatt.bin", fw), new ReleaseEntry("Index.htm", "a".getBytes()), new ReleaseEntry("index.HTM", "b".getBytes())));
        DeviceVerdict v = DeviceVerifier.verify(TestReleases.sign(unsigned, KEY), PUB, null, FirmwareLimit.DEFAULT);
        assertEquals(List.of(Finding.Code.SD_NAME_COLLISION), codes(v.findings().problemFindings()));
    }

    @Test
    void uncodedProblemsAreOtherAndTextsKeepTheirOrder() {
        Findings f = new Findings();
        f.problem("first");
        f.problem(Finding.Code.FIRMWARE_LACKS_KEY, "second");
        f.warning("careful");
        assertEquals(List.of("first", "second"), f.problems());
        assertEquals(List.of(Finding.Code.OTHER, Finding.Code.FIRMWARE_LACKS_KEY), codes(f.problemFindings()));
        assertEquals(List.of("careful"), f.warnings());
    }
}
