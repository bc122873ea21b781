package org.iotasign.devsim;

import java.net.URI;
import java.time.Duration;

import org.iotasign.crypto.Ed25519PublicKey;
import org.iotasign.site.SiteLayout;

/**
 * The simulated firmware's update settings: the update host (IOTA_UPDATE_HOST), the
 * device's auto-update class, the public key compiled into the firmware, and how often
 * it checks (the device: every 3600 s, 301 s after a failed request).
 */
public record UpdaterConfig(URI server, String updateClass, Ed25519PublicKey appKey, Duration interval, Duration retryDelay) {
    public URI versionsUri() {
        return server.resolve(SiteLayout.VERSIONS_PATH);
    }

    public URI releaseUri(String version) {
        return server.resolve(SiteLayout.VERSIONS_DIR + version + ".bin");
    }
}
