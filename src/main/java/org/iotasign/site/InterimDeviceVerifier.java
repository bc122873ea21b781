package org.iotasign.site;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.iotasign.EnvironmentException;
import org.iotasign.crypto.Ed25519PublicKey;
import org.iotasign.io.AtomicFile;

/**
 * The device's unpackUpdate walk (updater.cpp), used by {@link ReleaseCheck} until the
 * release package's device verifier is available. It follows the device's order and log
 * lines; where the device would run off the end of the file it stops with the device's
 * "format error" line instead of imitating undefined reads.
 */
final class InterimDeviceVerifier {
    private static final int SIGNATURE = 64;
    private static final int HEADER = 16;
    private static final int ENTRY_HEADER = 32;
    private static final int CHUNK = 512;
    private static final long MAX_BLOB = 64L << 20;

    private InterimDeviceVerifier() {
    }

    static ReleaseCheck.Verdict verify(Path path, Ed25519PublicKey key, String version) {
        byte[] blob;
        try {
            if (Files.size(path) > MAX_BLOB) {
                return rejected(List.of(), "the file is larger than 64 MiB: not a release blob");
            }
            blob = Files.readAllBytes(path);
        } catch (IOException e) {
            throw new EnvironmentException("cannot read " + path + ": " + AtomicFile.describe(e));
        }
        List<String> log = new ArrayList<>();
        MessageDigest sha = sha256();
        byte[] requested = Arrays.copyOf(version.getBytes(StandardCharsets.ISO_8859_1), 8);
        if (blob.length < HEADER
                || !Arrays.equals(blob, 0, 8, "IotaWatt".getBytes(StandardCharsets.US_ASCII), 0, 8)
                || !Arrays.equals(blob, 8, 16, requested, 0, 8)) {
            String magic = new String(blob, 0, Math.min(8, blob.length), StandardCharsets.ISO_8859_1);
            String release = blob.length >= 16 ? new String(blob, 8, 8, StandardCharsets.ISO_8859_1) : "";
            log.add("Updater: release file header invalid. " + magic + release + " " + release);
            return rejected(log, "the header is not 'IotaWatt' followed by the requested version " + version);
        }
        sha.update(blob, 0, HEADER);
        long remaining = blob.length - SIGNATURE - HEADER;
        int at = HEADER;
        boolean firmwareFound = false;
        while (remaining > 0) {
            if (at + ENTRY_HEADER > blob.length - SIGNATURE) {
                log.add("Updater: Release file format error.");
                return rejected(log, "the entries do not end exactly where the 64-byte signature begins");
            }
            sha.update(blob, at, ENTRY_HEADER);
            remaining -= ENTRY_HEADER;
            if (!Arrays.equals(blob, at, at + 4, "FILE".getBytes(StandardCharsets.US_ASCII), 0, 4)) {
                log.add("Updater: Release file format error.");
                return rejected(log, "an entry at offset " + at + " does not start with FILE");
            }
            long len = ByteBuffer.wrap(blob, at + 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xffffffffL;
            int nameEnd = at + 8;
            while (nameEnd < at + ENTRY_HEADER && blob[nameEnd] != 0) {
                nameEnd++;
            }
            String name = new String(blob, at + 8, nameEnd - at - 8, StandardCharsets.ISO_8859_1);
            firmwareFound |= name.toLowerCase(Locale.ROOT).equals("iotawatt.bin");
            at += ENTRY_HEADER;
            long padded = (len + 7) / 8 * 8;
            if (at + padded > blob.length - SIGNATURE) {
                log.add("Updater: Release file format error.");
                return rejected(log, "entry '" + name + "' claims " + len + " bytes, which run past the signature");
            }
            for (long left = len; left > 0; ) {
                int chunk = (int) Math.min(left, CHUNK);
                int read = chunk % 8 == 0 ? chunk : chunk + 8 - chunk % 8;
                sha.update(blob, at, read);
                at += read;
                remaining -= read;
                left -= chunk;
            }
        }
        if (remaining != 0 || blob.length - at != SIGNATURE) {
            log.add("Updater: Update rejected, no signature.");
            return rejected(log, "exactly 64 signature bytes must follow the last entry");
        }
        byte[] digest = sha.digest();
        if (!key.verify(digest, Arrays.copyOfRange(blob, at, at + SIGNATURE))) {
            log.add("Updater: Signature does not verify.");
            return rejected(log, "the signature does not verify with key " + key.fingerprint());
        }
        log.add("Updater: signature verified");
        if (!firmwareFound) {
            return rejected(log, "the release has no iotawatt.bin entry, so the device installs nothing");
        }
        return new ReleaseCheck.Verdict(true, log, "signature verifies with key " + key.fingerprint());
    }

    private static ReleaseCheck.Verdict rejected(List<String> log, String why) {
        return new ReleaseCheck.Verdict(false, log, why);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
