package org.iotasign.crypto;

import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * An Ed25519 key held in memory. For tests and for checking token output only: the
 * appliance's release keys live in a PKCS#11 token.
 */
public final class SoftwareEd25519Signer implements PublicKeySign {
    private final Ed25519PrivateKeyParameters key;

    public SoftwareEd25519Signer(byte[] seed32) {
        if (seed32.length != 32) {
            throw new IllegalArgumentException("an Ed25519 seed is 32 bytes, got " + seed32.length);
        }
        this.key = new Ed25519PrivateKeyParameters(seed32, 0);
    }

    public Ed25519PublicKey publicKey() {
        return Ed25519PublicKey.of(key.generatePublicKey().getEncoded());
    }

    @Override
    public byte[] sign(byte[] digest) {
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, key);
        signer.update(digest, 0, digest.length);
        return signer.generateSignature();
    }
}
