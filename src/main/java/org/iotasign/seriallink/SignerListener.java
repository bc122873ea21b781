package org.iotasign.seriallink;

/** What the signer end reports while it serves, for the console and for tests. */
public interface SignerListener {
    SignerListener NONE = new SignerListener() {
    };

    /** Reports every event to {@code first}, then to {@code second}. */
    static SignerListener both(SignerListener first, SignerListener second) {
        return new SignerListener() {
            @Override
            public void transferStarted(int transfer, long length, byte[] announcedDigest, boolean resumed, long receivedBytes) {
                first.transferStarted(transfer, length, announcedDigest, resumed, receivedBytes);
                second.transferStarted(transfer, length, announcedDigest, resumed, receivedBytes);
            }

            @Override
            public void progress(int transfer, long receivedBytes, long totalBytes) {
                first.progress(transfer, receivedBytes, totalBytes);
                second.progress(transfer, receivedBytes, totalBytes);
            }

            @Override
            public void reviewing(int transfer, byte[] receivedDigest) {
                first.reviewing(transfer, receivedDigest);
                second.reviewing(transfer, receivedDigest);
            }

            @Override
            public void verdict(int transfer, Verdict verdict) {
                first.verdict(transfer, verdict);
                second.verdict(transfer, verdict);
            }

            @Override
            public void transferEnded(int transfer, String reason) {
                first.transferEnded(transfer, reason);
                second.transferEnded(transfer, reason);
            }

            @Override
            public void linkLost(String link, String reason) {
                first.linkLost(link, reason);
                second.linkLost(link, reason);
            }

            @Override
            public void protocolError(int transfer, ErrorCode code, String text) {
                first.protocolError(transfer, code, text);
                second.protocolError(transfer, code, text);
            }
        };
    }

    /** A blob was announced ({@code resumed}: a partial transfer of the same blob continues at {@code fromChunk}). */
    default void transferStarted(int transfer, long length, byte[] announcedDigest, boolean resumed, long receivedBytes) {
    }

    default void progress(int transfer, long receivedBytes, long totalBytes) {
    }

    /** Every byte is in; validation and review start. */
    default void reviewing(int transfer, byte[] receivedDigest) {
    }

    default void verdict(int transfer, Verdict verdict) {
    }

    /** The transfer ended without a verdict: cancelled, abandoned, replaced, or the signer stopped. */
    default void transferEnded(int transfer, String reason) {
    }

    /** The port failed (adapter unplugged); the signer keeps the transfer and reopens the port. */
    default void linkLost(String link, String reason) {
    }

    /** Something a bridge sent was refused at the protocol level (not a verdict). */
    default void protocolError(int transfer, ErrorCode code, String text) {
    }
}
