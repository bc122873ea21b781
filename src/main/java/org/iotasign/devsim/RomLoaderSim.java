package org.iotasign.devsim;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.iotasign.espflash.Esp8266Target;
import org.iotasign.espflash.RomLoader;

/**
 * The ESP8266 ROM serial loader as seen from the wire: takes one request frame, returns
 * the response frames. Follows docs/flashing.md ("The virtual device"): 8 replies per
 * SYNC with a non-zero value, 2 status bytes, chip-detect and OTP registers, SPI user
 * commands for the JEDEC ID, the erase-size bug, NOR read-back (0x08), checksums (0x07),
 * strict sequence numbers (0x01, a re-sent earlier block is accepted) and unknown
 * commands answered with error 0x05 under op 0x00.
 */
final class RomLoaderSim {
    static final long SYNC_VALUE = 0x20120707L;
    static final int ERR_SEQUENCE = 0x01;
    static final int JEDEC_ID = 0x1640EF; // Winbond W25Q32: manufacturer EF, type 40, capacity 16 (4 MB)

    /** What the device does after answering FLASH_END. */
    enum AfterReply { NONE, REBOOT, RUN_USER_CODE }

    record Result(List<byte[]> replies, AfterReply after) {
    }

    private final NorFlash flash;
    private final Faults faults;
    private final Map<Long, Long> registers = new HashMap<>();

    private boolean flashing;
    private int flashOffset;
    private int blockSize;
    private int numBlocks;
    private int nextSeq;
    private long flashBlocksReceived;

    RomLoaderSim(NorFlash flash, Faults faults, byte[] mac) {
        this.flash = flash;
        this.faults = faults;
        registers.put(Esp8266Target.CHIP_DETECT_MAGIC_REG, Esp8266Target.CHIP_DETECT_MAGIC);
        // OTP words as esptool decodes them: OUI in MAC3, bytes 4-5 in MAC1, byte 6 in MAC0.
        registers.put(Esp8266Target.OTP_MAC3, ((mac[0] & 0xffL) << 16) | ((mac[1] & 0xffL) << 8) | (mac[2] & 0xffL));
        registers.put(Esp8266Target.OTP_WORD2, 0x0000_0000L);
        registers.put(Esp8266Target.OTP_MAC1, 0x0002_0000L | ((mac[3] & 0xffL) << 8) | (mac[4] & 0xffL));
        registers.put(Esp8266Target.OTP_MAC0, (mac[5] & 0xffL) << 24);
        // 52 MHz UART clock / 115200 baud with a 26 MHz crystal, as a real chip reports.
        registers.put(Esp8266Target.UART_CLKDIV, 0x1c4L);
    }

    long flashBlocksReceived() {
        return flashBlocksReceived;
    }

    Result handle(byte[] frame) {
        if (frame.length < 8 || frame[0] != 0) {
            return new Result(List.of(), AfterReply.NONE);
        }
        ByteBuffer h = ByteBuffer.wrap(frame).order(ByteOrder.LITTLE_ENDIAN);
        int op = frame[1] & 0xff;
        int size = h.getShort(2) & 0xffff;
        int checksum = h.getInt(4) & 0xff;
        byte[] data = Arrays.copyOfRange(frame, 8, frame.length);
        if (size != data.length) {
            return one(status(op, 0, RomLoader.ERR_INVALID_MESSAGE));
        }
        return switch (op) {
            case RomLoader.SYNC -> sync(data);
            case RomLoader.READ_REG -> readReg(data);
            case RomLoader.WRITE_REG -> writeReg(data);
            case RomLoader.FLASH_BEGIN -> flashBegin(data);
            case RomLoader.FLASH_DATA -> flashData(data, checksum);
            case RomLoader.FLASH_END -> flashEnd(data);
            case RomLoader.MEM_BEGIN, RomLoader.MEM_END -> one(ok(op, 0));
            case RomLoader.MEM_DATA -> memData(data, checksum);
            // Everything else (SPI_ATTACH, CHANGE_BAUDRATE, MD5, GET_SECURITY_INFO, ...) is
            // unknown to this ROM: error 0x05, and the op byte does not echo the request.
            default -> one(status(0x00, 0, RomLoader.ERR_INVALID_MESSAGE));
        };
    }

