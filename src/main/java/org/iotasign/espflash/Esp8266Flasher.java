package org.iotasign.espflash;

import java.io.IOException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.function.Consumer;

import org.iotasign.crypto.Hashes;
import org.iotasign.io.Progress;

/**
 * The user operations on an ESP8266 ROM loader: connect (reset + SYNC with retries),
 * identify the chip, write an image (erase-bug workaround, 1 KiB blocks, per-block
 * retries) and leave the loader. Speaks only through {@link RomLoader}.
 */
public final class Esp8266Flasher {
    private final RomLoader loader;
    private final SerialTransport transport;
    private final Timings timings;
    private final Consumer<String> log;

    public Esp8266Flasher(SerialTransport transport, Timings timings, Consumer<String> log) {
        this.transport = transport;
        this.loader = new RomLoader(transport, Esp8266Target.STATUS_BYTES);
        this.timings = timings;
        this.log = log;
    }

    /** The chip never answered SYNC. */
    public static final class NoSyncException extends IOException {
        private static final long serialVersionUID = 1L;

        public NoSyncException(String message) {
            super(message);
        }
    }

    /** A block failed on every attempt; nothing after it was written. */
    public static final class BlockFailedException extends IOException {
        private static final long serialVersionUID = 1L;

        public BlockFailedException(String message) {
            super(message);
        }
    }

    /** What was written: offset, bytes sent (padded to 4), their MD5, and wire statistics. */
    public record WriteResult(int offset, int size, String md5, int blocks, int retries, long nanos) {
    }

    public RomLoader loader() {
        return loader;
    }

    /**
     * Resets into the loader (unless {@code NO_RESET}) and syncs, {@code attempts} rounds
     * of {@link Timings#syncsPerAttempt()} SYNCs each, alternating a short and a long
     * GPIO0 hold as esptool does. ModemLinesUnavailableException when the port has no
     * DTR/RTS.
     */
    public void connect(ResetMode before, int attempts) throws IOException {
        for (int attempt = 0; attempt < attempts; attempt++) {
            if (before == ResetMode.DEFAULT_RESET) {
                classicReset(attempt % 2 == 1);
            }
            for (int s = 0; s < timings.syncsPerAttempt(); s++) {
                try {
                    long value = loader.sync(timings.syncReplyMs(), timings.syncReplyMs());
                    if (value == 0) {
                        log.accept("warning: SYNC answered with value 0, as a flasher stub does, not the ROM");
                    }
                    return;
                } catch (RomLoader.NoReplyException e) {
                    sleep(50);
                }
            }
        }
        throw new NoSyncException("the chip on " + transport.name() + " never answered SYNC");
    }

    /**
     * esptool's classic reset: DTR drives GPIO0 and RTS drives EN, both active low.
     * EN low 100 ms, then EN high with GPIO0 low for 50 ms (500 ms on the alternate
     * attempts, for slow boards), then release GPIO0.
     */
    public void classicReset(boolean longHold) throws IOException {
        transport.setDtr(false);
        transport.setRts(true);
        sleep(100);
        transport.setDtr(true);
        transport.setRts(false);
        sleep(longHold ? 500 : 50);
        transport.setDtr(false);
    }

    /** Checks the chip is an ESP8266 and reads its description, MAC and crystal. */
    public Esp8266Target.ChipInfo identify() throws IOException {
        Esp8266Target.checkMagic(loader, timings.commandTimeoutMs());
        return Esp8266Target.readChipInfo(loader, timings.commandTimeoutMs());
    }

    /** Attaches the SPI flash (FLASH_BEGIN(0,0): the ROM has no SPI_ATTACH) and reads its JEDEC ID. */
    public int attachFlash() throws IOException {
        loader.checkedCommand("attach SPI flash", RomLoader.FLASH_BEGIN, RomLoader.words(0, 0, Esp8266Target.FLASH_WRITE_SIZE, 0), 0,
                timings.commandTimeoutMs());
        return Esp8266Target.readFlashId(loader, timings.commandTimeoutMs());
    }

