package org.iotasign.seriallink;

/**
 * Where the signer records a request that ends without reaching the review: an
 * announcement it refused (too large, malformed), or a transfer that was cancelled,
 * abandoned, replaced by another announcement, or cut by the signer stopping. One call
 * per request: a retried announcement and a resumed transfer are the same request.
 * {@link DeskSigningService} writes these to the signing ledger.
 */
@FunctionalInterface
public interface UnreviewedRequests {
    /** For signers whose requests are recorded elsewhere or not at all (protocol tests). */
    UnreviewedRequests NONE = (ending, length, digest, reason) -> {
    };

    /** How the request ended. */
    enum Ending {
        /** The announcement was refused: no transfer started. */
        REFUSED,
        /** A transfer started and ended before every byte arrived. */
        ABANDONED
    }

    /**
     * @param announcedLength the length the bridge announced (0 when the announcement could not be read)
     * @param announcedDigest the SHA-256 the bridge announced, or null when the announcement could not be read
     * @param reason          one line: why the request ended
     */
    void record(Ending ending, long announcedLength, byte[] announcedDigest, String reason);
}
