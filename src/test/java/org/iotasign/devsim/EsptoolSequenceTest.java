package org.iotasign.devsim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import org.iotasign.espflash.Esp8266Target;
import org.iotasign.espflash.JSerialCommTransport;
import org.iotasign.espflash.RomLoader;
import org.iotasign.espflash.SerialTransport;
import org.iotasign.testing.VirtualDevice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replays, byte for byte, what esptool v3.3.3 sends for
 * {@code esptool.py --port A --before no_reset --after no_reset --no-stub write_flash 0x0 FILE}
 * (chip auto-detected), read off esptool.py: detect_chip, main(), run_spiflash_command,
 * write_flash. esptool itself is not installed here; this client stands in for it.
 */
@Timeout(30)
class EsptoolSequenceTest {
    static final long TIMEOUT = 3000; // esptool DEFAULT_TIMEOUT

    @TempDir
    Path dir;

    /** esptool ESPLoader.sync(): one SYNC, first reply within 0.1 s, then 7 more replies. */
    private static void sync(RomLoader l) throws Exception {
        l.discardInput();
        RomLoader.Response first = l.command(RomLoader.SYNC, RomLoader.SYNC_DATA, 0, 100);
        assertEquals(0x20120707L, first.value(), "non-zero: not a stub");
        for (int i = 0; i < 7; i++) {
            l.awaitResponse(RomLoader.SYNC, TIMEOUT);
        }
    }

    /** esptool run_spiflash_command for the ESP8266 register layout. */
    private static long spiCommand(RomLoader l, int command, int readBits, long addr, int addrLen, int dummyLen) throws Exception {
        long oldUsr = l.readReg(Esp8266Target.SPI_USR, TIMEOUT);
        long oldUsr2 = l.readReg(Esp8266Target.SPI_USR2, TIMEOUT);
        long flags = 1L << 31;
        if (readBits > 0) {
            flags |= 1L << 28;
        }
        if (addrLen > 0) {
            flags |= 1L << 30;
        }
        if (dummyLen > 0) {
            flags |= 1L << 29;
        }
        long lengths = ((long) (readBits == 0 ? 0 : readBits - 1) << 8);
        if (dummyLen > 0) {
            lengths |= dummyLen - 1;
        }
        if (addrLen > 0) {
            lengths |= (long) (addrLen - 1) << 26;
        }
        l.writeReg(Esp8266Target.SPI_USR1, lengths, TIMEOUT);
        l.writeReg(Esp8266Target.SPI_USR, flags, TIMEOUT);
        l.writeReg(Esp8266Target.SPI_USR2, (7L << 28) | command, TIMEOUT);
        if (addrLen > 0) {
            l.writeReg(Esp8266Target.SPI_BASE + 4, addr, TIMEOUT);
        }
        l.writeReg(Esp8266Target.SPI_W0, 0, TIMEOUT);
        l.writeReg(Esp8266Target.SPI_CMD, 1L << 18, TIMEOUT);
        boolean done = false;
        for (int i = 0; i < 10 && !done; i++) {
            done = (l.readReg(Esp8266Target.SPI_CMD, TIMEOUT) & (1L << 18)) == 0;
        }
        assertEquals(true, done, "SPI command completes");
        long status = l.readReg(Esp8266Target.SPI_W0, TIMEOUT);
        l.writeReg(Esp8266Target.SPI_USR, oldUsr, TIMEOUT);
        l.writeReg(Esp8266Target.SPI_USR2, oldUsr2, TIMEOUT);
        return status;
    }

    private static void chipDescription(RomLoader l) throws Exception {
        long w3 = l.readReg(0x3ff0005cL, TIMEOUT);
        long w2 = l.readReg(0x3ff00058L, TIMEOUT);
        l.readReg(0x3ff00054L, TIMEOUT);
        long w0 = l.readReg(0x3ff00050L, TIMEOUT);
        assertEquals(0, (w0 & (1 << 4)) | (w2 & (1 << 16)), "ESP8266EX, not ESP8285");
        assertEquals(0x5ccf7fL, w3);
    }