    /**
     * Writes {@code image} at {@code offset}: pads it with 0xFF to a multiple of 4 (the MD5
     * covers that), erases what the blocks cover despite the ROM's erase bug, then sends
     * full 1 KiB blocks, each re-sent up to {@link Timings#blockAttempts()} times on a
     * checksum or flash error or a lost reply.
     */
    public WriteResult write(int offset, byte[] image, Progress progress) throws IOException {
        if (offset % Esp8266Target.SECTOR_SIZE != 0) {
            throw new IllegalArgumentException(String.format("offset 0x%x is not a multiple of the 4 KiB flash sector", offset));
        }
        long t0 = System.nanoTime();
        byte[] data = padTo(image, 4);
        int blockSize = Esp8266Target.FLASH_WRITE_SIZE;
        int blocks = (data.length + blockSize - 1) / blockSize;
        int erase = Esp8266Target.eraseSize(offset, data.length);
        byte[] begin = RomLoader.words(erase, blocks, blockSize, offset);
        retry("erase at " + hex(offset), () -> loader.checkedCommand("begin flash", RomLoader.FLASH_BEGIN, begin, 0,
                timings.eraseTimeoutMs(data.length)));
        int retries = 0;
        for (int seq = 0; seq < blocks; seq++) {
            int from = seq * blockSize;
            int to = Math.min(data.length, from + blockSize);
            byte[] block = Arrays.copyOfRange(data, from, from + blockSize);
            Arrays.fill(block, to - from, blockSize, (byte) 0xFF);
            byte[] payload = new byte[16 + blockSize];
            System.arraycopy(RomLoader.words(blockSize, seq, 0, 0), 0, payload, 0, 16);
            System.arraycopy(block, 0, payload, 16, blockSize);
            int chk = RomLoader.checksum(block, 0, blockSize);
            final int s = seq;
            retries += retry("block " + seq + " at " + hex(offset + from), () -> loader.checkedCommand(
                    "write block " + s, RomLoader.FLASH_DATA, payload, chk, timings.commandTimeoutMs()));
            progress.advance(to - from);
        }
        return new WriteResult(offset, data.length, md5(data), blocks, retries, System.nanoTime() - t0);
    }

    /** Leaves the loader as asked. ModemLinesUnavailableException when a hard reset needs RTS. */
    public void after(AfterMode mode) throws IOException {
        switch (mode) {
            case HARD_RESET -> {
                transport.setRts(true);
                sleep(100);
                transport.setRts(false);
            }
            case SOFT_RESET -> {
                loader.checkedCommand("begin flash", RomLoader.FLASH_BEGIN, RomLoader.words(0, 0, Esp8266Target.FLASH_WRITE_SIZE, 0), 0,
                        timings.commandTimeoutMs());
                loader.checkedCommand("run user code", RomLoader.FLASH_END, RomLoader.words(1), 0, timings.commandTimeoutMs());
            }
            case NO_RESET -> {
                // Stay in the loader.
            }
        }
    }

    private interface Step {
        void run() throws IOException;
    }

    /** Runs a step up to blockAttempts times; returns how many retries it needed. */
    private int retry(String what, Step step) throws IOException {
        IOException last = null;
        for (int attempt = 0; attempt < timings.blockAttempts(); attempt++) {
            try {
                step.run();
                return attempt;
            } catch (RomLoader.CommandFailedException | RomLoader.NoReplyException e) {
                last = e;
                log.accept(what + ": " + e.getMessage() + (attempt + 1 < timings.blockAttempts() ? ", retrying" : ""));
                if (e instanceof RomLoader.NoReplyException) {
                    loader.discardInput();
                }
            }
        }
        throw new BlockFailedException(what + " failed " + timings.blockAttempts() + " times (" + last.getMessage() + ")");
    }

    static byte[] padTo(byte[] data, int multiple) {
        int len = (data.length + multiple - 1) / multiple * multiple;
        byte[] out = Arrays.copyOf(data, len);
        Arrays.fill(out, data.length, len, (byte) 0xFF);
        return out;
    }

    public static String md5(byte[] data) {
        return HexFormat.of().formatHex(Hashes.md5(data));
    }

    static String hex(int v) {
        return String.format("0x%05x", v);
    }

    private static void sleep(long ms) throws IOException {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }
}
