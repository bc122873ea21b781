package org.iotasign.espflash;

import java.io.IOException;
import java.util.Locale;

/**
 * What is particular to the ESP8266 ROM loader: 2 status bytes, the chip-detect magic,
 * the OTP words holding the MAC, the UART divider, SPI "user command" registers for the
 * flash JEDEC ID, 1 KiB flash blocks, and the erase-size workaround for the ROM's
 * SPIEraseArea bug. The ROM has no MD5, no read-back, no baud change and no compression.
 */
public final class Esp8266Target {
    public static final int STATUS_BYTES = 2;
    public static final long CHIP_DETECT_MAGIC_REG = 0x40001000L;
    public static final long CHIP_DETECT_MAGIC = 0xFFF0C101L;
    public static final long OTP_MAC0 = 0x3ff00050L;
    public static final long OTP_MAC1 = 0x3ff00054L;
    public static final long OTP_WORD2 = 0x3ff00058L;
    public static final long OTP_MAC3 = 0x3ff0005cL;
    public static final long UART_CLKDIV = 0x60000014L;
    public static final long UART_CLKDIV_MASK = 0xFFFFF;

    public static final long SPI_BASE = 0x60000200L;
    public static final long SPI_CMD = SPI_BASE;
    public static final long SPI_USR = SPI_BASE + 0x1c;
    public static final long SPI_USR1 = SPI_BASE + 0x20;
    public static final long SPI_USR2 = SPI_BASE + 0x24;
    public static final long SPI_W0 = SPI_BASE + 0x40;
    public static final long SPI_CMD_USR = 1L << 18;
    public static final long SPI_USR_COMMAND = 1L << 31;
    public static final long SPI_USR_MISO = 1L << 28;
    public static final int SPI_FLASH_RDID = 0x9F;

    /** Flash block size the ROM takes in FLASH_DATA (the stub's 16 KiB is not available). */
    public static final int FLASH_WRITE_SIZE = 0x400;
    public static final int SECTOR_SIZE = 0x1000;
    private static final int SECTORS_PER_BLOCK = 16;

    private Esp8266Target() {
    }

    /** What the chip tells about itself. */
    public record ChipInfo(String description, String mac, int crystalMhz) {
    }

    /**
     * The erase size to put in FLASH_BEGIN so that the buggy ROM erases the sectors
     * covering {@code [offset, offset+size)}: it erases {@code n + min(n, head)} sectors
     * for a request of n, head being the sectors up to the next 64 KiB boundary. Same
     * arithmetic as esptool's ESP8266ROM.get_erase_size, so an odd sector count inside
     * one 64 KiB block still gets one spare sector erased.
     */
    public static int eraseSize(int offset, int size) {
        int numSectors = (size + SECTOR_SIZE - 1) / SECTOR_SIZE;
        int startSector = offset / SECTOR_SIZE;
        int headSectors = SECTORS_PER_BLOCK - (startSector % SECTORS_PER_BLOCK);
        if (numSectors < headSectors) {
            headSectors = numSectors;
        }
        if (numSectors < 2 * headSectors) {
            return (numSectors + 1) / 2 * SECTOR_SIZE;
        }
        return (numSectors - headSectors) * SECTOR_SIZE;
    }

    /**
     * The sectors the ROM really erases for FLASH_BEGIN(eraseSize, offset): returns
     * {first sector, count}. The device simulator uses this to reproduce the bug.
     */
    public static int[] romErasedSectors(int eraseSize, int offset) {
        int n = (eraseSize + SECTOR_SIZE - 1) / SECTOR_SIZE;
        int start = offset / SECTOR_SIZE;
        int head = SECTORS_PER_BLOCK - (start % SECTORS_PER_BLOCK);
        return new int[] {start, n + Math.min(n, head)};
    }

    /** Reads the magic register; an IOException says the chip is something else. */
    public static void checkMagic(RomLoader loader, long timeoutMs) throws IOException {
        long magic = loader.readReg(CHIP_DETECT_MAGIC_REG, timeoutMs);
        if (magic != CHIP_DETECT_MAGIC) {
            throw new IOException(String.format("the chip is not an ESP8266 (chip-detect magic 0x%08x, expected 0x%08x)",
                    magic, CHIP_DETECT_MAGIC));
        }
    }

