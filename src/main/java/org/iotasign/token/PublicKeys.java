package org.iotasign.token;

import org.iotasign.crypto.Ed25519PublicKey;
import org.iotasign.crypto.KeyFormats;

/** Reads a {@code --pubkey} argument: a PKCS#11 URI (the token's public key) or any form {@link KeyFormats} reads. */
public final class PublicKeys {
    private PublicKeys() {
    }

    /** A PKCS#11 URI is looked up on its token (no PIN needed); anything else goes to {@link KeyFormats#parseArgument}. */
    public static Ed25519PublicKey resolve(String arg) {
        return resolve(arg, TokenContext.fromEnvironment());
    }

    public static Ed25519PublicKey resolve(String arg, TokenContext ctx) {
        if (KeyUri.looksLikeUri(arg)) {
            return TokenKeys.publicKey(KeyUri.parse(arg), ctx);
        }
        return KeyFormats.parseArgument(arg);
    }
}
