package org.iotasign.release;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import org.iotasign.crypto.Hashes;
import org.iotasign.io.TerminalText;

/**
 * The device's {@code unpackUpdate} walk, reproduced step by step: the same reads, the
 * same unsigned 32-bit arithmetic, the same stale buffers, the same hashing. It records
 * what it sees instead of writing files, and stops where the device would loop forever.
 * Work and memory are bounded by the file size, never by a length field.
 */
final class DeviceWalk {
    /** How the walk ended. */
    enum Outcome {
        /** Walked exactly to {@code size - trailer}; the trailer is what remains. */
        COMPLETE,
        HEADER_INVALID,
        FORMAT_ERROR,
        /** A length field sends the device past the end of the file. */
        RUNS_PAST_END,
        /** The walk ended but the bytes left are not exactly the trailer. */
        NO_SIGNATURE,
    }

    /** Entries recorded in detail; a release needs a handful, a hostile blob may claim millions. */
    static final int MAX_RECORDED_ENTRIES = 4096;
    /** The largest firmware kept in memory for image checks (the ESP8266 maps at most 1 MiB of code). */
    static final int MAX_FIRMWARE_CAPTURE = 16 * 1024 * 1024;
    private static final long U32 = 0xFFFF_FFFFL;

    Outcome outcome;
    String deviceLog;
    String explanation;
    final List<EntryInfo> entries = new ArrayList<>();
    long entryCount;
    byte[] headerMagic = new byte[8];
    byte[] headerVersion = new byte[8];
    byte[] digest;
    byte[] trailer;
    byte[] firmware;
    long firmwareLength = -1;
    int firmwareEntries;

    private DeviceWalk() {
    }

    /**
     * @param requestedVersion the version the device asked for (compared on 8 bytes; null: the header's own)
     * @param trailerLength    64 for a signed blob (the device's value), 0 for an unsigned one
     * @param entryDigests     false: the entries carry no digest (one pass over the blob fewer)
     */
    static DeviceWalk run(ByteSource in, byte[] requestedVersion, int trailerLength, boolean entryDigests) throws IOException {
        DeviceWalk w = new DeviceWalk();
        w.walk(in, requestedVersion, trailerLength, entryDigests);
        return w;
    }

