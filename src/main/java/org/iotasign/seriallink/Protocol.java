package org.iotasign.seriallink;

/** Fixed numbers of the serial link protocol, version 1 (docs/serial-link.md). */
public final class Protocol {
    public static final int VERSION = 1;
    /**
     * Largest payload of any frame. A bridge picks its chunk size up to this and the signer's
     * limit: the ESP8266 bridge keeps 1 KiB chunks (its RAM holds the window), a host bridge
     * on a fast line sends 8 KiB ones, so framing costs 0.4 % of the line instead of 2.2 %.
     */
    public static final int MAX_PAYLOAD = 8192;
    /** type, flags, payload length, transfer, seq. */
    public static final int HEADER_LENGTH = 12;
    public static final int CRC_LENGTH = 4;
    public static final int MAX_FRAME = HEADER_LENGTH + MAX_PAYLOAD + CRC_LENGTH;
    /** Longest COBS-encoded frame, without delimiters; anything longer is discarded. */
    public static final int MAX_ENCODED_FRAME = Cobs.maxEncodedLength(MAX_FRAME);
    public static final int MIN_CHUNK = 16;
    public static final int MAX_CHUNK = MAX_PAYLOAD;
    public static final int MAX_WINDOW = 32;
    /**
     * Chunks in flight by default, at the default chunk of {@link #DEFAULT_CHUNK}: 16 x 1,047 bytes is 182 ms of line at 921600 baud, so a
     * bridge or signer that is not scheduled for a while (a busy build machine, a garbage
     * collection) does not leave the line idle; with 8 a busy build machine left it idle
     * for up to 3 % of a 1 MiB transfer (docs/benchmarks.md). The signer holds nothing for
     * a window (chunks ahead of the one it expects are dropped), and a full window plus a
     * USB adapter's round trip stays well under the bridge's 500 ms retransmission timer.
     */
    public static final int DEFAULT_WINDOW = 16;
    /** The chunk a bridge uses unless its line is fast enough for larger ones (see {@link BridgeSettings#forLine}). */
    public static final int DEFAULT_CHUNK = 1024;
    public static final int DIGEST_LENGTH = 32;
    public static final int SIGNATURE_LENGTH = 64;
    /** Longest reason text in REFUSED and ERROR frames, in UTF-8 bytes. */
    public static final int MAX_REASON = 512;

    /** PENDING stage: chunks are still missing. */
    public static final int STAGE_RECEIVING = 1;
    /** PENDING stage: all chunks are in; validation and operator review are under way. */
    public static final int STAGE_REVIEWING = 2;

    private Protocol() {
    }
}
