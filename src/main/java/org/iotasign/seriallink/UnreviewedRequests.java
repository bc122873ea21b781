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
    UnreviewedRequests NONE = (cause, length, digest, reason) -> {
    };

    /** How the request ended. */
    enum Ending {
        /** The announcement was refused: no transfer started. */
        REFUSED,
        /** A transfer started and ended before every byte arrived. */
        ABANDONED
    }

    /** Why a request ended without a review: what records are aggregated by (see {@link DeskSigningService}). */
    enum Cause {
        /** The announcement could not be decoded. */
        MALFORMED(Ending.REFUSED),
        /** The announced chunk size is outside what the signer takes. */
        CHUNK_SIZE(Ending.REFUSED),
        /** An empty blob was announced. */
        EMPTY(Ending.REFUSED),
        /** The announced blob exceeds the signer's maximum. */
        TOO_LARGE(Ending.REFUSED),
        /** The bridge cancelled the transfer. */
        CANCELLED(Ending.ABANDONED),
        /** The bridge fell silent. */
        SILENT(Ending.ABANDONED),
        /** Another blob was announced while this one was arriving. */
        REPLACED(Ending.ABANDONED),
        /** The signer stopped. */
        SIGNER_STOPPED(Ending.ABANDONED);

        private final Ending ending;

        Cause(Ending ending) {
            this.ending = ending;
        }

        public Ending ending() {
            return ending;
        }
    }

    /**
     * @param cause           why the request ended (its kind; {@code reason} says it in words)
     * @param announcedLength the length the bridge announced (0 when the announcement could not be read)
     * @param announcedDigest the SHA-256 the bridge announced, or null when the announcement could not be read
     * @param reason          one line: why the request ended
     */
    void record(Cause cause, long announcedLength, byte[] announcedDigest, String reason);

    /** Writes what is held back (aggregated counts); called when the signer stops. */
    default void flush() {
    }
}
