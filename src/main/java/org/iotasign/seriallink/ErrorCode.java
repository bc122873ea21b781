package org.iotasign.seriallink;

/** Codes of ERROR frames: a request the signer could not act on (not a verdict). */
public enum ErrorCode {
    UNSUPPORTED_VERSION(1),
    /** DATA, QUERY or CANCEL name a transfer the signer does not hold (it restarted, or abandoned it). */
    NO_TRANSFER(2),
    /** A payload the signer cannot accept: wrong size, chunk beyond the announced length, bad chunk size. */
    BAD_REQUEST(3),
    /** The signer is reviewing another blob. */
    BUSY(4);

    public final int code;

    ErrorCode(int code) {
        this.code = code;
    }

    public static ErrorCode of(int code) {
        for (ErrorCode c : values()) {
            if (c.code == code) {
                return c;
            }
        }
        return BAD_REQUEST;
    }
}