    @Test
    void esptoolNoStubWriteFlashSequenceWritesTheFile() throws Exception {
        byte[] file = new byte[10001];
        new Random(3).nextBytes(file);
        NorFlash flash = new NorFlash(NorFlash.DEFAULT_SIZE);
        try (VirtualDevice d = new VirtualDevice(dir, flash, VirtualEsp8266.Config.basic(new FirmwareCatalog()));
             SerialTransport port = JSerialCommTransport.open(d.port(), 115200)) {
            RomLoader l = new RomLoader(port, 2);
            // detect_chip: connect, GET_SECURITY_INFO (unsupported on the ESP8266 ROM), reconnect, magic.
            sync(l);
            assertThrows(RomLoader.UnsupportedCommandException.class, () -> l.command(RomLoader.GET_SECURITY_INFO, new byte[0], 0, TIMEOUT));
            sync(l);
            assertEquals(0xFFF0C101L, l.readReg(0x40001000L, TIMEOUT));
            // main(): "Chip is", "Features" (description read twice), crystal, MAC.
            chipDescription(l);
            chipDescription(l);
            long div = l.readReg(0x60000014L, TIMEOUT) & 0xFFFFF;
            assertEquals(26, 115200 * div / 1_000_000 / 2 > 33 ? 40 : 26);
            l.readReg(0x3ff00050L, TIMEOUT);
            l.readReg(0x3ff00054L, TIMEOUT);
            l.readReg(0x3ff0005cL, TIMEOUT);
            // "Enabling default SPI flash mode...": flash_spi_attach on the ROM is flash_begin(0, 0).
            l.checkedCommand("enter Flash download mode", RomLoader.FLASH_BEGIN, RomLoader.words(0, 0, 0x400, 0), 0, TIMEOUT);
            // Flash chip check and the XMC startup check: RDID twice, then RDSFDP at 0x10.
            assertEquals(0x1640EFL, spiCommand(l, 0x9F, 24, 0, 0, 0));
            assertEquals(0x1640EFL, spiCommand(l, 0x9F, 24, 0, 0, 0));
            spiCommand(l, 0x5A, 8, 0x10, 24, 8);
            // write_flash: pad to 4 bytes, erase size per get_erase_size, full 1 KiB blocks.
            byte[] image = Arrays.copyOf(file, (file.length + 3) / 4 * 4);
            Arrays.fill(image, file.length, image.length, (byte) 0xFF);
            int blocks = (image.length + 0x3ff) / 0x400;
            assertEquals(0x2000, Esp8266Target.eraseSize(0, image.length));
            l.checkedCommand("enter Flash download mode", RomLoader.FLASH_BEGIN,
                    RomLoader.words(Esp8266Target.eraseSize(0, image.length), blocks, 0x400, 0), 0, TIMEOUT);
            for (int seq = 0; seq < blocks; seq++) {
                byte[] block = Arrays.copyOfRange(image, seq * 0x400, seq * 0x400 + 0x400);
                if (seq * 0x400 + 0x400 > image.length) {
                    Arrays.fill(block, image.length - seq * 0x400, 0x400, (byte) 0xFF);
                }
                byte[] payload = new byte[16 + 0x400];
                System.arraycopy(RomLoader.words(0x400, seq, 0, 0), 0, payload, 0, 16);
                System.arraycopy(block, 0, payload, 16, 0x400);
                l.checkedCommand("write to target Flash after seq " + seq, RomLoader.FLASH_DATA, payload,
                        RomLoader.checksum(block, 0, 0x400), TIMEOUT);
            }
            // --after no_reset: "Staying in bootloader." and nothing is sent.
        }
        assertArrayEquals(file, flash.read(0, file.length));
        assertEquals(4, flash.erasedThisSession().cardinality(), "3 sectors needed, the ROM erased 4 (odd count inside one 64 KiB block)");
        assertEquals(0, flash.bytesProgrammedOutsideErase());
    }
}
