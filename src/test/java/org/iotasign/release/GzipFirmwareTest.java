package org.iotasign.release;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.iotasign.RejectedException;
import org.iotasign.crypto.Ed25519PublicKey;
import org.iotasign.espimage.SampleFirmware;
import org.iotasign.testing.GzipImages;
import org.iotasign.testing.TestKeys;
import org.iotasign.testing.TestReleases;
import org.junit.jupiter.api.Test;

/** A gzip-compressed iotawatt.bin: core 2.6.3's Updater refuses it, so it passes only with the explicit flag. */
class GzipFirmwareTest {
    static final Ed25519PublicKey PUB = TestKeys.test1().publicKey();

    static final byte[] GZIP_FIRMWARE = GzipImages.stored(SampleFirmware.build("02_08_05", List.of(PUB), 8192));

    @Test
    void theFirmwareRulesRefuseGzipByDefault() {
        Findings f = FirmwareRules.check(GZIP_FIRMWARE, FirmwareLimit.DEFAULT);
        assertEquals(1, f.problems().size(), f.problems()::toString);
        assertTrue(f.problems().get(0).contains("gzip-compressed: IoTaWatt's ESP8266 core 2.6.3 refuses it"), f.problems()::toString);
        assertTrue(f.problems().get(0).contains("--allow-gzip-firmware"));
    }

    @Test
    void theFlagAcceptsGzipWithAWarningNamingIt() {
        Findings f = FirmwareRules.check(GZIP_FIRMWARE, FirmwareLimit.DEFAULT.acceptingGzip());
        assertFalse(f.hasProblems(), f.problems()::toString);
        assertEquals(List.of("iotawatt.bin is gzip-compressed, accepted by --allow-gzip-firmware: only devices running ESP8266 core 2.7.0"
                + " or later (3.x included) can install it; IoTaWatt's 2.6.3 cannot"), f.warnings());
    }

    @Test
    void theFlagDoesNotLiftTheSizeLimit() {
        Findings f = FirmwareRules.check(GZIP_FIRMWARE, new FirmwareLimit(100, "--max-firmware 100", false).acceptingGzip());
        assertTrue(f.problems().get(0).contains("larger than --max-firmware 100"), f.problems()::toString);
    }

    @Test
    void packRefusesGzipFirmwareByDefault() {
        RejectedException e = assertThrows(RejectedException.class,
                () -> ReleasePacker.pack("02_08_05", List.of(new ReleaseEntry("iotawatt.bin", GZIP_FIRMWARE)), FirmwareLimit.DEFAULT));
        assertTrue(e.getMessage().contains("gzip-compressed"), e.getMessage());
    }

    @Test
    void packWithTheFlagKeepsTheWarning() {
        ReleasePacker.PackResult r = ReleasePacker.pack("02_08_05", List.of(new ReleaseEntry("iotawatt.bin", GZIP_FIRMWARE)),
                FirmwareLimit.DEFAULT.acceptingGzip());
        assertTrue(r.warnings().stream().anyMatch(w -> w.contains("accepted by --allow-gzip-firmware")), r.warnings()::toString);
    }

    @Test
    void verifyFlagsGzipFirmwareUnlessTheFlagIsGiven() {
        byte[] unsigned = ReleasePacker.serialize("02_08_05", List.of(new ReleaseEntry("iotawatt.bin", GZIP_FIRMWARE)));
        byte[] signed = TestReleases.sign(unsigned, TestKeys.test1());
        DeviceVerdict plain = DeviceVerifier.verify(signed, PUB, "02_08_05", FirmwareLimit.DEFAULT);
        assertFalse(plain.ok());
        assertTrue(plain.findings().problems().stream().anyMatch(p -> p.contains("gzip-compressed")), plain.findings().problems()::toString);
        DeviceVerdict allowed = DeviceVerifier.verify(signed, PUB, "02_08_05", FirmwareLimit.DEFAULT.acceptingGzip());
        assertTrue(allowed.ok(), allowed.findings().problems()::toString);
        assertTrue(allowed.findings().warnings().stream().anyMatch(w -> w.contains("accepted by --allow-gzip-firmware")));
    }
}
