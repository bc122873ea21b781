package org.iotasign.seriallink;

import java.time.Duration;

/**
 * Limits and timers of the signer end.
 *
 * @param maxBlobBytes largest blob accepted; the only large allocation the signer makes
 * @param window       chunks a bridge may send ahead of the acknowledged ones
 * @param maxChunk     largest chunk a bridge may use (at most {@link Protocol#MAX_CHUNK})
 * @param abandonAfter a transfer that hears nothing for this long is dropped and its memory freed
 */
public record SignerSettings(int maxBlobBytes, int window, int maxChunk, Duration abandonAfter) {
    public static final int DEFAULT_MAX_BLOB = 4 * 1024 * 1024;

    public static SignerSettings defaults() {
        return new SignerSettings(DEFAULT_MAX_BLOB, Protocol.DEFAULT_WINDOW, Protocol.MAX_CHUNK, Duration.ofMinutes(5));
    }

    public SignerSettings {
        if (maxBlobBytes < 1 || window < 1 || window > Protocol.MAX_WINDOW
                || maxChunk < Protocol.MIN_CHUNK || maxChunk > Protocol.MAX_CHUNK) {
            throw new IllegalArgumentException("signer settings out of range");
        }
    }

    public SignerSettings withMaxBlobBytes(int n) {
        return new SignerSettings(n, window, maxChunk, abandonAfter);
    }

    public SignerSettings withAbandonAfter(Duration d) {
        return new SignerSettings(maxBlobBytes, window, maxChunk, d);
    }
}
