package org.iotasign.release;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import org.iotasign.io.TerminalText;
import org.iotasign.EnvironmentException;
import org.iotasign.crypto.Ed25519PublicKey;
import org.iotasign.io.AtomicFile;

/**
 * The device's verdict on a signed blob, computed the device's way and in its order:
 * header, entry walk, trailing 64 bytes, signature over the SHA-256 digest, iotawatt.bin
 * present. Then the checks the device does not make but a release needs.
 */
public final class DeviceVerifier {
    private DeviceVerifier() {
    }

    /** Opens the blob afresh for each pass. */
    @FunctionalInterface
    interface Opener {
        ByteSource open() throws IOException;
    }

    public static DeviceVerdict verify(Path blob, Ed25519PublicKey key, String requestedVersion, FirmwareLimit limit) {
        try {
            return verify(() -> ByteSource.open(blob), key, requestedVersion, limit);
        } catch (IOException e) {
            throw new EnvironmentException("cannot read " + blob + ": " + AtomicFile.describe(e));
        }
    }

    public static DeviceVerdict verify(byte[] blob, Ed25519PublicKey key, String requestedVersion, FirmwareLimit limit) {
        try {
            return verify(() -> ByteSource.of(blob), key, requestedVersion, limit);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The device's decision alone, for a signer checking the blob it has just signed: the
     * walk, the SD card's names, the signature and iotawatt.bin, in the device's order. The
     * release checks are left out (the verdict has no findings and no blob): the signer ran them in
     * its review, on the same bytes before the signature.
     */
    public static DeviceVerdict deviceDecision(byte[] signedBlob, Ed25519PublicKey key) {
        try (ByteSource in = ByteSource.of(signedBlob)) {
            return verify(in, key, null, FirmwareLimit.DEFAULT, false);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static DeviceVerdict verify(Opener opener, Ed25519PublicKey key, String requestedVersion, FirmwareLimit limit) throws IOException {
        DeviceVerdict v;
        try (ByteSource in = opener.open()) {
            v = verify(in, key, requestedVersion, limit, true);
        }
        if (v.deviceAccepts() || v.blob().isPresent()) {
            return v;
        }
        // A common mistake deserves its own words: giving the .unsigned file to verify.
        boolean isUnsigned;
        try (ByteSource in = opener.open()) {
            isUnsigned = in.size() <= ReleaseBlob.MAX_IN_MEMORY && DeviceWalk.run(in, null, 0, false).outcome == DeviceWalk.Outcome.COMPLETE;
        }
        return isUnsigned
                ? new DeviceVerdict(false, v.deviceLog(), v.explanation() + " (this is an unsigned blob: sign it before verifying)", v.findings(), v.blob())
                : v;
    }

    private static DeviceVerdict verify(ByteSource in, Ed25519PublicKey key, String requestedVersion, FirmwareLimit limit,
                                        boolean releaseChecks) throws IOException {
        Findings findings = new Findings();
        if (in.size() > 0xFFFF_FFFFL) {
            return rejected(List.of(), "the file is larger than 4 GiB: the device's FAT card cannot hold it", findings);
        }
        byte[] wanted = null;
        if (requestedVersion != null) {
            byte[] v = requestedVersion.getBytes(StandardCharsets.ISO_8859_1);
            if (v.length < ReleaseLayout.VERSION_LENGTH) {
                return rejected(List.of(), "the requested version '" + requestedVersion + "' is shorter than 8 characters: the device would compare bytes past its end (undefined)", findings);
            }
            if (v.length > ReleaseLayout.VERSION_LENGTH) {
                findings.problem("the requested version '" + requestedVersion + "' is longer than 8 characters: the device compares only '"
                        + requestedVersion.substring(0, 8) + "', so two versions collide");
            }
            wanted = Arrays.copyOf(v, ReleaseLayout.VERSION_LENGTH);
        }
        // The device hashes the blob, not its entries; no caller of a verdict shows entry digests.
        DeviceWalk walk = DeviceWalk.run(in, wanted, ReleaseLayout.SIGNATURE_LENGTH, false);
        List<String> log = new ArrayList<>();
        if (walk.outcome != DeviceWalk.Outcome.COMPLETE) {
            if (walk.deviceLog != null) {
                log.add(walk.deviceLog);
            }
            return rejected(log, walk.explanation, findings);
        }
        ReleaseBlob blob = ReleaseBlob.fromWalk(walk, in.size(), true, limit);
        // The device's decision alone shows no blob: its ok() would not mean the release checks passed.
        Optional<ReleaseBlob> shown = releaseChecks ? Optional.of(blob) : Optional.empty();
        if (releaseChecks) {
            findings.addAll(blob.findings());
        }
        // The device creates each file as it walks, before the signature: a name its SD card
        // cannot create ends the update there.
        String folder = requestedVersion != null ? requestedVersion : blob.version();
        List<SdCardNames.Placement> placed = SdCardNames.place(walk.entries.stream().map(EntryInfo::name).toList());
        for (SdCardNames.Placement p : placed) {
            if (p.openFails().isPresent() && p.name().indexOf('/') < 0) {
                log.add("Updater: unable to create file: " + TerminalText.of(folder + "/" + p.name()));
                return new DeviceVerdict(false, log, p.openFails().get(), findings, shown);
            }
        }
        if (!key.verify(walk.digest, walk.trailer)) {
            log.add("Updater: Signature does not verify.");
            return new DeviceVerdict(false, log, "the signature does not verify with key " + key.fingerprint()
                    + ": the blob was changed after signing, or was signed with another key", findings, shown);
        }
        log.add("Updater: signature verified");
        if (walk.firmwareEntries == 0) {
            return new DeviceVerdict(false, log, "the signature verifies but there is no iotawatt.bin: the device rejects the update without another log line",
                    findings, shown);
        }
        if (releaseChecks && blob.firmware() != null && !blob.firmwareEmbeds(key)) {
            findings.problem(Finding.Code.FIRMWARE_LACKS_KEY, "iotawatt.bin does not embed the verifying key " + key.fingerprint()
                    + ": devices that install it could never verify a later update from this key and would need a serial re-flash");
        }
        return new DeviceVerdict(true, log, "the device would install version " + blob.version(), findings, shown);
    }

    private static DeviceVerdict rejected(List<String> log, String explanation, Findings findings) {
        return new DeviceVerdict(false, log, explanation, findings, Optional.empty());
    }
}
