package org.iotasign.seriallink;

import java.util.Objects;

/** The signer's answer for one blob: a signature over its own digest, or a refusal. */
public sealed interface Verdict permits Verdict.Signed, Verdict.Refused {
    /** The SHA-256 the signer computed from the bytes it received; null if it never had them all. */
    byte[] digest();

    record Signed(byte[] digest, byte[] signature) implements Verdict {
        public Signed {
            Objects.requireNonNull(digest);
            Objects.requireNonNull(signature);
            if (digest.length != Protocol.DIGEST_LENGTH || signature.length != Protocol.SIGNATURE_LENGTH) {
                throw new IllegalArgumentException("a signed verdict holds a 32-byte digest and a 64-byte signature");
            }
        }
    }

    /** @param reason one line for the operator and the uploader */
    record Refused(byte[] digest, RefusalCode code, String reason) implements Verdict {
        public Refused {
            Objects.requireNonNull(code);
            Objects.requireNonNull(reason);
        }
    }
}
