package org.iotasign.crypto;

import java.util.Arrays;
import java.util.HexFormat;

import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/** A 32-byte Ed25519 public key: verification and the fingerprint every command shows. */
public final class Ed25519PublicKey {
    public static final int LENGTH = 32;
    public static final int SIGNATURE_LENGTH = 64;

    /** The key compiled into stock IoTaWatt firmware (common.cpp); only its author can sign for it. */
    public static final Ed25519PublicKey STOCK_IOTAWATT =
            fromHex("7b362ac77472dc54cc2cea2e889ce0ea3f205a78220cbc782be6285a219cb7f3");

    private final byte[] bytes;

    private Ed25519PublicKey(byte[] bytes) {
        this.bytes = bytes;
    }

    public static Ed25519PublicKey of(byte[] raw) {
        if (raw.length != LENGTH) {
            throw new IllegalArgumentException("an Ed25519 public key is 32 bytes, got " + raw.length);
        }
        return new Ed25519PublicKey(raw.clone());
    }

    public static Ed25519PublicKey fromHex(String hex) {
        return of(HexFormat.of().parseHex(hex));
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    public String hex() {
        return HexFormat.of().formatHex(bytes);
    }

    /**
     * Short fingerprint: the first 8 bytes of SHA-256 over the raw key, as four groups
     * of four hex digits. Shown by every command that uses a key.
     */
    public String fingerprint() {
        return Fingerprints.of(Hashes.sha256(bytes));
    }

    /** Plain Ed25519 verification of {@code signature} over {@code message}; never throws on bad input. */
    public boolean verify(byte[] message, byte[] signature) {
        if (signature == null || signature.length != SIGNATURE_LENGTH) {
            return false;
        }
        try {
            Ed25519Signer verifier = new Ed25519Signer();
            verifier.init(false, new Ed25519PublicKeyParameters(bytes, 0));
            verifier.update(message, 0, message.length);
            return verifier.verifySignature(signature);
        } catch (RuntimeException invalidPoint) {
            return false;
        }
    }

    /** True when the 32 key bytes appear anywhere in {@code image} (the firmware embeds the key). */
    public boolean isEmbeddedIn(byte[] image) {
        outer:
        for (int i = 0; i + LENGTH <= image.length; i++) {
            if (image[i] != bytes[0]) {
                continue;
            }
            for (int j = 1; j < LENGTH; j++) {
                if (image[i + j] != bytes[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Ed25519PublicKey && Arrays.equals(bytes, ((Ed25519PublicKey) o).bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "Ed25519PublicKey[" + fingerprint() + "]";
    }
}