    private Result sync(byte[] data) {
        if (faults.ignoresSync()) {
            return new Result(List.of(), AfterReply.NONE);
        }
        if (!Arrays.equals(data, RomLoader.SYNC_DATA)) {
            return one(status(RomLoader.SYNC, 0, RomLoader.ERR_INVALID_MESSAGE));
        }
        List<byte[]> replies = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            replies.add(ok(RomLoader.SYNC, SYNC_VALUE));
        }
        return new Result(replies, AfterReply.NONE);
    }

    private Result readReg(byte[] data) {
        if (data.length != 4) {
            return one(status(RomLoader.READ_REG, 0, RomLoader.ERR_INVALID_MESSAGE));
        }
        long addr = le(data, 0);
        return one(ok(RomLoader.READ_REG, registers.getOrDefault(addr, 0L)));
    }

    private Result writeReg(byte[] data) {
        if (data.length == 0 || data.length % 16 != 0) {
            return one(status(RomLoader.WRITE_REG, 0, RomLoader.ERR_INVALID_MESSAGE));
        }
        for (int g = 0; g < data.length; g += 16) {
            long addr = le(data, g);
            long value = le(data, g + 4);
            long mask = le(data, g + 8);
            long old = registers.getOrDefault(addr, 0L);
            registers.put(addr, (old & ~mask | value & mask) & 0xffffffffL);
            if (addr == Esp8266Target.SPI_CMD && (value & Esp8266Target.SPI_CMD_USR) != 0) {
                runSpiUserCommand();
            }
        }
        return one(ok(RomLoader.WRITE_REG, 0));
    }

    /** The SPI controller finishes a user command at once: RDID answers the JEDEC ID. */
    private void runSpiUserCommand() {
        int command = (int) (registers.getOrDefault(Esp8266Target.SPI_USR2, 0L) & 0xff);
        if (command == Esp8266Target.SPI_FLASH_RDID) {
            registers.put(Esp8266Target.SPI_W0, (long) JEDEC_ID);
        } else if (command == 0x5A) {
            registers.put(Esp8266Target.SPI_W0, 0L); // SFDP: not an XMC chip
        }
        registers.put(Esp8266Target.SPI_CMD, registers.get(Esp8266Target.SPI_CMD) & ~Esp8266Target.SPI_CMD_USR);
    }

    private Result flashBegin(byte[] data) {
        if (data.length != 16) {
            return one(status(RomLoader.FLASH_BEGIN, 0, RomLoader.ERR_INVALID_MESSAGE));
        }
        int eraseSize = (int) le(data, 0);
        numBlocks = (int) le(data, 4);
        blockSize = (int) le(data, 8);
        flashOffset = (int) le(data, 12);
        flash.beginSession();
        if (eraseSize > 0) {
            // The ROM's SPIEraseArea bug: n requested sectors erase n + min(n, head).
            int[] sectors = Esp8266Target.romErasedSectors(eraseSize, flashOffset);
            flash.eraseSectors(sectors[0], sectors[1]);
        }
        flashing = true;
        nextSeq = 0;
        return one(ok(RomLoader.FLASH_BEGIN, 0));
    }

    private Result flashData(byte[] data, int checksum) {
        if (data.length < 16) {
            return one(status(RomLoader.FLASH_DATA, 0, RomLoader.ERR_INVALID_MESSAGE));
        }
        int len = (int) le(data, 0);
        int seq = (int) le(data, 4);
        byte[] payload = Arrays.copyOfRange(data, 16, data.length);
        flashBlocksReceived++;
        if (faults.takeCorruptBlock(seq) && payload.length > 0) {
            payload[payload.length / 2] ^= 0x01;
        }
        byte[] reply;
        if (!flashing || len != payload.length || len > blockSize) {
            reply = status(RomLoader.FLASH_DATA, 0, RomLoader.ERR_INVALID_MESSAGE);
        } else if (RomLoader.checksum(payload, 0, payload.length) != checksum) {
            reply = status(RomLoader.FLASH_DATA, 0, RomLoader.ERR_CHECKSUM);
        } else if (seq > nextSeq || seq >= numBlocks) {
            reply = status(RomLoader.FLASH_DATA, 0, ERR_SEQUENCE);
        } else {
            boolean ok = flash.program(flashOffset + seq * blockSize, payload) && !faults.takeFailedWrite(seq);
            if (seq == nextSeq) {
                nextSeq++;
            }
            reply = ok ? ok(RomLoader.FLASH_DATA, 0) : status(RomLoader.FLASH_DATA, 0, RomLoader.ERR_FLASH_WRITE);
        }
        if (faults.takeDroppedReply(seq)) {
            return new Result(List.of(), AfterReply.NONE);
        }
        return one(reply);
    }

    private Result flashEnd(byte[] data) {
        if (data.length != 4) {
            return one(status(RomLoader.FLASH_END, 0, RomLoader.ERR_INVALID_MESSAGE));
        }
        flashing = false;
        AfterReply after = le(data, 0) == 0 ? AfterReply.REBOOT : AfterReply.RUN_USER_CODE;
        return new Result(List.of(ok(RomLoader.FLASH_END, 0)), after);
    }

    private Result memData(byte[] data, int checksum) {
        if (data.length < 16 || le(data, 0) != data.length - 16) {
            return one(status(RomLoader.MEM_DATA, 0, RomLoader.ERR_INVALID_MESSAGE));
        }
        if (RomLoader.checksum(data, 16, data.length) != checksum) {
            return one(status(RomLoader.MEM_DATA, 0, RomLoader.ERR_CHECKSUM));
        }
        return one(ok(RomLoader.MEM_DATA, 0));
    }

    private static Result one(byte[] reply) {
        return new Result(List.of(reply), AfterReply.NONE);
    }

    private static byte[] ok(int op, long value) {
        return status(op, value, -1);
    }

    /** A response with 2 status bytes: {@code error < 0} means success (00 00), else 01 error. */
    private static byte[] status(int op, long value, int error) {
        ByteBuffer b = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 1).put((byte) op).putShort((short) 2).putInt((int) value);
        if (error < 0) {
            b.put((byte) 0).put((byte) 0);
        } else {
            b.put((byte) 1).put((byte) error);
        }
        return b.array();
    }

    private static long le(byte[] d, int at) {
        return ByteBuffer.wrap(d, at, 4).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xffffffffL;
    }
}
