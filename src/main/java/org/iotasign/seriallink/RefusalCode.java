package org.iotasign.seriallink;

/** Why the signer refused a blob; the wire code travels in REFUSED frames. */
public enum RefusalCode {
    /** The blob was examined (structure, device checks, signing policy) and refused. */
    REJECTED(1),
    /** The operator declined at the review. */
    DECLINED(2),
    /** The bytes received do not hash to the digest the bridge announced, or their length differs. */
    DIGEST_MISMATCH(3),
    /** The announced length exceeds the signer's maximum blob size. */
    TOO_LARGE(4),
    /** The signer cannot sign now (token missing, ledger not writable): retry after fixing the signer. */
    SIGNER_FAULT(5);

    public final int code;

    RefusalCode(int code) {
        this.code = code;
    }

    /** Unknown codes from a newer signer read as {@link #REJECTED}: still a refusal. */
    public static RefusalCode of(int code) {
        for (RefusalCode c : values()) {
            if (c.code == code) {
                return c;
            }
        }
        return REJECTED;
    }
}
