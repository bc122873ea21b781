package org.iotasign.signing;

import org.iotasign.crypto.Ed25519PublicKey;
import org.iotasign.crypto.PublicKeySign;
import org.iotasign.ledger.AnchorStore;
import org.iotasign.token.TokenKey;

/**
 * The key a {@link SigningDesk} signs with, as the ledger records it.
 *
 * @param publicKey         the key's public half (the firmware must embed it)
 * @param signer            signs 32-byte digests (on the token)
 * @param tokenSerial       the token's serial number, for the ledger
 * @param description       where the key lives, for the operator (a PKCS#11 URI without PIN or paths)
 * @param neverLeftToken    false for an extractable or imported key
 * @param anchor            where the token anchors the ledger ({@link AnchorStore#NONE}: file protection only)
 */
public record SigningKey(Ed25519PublicKey publicKey, PublicKeySign signer, String tokenSerial, String description,
                         boolean neverLeftToken, AnchorStore anchor) {
    /** A key whose token does not anchor the ledger. */
    public SigningKey(Ed25519PublicKey publicKey, PublicKeySign signer, String tokenSerial, String description,
                      boolean neverLeftToken) {
        this(publicKey, signer, tokenSerial, description, neverLeftToken, AnchorStore.NONE);
    }

    /** The key of an open token session, anchoring the ledger on its token where the token can. */
    public static SigningKey of(TokenKey key) {
        return new SigningKey(key.publicKey(), key.signer(), key.tokenSerial(), key.uri().describe(), key.neverLeftToken(),
                TokenAnchor.of(key));
    }
}
