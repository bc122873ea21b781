package org.iotasign.release;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.iotasign.EnvironmentException;
import org.iotasign.RejectedException;
import org.iotasign.crypto.Ed25519PublicKey;
import org.iotasign.crypto.Fingerprints;
import org.iotasign.espimage.Esp8266Image;
import org.iotasign.espimage.ImageCheck;
import org.iotasign.io.AtomicFile;

/**
 * A blob whose structure walks cleanly, signed or not: what {@code inspect} shows and
 * what {@code sign} signs. Parsing uses the device's own walk ({@link DeviceWalk}), so a
 * blob that parses here is one the device can walk.
 */
public final class ReleaseBlob {
    /** Largest blob read into memory (sign, USB, serial). Real releases are 1-3 MiB. */
    public static final long MAX_IN_MEMORY = 32L * 1024 * 1024;

    private final DeviceWalk walk;
    private final long size;
    private final boolean signed;
    private final FirmwareLimit limit;
    // Each pass over iotawatt.bin (CRC, checksums, a key search) costs a cold run more than
    // the rest of its work: each is made once, when first asked for, and kept.
    private Findings findings;
    private ImageCheck image;
    private final Map<Ed25519PublicKey, Boolean> embeds = new HashMap<>();

    private ReleaseBlob(DeviceWalk walk, long size, boolean signed, FirmwareLimit limit) {
        this.walk = walk;
        this.size = size;
        this.signed = signed;
        this.limit = limit;
    }

    static ReleaseBlob fromWalk(DeviceWalk walk, long size, boolean signed, FirmwareLimit limit) {
        return new ReleaseBlob(walk, size, signed, limit);
    }

    /** Parses a blob that must not carry a signature yet. */
    public static ReleaseBlob parseUnsigned(byte[] blob, FirmwareLimit limit) {
        return parse(blob, limit, false, true);
    }

    /** Parses a blob that must end with its 64-byte signature. */
    public static ReleaseBlob parseSigned(byte[] blob, FirmwareLimit limit) {
        return parse(blob, limit, true, true);
    }

    /**
     * As {@link #parseUnsigned}, for the packer checking the blob it has just made: without
     * the entries' digests, which only a review, {@code inspect} and the ledger show (a second
     * SHA-256 pass over the whole release, a sixth of {@code pack}).
     */
    static ReleaseBlob parsePacked(byte[] blob, FirmwareLimit limit) {
        return parse(blob, limit, false, false);
    }

    private static ReleaseBlob parse(byte[] blob, FirmwareLimit limit, boolean signed, boolean entryDigests) {
        try {
            DeviceWalk w = DeviceWalk.run(ByteSource.of(blob), null, signed ? ReleaseLayout.SIGNATURE_LENGTH : 0, entryDigests);
            requireComplete(w, signed);
            return new ReleaseBlob(w, blob.length, signed, limit);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Parses a blob of either kind (for {@code inspect}): signed when its entries end 64 bytes
     * before the end, unsigned when they end at the end.
     */
    public static ReleaseBlob read(Path path, FirmwareLimit limit) {
        try {
            DeviceWalk asSigned = walk(path, ReleaseLayout.SIGNATURE_LENGTH);
            if (asSigned.outcome == DeviceWalk.Outcome.COMPLETE) {
                return new ReleaseBlob(asSigned, Files.size(path), true, limit);
            }
            DeviceWalk asUnsigned = walk(path, 0);
            if (asUnsigned.outcome == DeviceWalk.Outcome.COMPLETE) {
                return new ReleaseBlob(asUnsigned, Files.size(path), false, limit);
            }
            requireComplete(asSigned, true);
            throw new IllegalStateException("unreachable");
        } catch (IOException e) {
            throw new EnvironmentException("cannot read " + path + ": " + AtomicFile.describe(e));
        }
    }

    /** Reads a whole blob into memory, refusing anything larger than {@link #MAX_IN_MEMORY}. */
    public static byte[] readBytes(Path path) {
        try {
            if (!Files.isRegularFile(path)) {
                throw new RejectedException(path + " is not a regular file: give the path of a release blob");
            }
            long size = Files.size(path);
            if (size > MAX_IN_MEMORY) {
                throw new RejectedException(path + " is " + size + " bytes, larger than any release (" + MAX_IN_MEMORY + " bytes at most)");
            }
            return Files.readAllBytes(path);
        } catch (IOException e) {
            throw new EnvironmentException("cannot read " + path + ": " + AtomicFile.describe(e));
        }
    }

    /** The signed release: the unsigned bytes followed by the 64-byte signature over their digest. */
    public static byte[] withSignature(byte[] unsigned, byte[] signature) {
        byte[] signed = Arrays.copyOf(unsigned, unsigned.length + signature.length);
        System.arraycopy(signature, 0, signed, unsigned.length, signature.length);
        return signed;
    }

    private static DeviceWalk walk(Path path, int trailer) throws IOException {
        try (ByteSource in = ByteSource.open(path)) {
            if (in.size() > 0xFFFF_FFFFL) {
                throw new RejectedException(path + " is larger than 4 GiB: no release can be, and the device's FAT card cannot hold it");
            }
            return DeviceWalk.run(in, null, trailer, true);
        }
    }

    private static void requireComplete(DeviceWalk w, boolean signed) {
        if (w.outcome != DeviceWalk.Outcome.COMPLETE) {
            throw new RejectedException("not a valid " + (signed ? "signed" : "unsigned") + " release blob: " + w.explanation);
        }
    }

    public String version() {
        return new String(walk.headerVersion, StandardCharsets.ISO_8859_1);
    }

    public List<EntryInfo> entries() {
        return List.copyOf(walk.entries);
    }

    public long size() {
        return size;
    }

    /** The 32-byte SHA-256 over everything before the signature: the message that is signed. */
    public byte[] bodyDigest() {
        return walk.digest.clone();
    }

    public String digestFingerprint() {
        return Fingerprints.of(walk.digest);
    }

    public boolean isSigned() {
        return signed;
    }

    public Optional<byte[]> signature() {
        return signed ? Optional.of(walk.trailer.clone()) : Optional.empty();
    }

    /** The iotawatt.bin bytes (null when absent or implausibly large). */
    public byte[] firmware() {
        return walk.firmware == null ? null : walk.firmware.clone();
    }

    /** Problems make the release unacceptable; warnings are shown to the operator. */
    public synchronized Findings findings() {
        if (findings == null) {
            findings = ReleaseRules.check(walk, walk.firmware == null ? null : imageCheck().orElseThrow(), limit);
        }
        return findings;
    }

    /** What iotawatt.bin is as an ESP8266 image; empty when {@link #firmware()} is null. */
    public synchronized Optional<ImageCheck> imageCheck() {
        if (walk.firmware == null) {
            return Optional.empty();
        }
        if (image == null) {
            image = Esp8266Image.check(walk.firmware);
        }
        return Optional.of(image);
    }

    public synchronized boolean firmwareEmbeds(Ed25519PublicKey key) {
        return walk.firmware != null && embeds.computeIfAbsent(key, k -> k.isEmbeddedIn(walk.firmware));
    }
}
