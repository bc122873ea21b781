package org.iotasign.devsim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;

import org.iotasign.espflash.Esp8266Target;
import org.iotasign.espflash.RomLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The virtual ROM loader frame by frame, against the protocol facts of docs/flashing.md. */
class RomLoaderSimTest {
    private final NorFlash flash = new NorFlash(NorFlash.DEFAULT_SIZE);
    private final RomLoaderSim rom = new RomLoaderSim(flash, new Faults(), VirtualEsp8266.DEFAULT_MAC);

    private RomLoaderSim.Result send(int op, byte[] data, int checksum) {
        return rom.handle(RomLoader.request(op, data, checksum));
    }

    private static int status(byte[] reply) {
        return reply[reply.length - 2] & 0xff;
    }

    private static int error(byte[] reply) {
        return reply[reply.length - 1] & 0xff;
    }

    private static long value(byte[] reply) {
        return ByteBuffer.wrap(reply).order(ByteOrder.LITTLE_ENDIAN).getInt(4) & 0xffffffffL;
    }

    @Test
    void answersOneSyncWithEightNonZeroReplies() {
        List<byte[]> replies = send(RomLoader.SYNC, RomLoader.SYNC_DATA, 0).replies();
        assertEquals(8, replies.size());
        for (byte[] r : replies) {
            assertArrayEquals(new byte[] {1, 8, 2, 0, 0x07, 0x07, 0x12, 0x20, 0, 0}, r, "01 08 0200 07071220 0000 as a real ESP8266");
        }
    }

    @Test
    void readsChipDetectMagicMacWordsAndUartDivider() {
        assertEquals(0xFFF0C101L, value(send(RomLoader.READ_REG, RomLoader.words(0x40001000L), 0).replies().get(0)));
        byte[] clkdiv = send(RomLoader.READ_REG, RomLoader.words(0x60000014L), 0).replies().get(0);
        assertArrayEquals(new byte[] {1, 0x0a, 2, 0, (byte) 0xc4, 1, 0, 0, 0, 0}, clkdiv, "the reply seen from a real chip");
        assertEquals(0x5ccf7fL, value(send(RomLoader.READ_REG, RomLoader.words(Esp8266Target.OTP_MAC3), 0).replies().get(0)));
    }

    @Test
    void rejectsUnknownCommandsWithError5UnderOpZero() {
        byte[] r = send(RomLoader.GET_SECURITY_INFO, new byte[0], 0).replies().get(0);
        assertArrayEquals(new byte[] {1, 0, 2, 0, 0, 0, 0, 0, 1, 5}, r);
        assertEquals(5, error(send(0x0f, RomLoader.words(460800, 0), 0).replies().get(0)), "no CHANGE_BAUDRATE in the ESP8266 ROM");
        assertEquals(5, error(send(0x13, RomLoader.words(0, 0x1000, 0, 0), 0).replies().get(0)), "no SPI_FLASH_MD5 in the ESP8266 ROM");
    }

    @ParameterizedTest(name = "{0} sectors requested at sector {1} -> {2} erased")
    @CsvSource({"1, 0, 2", "2, 0, 4", "16, 0, 32", "18, 0, 34", "3, 14, 5", "5, 14, 7"})
    void reproducesTheRomEraseBug(int requested, int startSector, int erased) {
        send(RomLoader.FLASH_BEGIN, RomLoader.words(requested * 4096L, 0, 0x400, startSector * 4096L), 0);
        assertEquals(erased, flash.erasedThisSession().cardinality());
        assertEquals(startSector, flash.erasedThisSession().nextSetBit(0));
    }

    private byte[] block(int seq, byte[] data) {
        byte[] payload = new byte[16 + data.length];
        System.arraycopy(RomLoader.words(data.length, seq, 0, 0), 0, payload, 0, 16);
        System.arraycopy(data, 0, payload, 16, data.length);
        return send(RomLoader.FLASH_DATA, payload, RomLoader.checksum(data, 0, data.length)).replies().get(0);
    }

    private static byte[] filled(int value) {
        byte[] b = new byte[0x400];
        Arrays.fill(b, (byte) value);
        return b;
    }

    @Test
    void writingOutsideTheErasedAreaAndsIntoOldContentsAndFailsReadBack() {
        flash.beginSession();
        flash.program(0x1000, filled(0x0F));
        // Erase size 0x1000 at 0 really erases sectors 0 and 1; blocks 8.. land in sector 2.
        send(RomLoader.FLASH_BEGIN, RomLoader.words(0x1000, 12, 0x400, 0), 0);
        for (int seq = 0; seq < 8; seq++) {
            assertEquals(0, status(block(seq, filled(0xF0))));
        }
        flash.program(0x2000, filled(0x0F)); // sector 2 holds old data
        byte[] r = block(8, filled(0xF0));
        assertEquals(8, error(r), "read-back mismatch: error 0x08");
        assertEquals(0x00, flash.read(0x2000, 1)[0], "NOR: 0x0F AND 0xF0");
        assertEquals(0xF0, flash.read(0x1000, 1)[0] & 0xff, "sector 1 was erased by the bug, then written");
    }

    @Test
    void checksumErrorIs7AndSequenceGapIs1AndAResentBlockIsAccepted() {
        send(RomLoader.FLASH_BEGIN, RomLoader.words(0x1000, 4, 0x400, 0), 0);
        byte[] data = filled(0x5A);
        byte[] payload = new byte[16 + data.length];
        System.arraycopy(RomLoader.words(data.length, 0, 0, 0), 0, payload, 0, 16);
        System.arraycopy(data, 0, payload, 16, data.length);
        byte[] bad = send(RomLoader.FLASH_DATA, payload, RomLoader.checksum(data, 0, data.length) ^ 1).replies().get(0);
        assertEquals(1, status(bad));
        assertEquals(7, error(bad));
        assertEquals(0, status(block(0, data)));
        assertEquals(0, status(block(0, data)), "the host re-sends a block after a lost reply");
        byte[] gap = block(2, data);
        assertEquals(1, error(gap), "block 1 was skipped");
        assertEquals(0, status(block(1, data)));
    }

    @Test
    void flashEndRepliesThenRebootsOrRunsUserCode() {
        RomLoaderSim.Result reboot = send(RomLoader.FLASH_END, RomLoader.words(0), 0);
        assertEquals(0, status(reboot.replies().get(0)));
        assertEquals(RomLoaderSim.AfterReply.REBOOT, reboot.after());
        assertEquals(RomLoaderSim.AfterReply.RUN_USER_CODE, send(RomLoader.FLASH_END, RomLoader.words(1), 0).after());
    }

    @Test
    void answersTheJedecIdThroughSpiUserCommandRegisters() {
        send(RomLoader.WRITE_REG, RomLoader.words(Esp8266Target.SPI_USR2, (7L << 28) | 0x9F, 0xffffffffL, 0), 0);
        send(RomLoader.WRITE_REG, RomLoader.words(Esp8266Target.SPI_CMD, 1L << 18, 0xffffffffL, 0), 0);
        assertEquals(0, value(send(RomLoader.READ_REG, RomLoader.words(Esp8266Target.SPI_CMD), 0).replies().get(0)) & (1L << 18));
        assertEquals(0x1640EFL, value(send(RomLoader.READ_REG, RomLoader.words(Esp8266Target.SPI_W0), 0).replies().get(0)));
    }
}