    public static ChipInfo readChipInfo(RomLoader loader, long timeoutMs) throws IOException {
        long w3 = loader.readReg(OTP_MAC3, timeoutMs);
        long w2 = loader.readReg(OTP_WORD2, timeoutMs);
        long w1 = loader.readReg(OTP_MAC1, timeoutMs);
        long w0 = loader.readReg(OTP_MAC0, timeoutMs);
        boolean is8285 = (w0 & (1 << 4)) != 0 || (w2 & (1 << 16)) != 0;
        long div = loader.readReg(UART_CLKDIV, timeoutMs) & UART_CLKDIV_MASK;
        double estimate = loader.transport().baud() * (double) div / 1e6 / 2;
        int crystal = estimate > 33 ? 40 : 26;
        return new ChipInfo(is8285 ? "ESP8285" : "ESP8266EX", mac(w0, w1, w3), crystal);
    }

    /** The station MAC as the SDK derives it from the OTP words. */
    static String mac(long mac0, long mac1, long mac3) {
        int[] oui;
        if (mac3 != 0) {
            oui = new int[] {(int) (mac3 >> 16) & 0xff, (int) (mac3 >> 8) & 0xff, (int) mac3 & 0xff};
        } else if (((mac1 >> 16) & 0xff) == 0) {
            oui = new int[] {0x18, 0xfe, 0x34};
        } else if (((mac1 >> 16) & 0xff) == 1) {
            oui = new int[] {0xac, 0xd0, 0x74};
        } else {
            return "unknown";
        }
        return String.format(Locale.ROOT, "%02x:%02x:%02x:%02x:%02x:%02x", oui[0], oui[1], oui[2],
                (mac1 >> 8) & 0xff, mac1 & 0xff, (mac0 >> 24) & 0xff);
    }

    /**
     * Reads the SPI flash JEDEC ID (manufacturer in the low byte, then memory type and
     * capacity) through the SPI controller's user-command registers. The ROM needs
     * FLASH_BEGIN(0, 0) first so the flash pins are attached.
     */
    public static int readFlashId(RomLoader loader, long timeoutMs) throws IOException {
        long oldUsr = loader.readReg(SPI_USR, timeoutMs);
        long oldUsr2 = loader.readReg(SPI_USR2, timeoutMs);
        loader.writeReg(SPI_USR1, (24 - 1) << 8, timeoutMs); // MISO bit length 24, no MOSI
        loader.writeReg(SPI_USR, SPI_USR_COMMAND | SPI_USR_MISO, timeoutMs);
        loader.writeReg(SPI_USR2, (7L << 28) | SPI_FLASH_RDID, timeoutMs);
        loader.writeReg(SPI_W0, 0, timeoutMs);
        loader.writeReg(SPI_CMD, SPI_CMD_USR, timeoutMs);
        boolean done = false;
        for (int i = 0; i < 10 && !done; i++) {
            done = (loader.readReg(SPI_CMD, timeoutMs) & SPI_CMD_USR) == 0;
        }
        if (!done) {
            throw new IOException("the SPI flash ID command did not complete");
        }
        long id = loader.readReg(SPI_W0, timeoutMs);
        loader.writeReg(SPI_USR, oldUsr, timeoutMs);
        loader.writeReg(SPI_USR2, oldUsr2, timeoutMs);
        return (int) (id & 0xffffff);
    }

    /** "4MB" for a JEDEC capacity byte of 0x16, as esptool names flash sizes. */
    public static String flashSizeName(int jedecId) {
        int capacity = (jedecId >> 16) & 0xff;
        return switch (capacity) {
            case 0x12 -> "256KB";
            case 0x13 -> "512KB";
            case 0x14 -> "1MB";
            case 0x15 -> "2MB";
            case 0x16 -> "4MB";
            case 0x17 -> "8MB";
            case 0x18 -> "16MB";
            default -> "unknown";
        };
    }
}
