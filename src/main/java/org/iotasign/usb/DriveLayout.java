package org.iotasign.usb;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.iotasign.crypto.Hashes;
import org.iotasign.release.ReleaseVersion;

/**
 * The folders on a signing drive. The build machine puts unsigned blobs in
 * {@code iotasign/outbox/}; the signer writes {@code iotasign/signed/<version>.bin}, its
 * receipt {@code <version>.bin.receipt.json}, and {@code iotasign/rejected/<name>.reason.txt}.
 * The paths are for messages and tests; the signer opens each level of the drive
 * without following links ({@link org.iotasign.io.SafeFolder}) and uses the names below.
 */
public record DriveLayout(Path drive) {
    public static final String INPUT_SUFFIX = ".unsigned";
    public static final String BASE = "iotasign";
    public static final String OUTBOX = "outbox";
    public static final String SIGNED = "signed";
    public static final String REJECTED = "rejected";
    private static final String REASON_SUFFIX = ".reason.txt";
    /**
     * Longest input name (UTF-8 bytes) kept whole in a reason-file name: with
     * {@code ~HASH.reason.txt} and the temp file's {@code .NAME.RANDOM.tmp} it stays under
     * the 255 bytes a file name may have.
     */
    static final int MAX_REASON_STEM = 180;
    private static final int HASH_CHARS = 12;

    public Path base() {
        return drive.resolve(BASE);
    }

    public Path outbox() {
        return base().resolve(OUTBOX);
    }

    public Path signed() {
        return base().resolve(SIGNED);
    }

    public Path rejected() {
        return base().resolve(REJECTED);
    }

    public Path signedBlob(String version) {
        return signed().resolve(signedBlobName(version));
    }

    public Path receipt(String version) {
        return signed().resolve(receiptName(version));
    }

    public Path reason(String inputName) {
        return rejected().resolve(reasonName(inputName));
    }

    /**
     * {@code <version>.bin}; the version must be valid ({@link ReleaseVersion#problem}), so it
     * can never name another folder.
     */
    public static String signedBlobName(String version) {
        ReleaseVersion.problem(version).ifPresent(p -> {
            throw new IllegalArgumentException(p);
        });
        return version + ".bin";
    }

    public static String receiptName(String version) {
        return signedBlobName(version) + ".receipt.json";
    }

    /**
     * {@code <name>.reason.txt}, with a long name cut to {@value #MAX_REASON_STEM} bytes and
     * {@code ~} plus the start of SHA-256 of the whole name added, so that every name gets a
     * reason file the file system accepts and two long names do not share one.
     */
    public static String reasonName(String inputName) {
        byte[] utf8 = inputName.getBytes(StandardCharsets.UTF_8);
        if (utf8.length <= MAX_REASON_STEM) {
            return inputName + REASON_SUFFIX;
        }
        int room = MAX_REASON_STEM - 1 - HASH_CHARS;
        StringBuilder cut = new StringBuilder();
        int bytes = 0;
        for (int i = 0; i < inputName.length(); ) {
            int cp = inputName.codePointAt(i);
            int n = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
            if (bytes + n > room) {
                break;
            }
            cut.appendCodePoint(cp);
            bytes += n;
            i += Character.charCount(cp);
        }
        return cut + "~" + hash(utf8) + REASON_SUFFIX;
    }

    /**
     * The reason-file name for an input whose name cannot be decoded in this locale: ASCII
     * only, from {@code decoded} (the name as decoded, with replacement characters).
     */
    public static String undecodableReasonName(String decoded) {
        return "undecodable-name~" + hash(decoded.getBytes(StandardCharsets.UTF_8)) + REASON_SUFFIX;
    }

    private static String hash(byte[] bytes) {
        return Hashes.sha256Hex(bytes).substring(0, HASH_CHARS);
    }
}
