package org.iotasign.devsim;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.BitSet;

import org.iotasign.EnvironmentException;
import org.iotasign.UsageException;
import org.iotasign.io.AtomicFile;

/**
 * SPI NOR flash: erasing sets a 4 KiB sector to 0xFF, programming can only clear bits
 * (new = old AND data). Also records what the last flashing session erased and whether
 * anything was programmed outside it, so tests can prove erase coverage.
 */
public final class NorFlash {
    public static final int SECTOR = 0x1000;
    public static final int DEFAULT_SIZE = 4 * 1024 * 1024;

    private final byte[] data;
    private final BitSet erasedThisSession = new BitSet();
    private long bytesProgrammedOutsideErase;

    public NorFlash(int size) {
        data = new byte[size];
        Arrays.fill(data, (byte) 0xFF);
    }

    public synchronized int size() {
        return data.length;
    }

    /** Starts a flashing session: forgets what the previous one erased and programmed. */
    public synchronized void beginSession() {
        erasedThisSession.clear();
        bytesProgrammedOutsideErase = 0;
    }

    /** Erases {@code count} sectors from {@code firstSector}, clipped to the chip. */
    public synchronized void eraseSectors(int firstSector, int count) {
        int last = Math.min(firstSector + count, data.length / SECTOR);
        for (int s = firstSector; s < last; s++) {
            Arrays.fill(data, s * SECTOR, (s + 1) * SECTOR, (byte) 0xFF);
            erasedThisSession.set(s);
        }
    }

    /**
     * Programs {@code bytes} at {@code address} (AND into the old contents) and reads back:
     * true when the flash now holds exactly {@code bytes}.
     */
    public synchronized boolean program(int address, byte[] bytes) {
        if (address < 0 || address + bytes.length > data.length) {
            return false;
        }
        for (int i = 0; i < bytes.length; i++) {
            if (!erasedThisSession.get((address + i) / SECTOR)) {
                bytesProgrammedOutsideErase++;
            }
            data[address + i] &= bytes[i];
        }
        return Arrays.equals(data, address, address + bytes.length, bytes, 0, bytes.length);
    }

    public synchronized byte[] read(int address, int length) {
        return Arrays.copyOfRange(data, address, address + length);
    }

    public synchronized byte[] snapshot() {
        return data.clone();
    }

    /** Sectors erased since the last {@link #beginSession()}. */
    public synchronized BitSet erasedThisSession() {
        return (BitSet) erasedThisSession.clone();
    }

    /** Bytes programmed, since the session began, into sectors it had not erased. */
    public synchronized long bytesProgrammedOutsideErase() {
        return bytesProgrammedOutsideErase;
    }

    /** Loads an image file into the start of the flash (the rest stays as it was). */
    public synchronized void load(Path file) {
        try {
            byte[] content = Files.readAllBytes(file);
            if (content.length > data.length) {
                throw new UsageException("flash image " + file + " is " + content.length + " bytes, larger than the "
                        + data.length + "-byte flash: give the right file");
            }
            System.arraycopy(content, 0, data, 0, content.length);
        } catch (IOException e) {
            throw new EnvironmentException("cannot read flash image " + file + ": " + AtomicFile.describe(e));
        }
    }

    public void save(Path file) {
        AtomicFile.write(file, snapshot(), true);
    }
}