    private void walk(ByteSource in, byte[] requestedVersion, int trailerLength, boolean entryDigests) throws IOException {
        MessageDigest sha = Hashes.sha256();
        long size = in.size();
        long pos = 0;
        long binarySize = (size - trailerLength) & U32;
        // One 32-byte buffer shared by the blob header and the entry headers, as in the device's union.
        byte[] header = new byte[32];

        int n = in.read(header, 0, ReleaseLayout.HEADER_LENGTH);
        pos += n;
        sha.update(header, 0, ReleaseLayout.HEADER_LENGTH);
        binarySize = (binarySize - ReleaseLayout.HEADER_LENGTH) & U32;
        System.arraycopy(header, 0, headerMagic, 0, 8);
        System.arraycopy(header, 8, headerVersion, 0, 8);
        byte[] wanted = requestedVersion == null ? headerVersion : requestedVersion;
        if (!Arrays.equals(headerMagic, ReleaseLayout.MAGIC) || !Arrays.equals(headerVersion, 0, 8, wanted, 0, 8)) {
            outcome = Outcome.HEADER_INVALID;
            deviceLog = "Updater: release file header invalid. " + ascii(headerMagic) + " " + ascii(headerVersion);
            if (size < ReleaseLayout.HEADER_LENGTH) {
                explanation = "the file is only " + size + " bytes, too short for the 16-byte release header";
            } else if (!Arrays.equals(headerMagic, ReleaseLayout.MAGIC)) {
                explanation = "the file does not start with 'IotaWatt': it is not a release blob";
            } else {
                explanation = "the header names version '" + ascii(headerVersion) + "' but the device asked for '" + ascii(Arrays.copyOf(wanted, 8)) + "'";
            }
            return;
        }

        byte[] chunk = new byte[ReleaseLayout.DEVICE_CHUNK];
        while (binarySize != 0) {
            long entryOffset = pos;
            n = in.read(header, 0, ReleaseLayout.ENTRY_HEADER_LENGTH);
            pos += n;
            sha.update(header, 0, ReleaseLayout.ENTRY_HEADER_LENGTH);
            binarySize = (binarySize - ReleaseLayout.ENTRY_HEADER_LENGTH) & U32;
            if (!Arrays.equals(header, 0, 4, ReleaseLayout.FILE_TAG, 0, 4)) {
                outcome = Outcome.FORMAT_ERROR;
                deviceLog = "Updater: Release file format error.";
                explanation = entryOffset + ReleaseLayout.ENTRY_HEADER_LENGTH > size - trailerLength
                        ? "the entries do not end exactly " + trailerLength + " bytes before the end of the file, so the device read "
                          + (trailerLength > 0 ? "signature bytes" : "past the last entry") + " at offset " + entryOffset + " as an entry header (the file is "
                          + sizeMismatch(size, trailerLength) + ")"
                        : "no 'FILE' tag at offset " + entryOffset + ": the previous entry's length field does not match its data, or the blob is corrupt";
                return;
            }
            if (n == 0) {
                // Nothing left to read, and the stale header still says FILE: the device
                // re-creates the same entry again and again.
                outcome = Outcome.RUNS_PAST_END;
                explanation = "the entries claim more bytes than the file holds: the device would keep re-creating '"
                        + nameOf(header) + "' from stale buffers until its SD card fills";
                return;
            }
            long length = le32(header, 4);
            int nul = indexOfNul(header);
            String name = nameOf(header);
            boolean terminated = nul >= 0;
            boolean nameClean = true;
            for (int i = 8 + (terminated ? nul : 24); i < 32; i++) {
                nameClean &= header[i] == 0;
            }
            boolean firmwareEntry = ReleaseLayout.isFirmwareName(name);
            boolean capture = false;
            if (firmwareEntry) {
                firmwareEntries++;
                if (firmwareEntries == 1) {
                    firmwareLength = length;
                    capture = length <= MAX_FIRMWARE_CAPTURE && length <= size;
                    if (capture) {
                        firmware = new byte[(int) length];
                    }
                }
            }
            MessageDigest entrySha = entryDigests ? Hashes.sha256() : null;
            boolean paddingZero = true;
            long remaining = length;
            long dataOffset = 0;
            while (remaining != 0) {
                int data = (int) Math.min(remaining, ReleaseLayout.DEVICE_CHUNK);
                int toRead = (int) ReleaseLayout.padded(data);
                n = in.read(chunk, 0, toRead);
                pos += n;
                if (n < toRead) {
                    outcome = Outcome.RUNS_PAST_END;
                    explanation = "entry '" + name + "' at offset " + entryOffset + " claims " + length
                            + " bytes but the file ends " + (dataOffset + n) + " bytes into it: the device would read past the end and keep writing stale data until its SD card fills";
                    return;
                }
                sha.update(chunk, 0, toRead);
                binarySize = (binarySize - toRead) & U32;
                if (entrySha != null) {
                    entrySha.update(chunk, 0, data);
                }
                for (int i = data; i < toRead; i++) {
                    paddingZero &= chunk[i] == 0;
                }
                if (capture) {
                    System.arraycopy(chunk, 0, firmware, (int) dataOffset, data);
                }
                dataOffset += data;
                remaining -= data;
            }
            entryCount++;
            if (entries.size() < MAX_RECORDED_ENTRIES) {
                entries.add(new EntryInfo(name, entryOffset, length, Optional.ofNullable(entrySha).map(MessageDigest::digest), terminated, nameClean, paddingZero));
            }
        }
        digest = sha.digest();
        long available = size - pos;
        if (available != trailerLength) {
            outcome = Outcome.NO_SIGNATURE;
            deviceLog = "Updater: Update rejected, no signature.";
            explanation = available + " bytes follow the entries, not " + trailerLength;
            return;
        }
        trailer = new byte[trailerLength];
        in.read(trailer, 0, trailerLength);
        outcome = Outcome.COMPLETE;
    }

    private static String sizeMismatch(long size, int trailerLength) {
        return size + " bytes; trailing bytes such as a newline, or a cut " + (trailerLength > 0 ? "signature" : "entry") + ", cause this";
    }

    static long le32(byte[] b, int off) {
        return (b[off] & 0xffL) | (b[off + 1] & 0xffL) << 8 | (b[off + 2] & 0xffL) << 16 | (b[off + 3] & 0xffL) << 24;
    }

    private static int indexOfNul(byte[] header) {
        for (int i = 0; i < ReleaseLayout.NAME_FIELD_LENGTH; i++) {
            if (header[8 + i] == 0) {
                return i;
            }
        }
        return -1;
    }

    private static String nameOf(byte[] header) {
        int nul = indexOfNul(header);
        int len = nul >= 0 ? nul : ReleaseLayout.NAME_FIELD_LENGTH;
        return new String(header, 8, len, StandardCharsets.ISO_8859_1);
    }

    /** Bytes as text for log lines: printable ASCII kept, the rest escaped. */
    static String ascii(byte[] b) {
        return TerminalText.of(new String(b, StandardCharsets.ISO_8859_1));
    }
}
