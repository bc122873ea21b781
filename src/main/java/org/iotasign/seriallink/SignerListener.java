package org.iotasign.seriallink;

/** What the signer end reports while it serves, for the console and for tests. */
public interface SignerListener {
    SignerListener NONE = new SignerListener() {
    };

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
