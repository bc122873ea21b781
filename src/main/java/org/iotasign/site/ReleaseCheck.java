package org.iotasign.site;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.iotasign.EnvironmentException;
import org.iotasign.crypto.Ed25519PublicKey;
import org.iotasign.io.AtomicFile;

/**
 * The only place the site code looks at a release blob: reading the version from its
 * header and the device-exact verdict. Publishing, checking and probing all go through
 * here so that they judge a blob exactly as a device does.
 */
final class ReleaseCheck {
    /** What a device concludes about a downloaded blob. */
    record Verdict(boolean accepted, List<String> deviceLog, String explanation) {
    }

    private static final byte[] MAGIC = "IotaWatt".getBytes(StandardCharsets.US_ASCII);

    private ReleaseCheck() {
    }

    /** The 8-character version in bytes 8-15 of a blob whose first 8 bytes are {@code IotaWatt}. */
    static Optional<String> headerVersion(Path blob) {
        byte[] header = new byte[16];
        try (InputStream in = Files.newInputStream(blob)) {
            if (in.readNBytes(header, 0, 16) < 16) {
                return Optional.empty();
            }
        } catch (IOException e) {
            throw new EnvironmentException("cannot read " + blob + ": " + AtomicFile.describe(e));
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (header[i] != MAGIC[i]) {
                return Optional.empty();
            }
        }
        return Optional.of(new String(header, 8, 8, StandardCharsets.ISO_8859_1));
    }

    /** The device's unpack-and-verify verdict for {@code blob} downloaded as {@code requestedVersion}. */
    static Verdict verify(Path blob, Ed25519PublicKey key, String requestedVersion) {
        return InterimDeviceVerifier.verify(blob, key, requestedVersion);
    }
}
