package org.iotasign.site;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.iotasign.crypto.Ed25519PublicKey;
import org.iotasign.release.DeviceVerdict;
import org.iotasign.release.DeviceVerifier;
import org.iotasign.release.FirmwareLimit;
import org.iotasign.release.ReleaseBlob;

/**
 * The only place the site code looks at a release blob. Publishing, checking and probing
 * all go through here so that they judge a blob exactly as a device does
 * ({@link DeviceVerifier}).
 */
final class ReleaseCheck {
    /**
     * @param deviceAccepts the device's unpackUpdate would accept it and install
     * @param version       the version in the blob's header when its structure walks cleanly
     * @param deviceLog     what the device logs while unpacking, in order
     * @param explanation   the verdict in plain words
     * @param problems      what makes it unsafe to publish although a device may accept it
     */
    record Verdict(boolean deviceAccepts, Optional<String> version, List<String> deviceLog, String explanation,
                   List<String> problems) {
        /** Fit to publish: the device installs it and nothing about it is unsafe. */
        boolean publishable() {
            return deviceAccepts && problems.isEmpty();
        }
    }

    private ReleaseCheck() {
    }

    /**
     * The device's verdict for {@code blob} downloaded as {@code requestedVersion}; with a
     * null version the header's own version is taken as the requested one.
     */
    static Verdict verify(Path blob, Ed25519PublicKey key, String requestedVersion) {
        DeviceVerdict v = DeviceVerifier.verify(blob, key, requestedVersion, FirmwareLimit.DEFAULT);
        return new Verdict(v.deviceAccepts(), v.blob().map(ReleaseBlob::version), v.deviceLog(), v.explanation(),
                v.findings().problems());
    }
}
