package org.iotasign.seriallink;

/** Message types of the serial link protocol (docs/serial-link.md, "Messages"). */
public enum FrameType {
    /** Bridge to signer: start of a session; payload carries the protocol version. */
    HELLO(0x01),
    /** Signer to bridge: protocol version, window, chunk and blob limits, public key, fingerprint. */
    HELLO_OK(0x02),
    /** Bridge to signer: blob length, SHA-256 and chunk size. */
    ANNOUNCE(0x03),
    /** Signer to bridge: transfer id and the chunk to send next (resume point). */
    READY(0x04),
    /** Bridge to signer: one chunk; seq is the chunk index. */
    DATA(0x05),
    /** Signer to bridge: cumulative acknowledgement; seq is the next chunk expected. */
    ACK(0x06),
    /** Bridge to signer: asks for the verdict (or the resume point if chunks are missing). */
    QUERY(0x07),
    /** Signer to bridge: no verdict yet; stage and the next chunk expected. */
    PENDING(0x08),
    /** Signer to bridge: the signer's own digest and the 64-byte signature. */
    SIGNED(0x09),
    /** Signer to bridge: refusal with digest, reason code and reason text. */
    REFUSED(0x0A),
    /** Bridge to signer: abandon the transfer. */
    CANCEL(0x0B),
    /** Signer to bridge: the transfer is abandoned. */
    CANCELLED(0x0C),
    /** Either way: the request could not be handled; code and text. */
    ERROR(0x0E);

    public final int code;

    FrameType(int code) {
        this.code = code;
    }

    /** @return the type for a wire code, or null for a code this version does not know */
    public static FrameType of(int code) {
        for (FrameType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        return null;
    }
}
