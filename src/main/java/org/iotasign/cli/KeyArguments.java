package org.iotasign.cli;

import org.iotasign.crypto.Ed25519PublicKey;
import org.iotasign.token.PublicKeys;

/** How commands turn a KEY argument into a public key: the one place that knows every form. */
final class KeyArguments {
    private KeyArguments() {
    }

    static Ed25519PublicKey publicKey(String arg) {
        return PublicKeys.resolve(arg);
    }
}
