package org.iotasign.devsim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.iotasign.espimage.SampleFirmware;
import org.iotasign.testing.Esptool;
import org.iotasign.testing.VirtualDevice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;

/** The real esptool against the virtual ESP8266; runs only where ESPTOOL names one (see docs/flashing.md). */
@EnabledIfEnvironmentVariable(named = "ESPTOOL", matches = ".+")
@Timeout(120)
class EsptoolInteropTest {
    @TempDir
    Path dir;

    @Test
    void esptoolNoStubWriteFlashWritesTheImageAndRewritesTheHeader() throws Exception {
        byte[] image = SampleFirmware.build("02_08_05", List.of(), 40_000);
        Path file = Files.write(dir.resolve("fw.bin"), image);
        NorFlash flash = new NorFlash(NorFlash.DEFAULT_SIZE);
        try (VirtualDevice d = new VirtualDevice(Files.createDirectories(dir.resolve("pty")), flash,
                VirtualEsp8266.Config.basic(new FirmwareCatalog()))) {
            Esptool.Run r = Esptool.run("--port", d.port(), "--before", "no_reset", "--after", "no_reset", "--no-stub",
                    "write_flash", "--flash_mode", "dout", "--flash_size", "4MB", "0x0", file.toString(), "0x200000", file.toString());
            assertEquals(0, r.exit(), r.output());
            assertTrue(r.output().contains("Chip is ESP8266EX"), r.output());
        }
        byte[] patched = image.clone();
        patched[2] = 0x03;
        patched[3] = (byte) (0x40 | (image[3] & 0x0f));
        assertArrayEquals(patched, flash.read(0, image.length));
        assertArrayEquals(image, flash.read(0x200000, image.length), "not at offset 0: unchanged");
    }
}
