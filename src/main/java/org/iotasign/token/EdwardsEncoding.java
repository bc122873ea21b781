package org.iotasign.token;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import org.iotasign.crypto.Ed25519PublicKey;

/** How tokens spell Ed25519 in CKA_EC_PARAMS and CKA_EC_POINT. */
public final class EdwardsEncoding {
    /** PrintableString "edwards25519": the only form the YubiKey and YubiHSM modules accept; used when generating. */
    public static final byte[] PARAMS_NAMED = HexFormat.of().parseHex("130c656477617264733235353139");
    /** OID 1.3.101.112 (id-Ed25519, RFC 8410). */
    static final byte[] PARAMS_OID_RFC8410 = HexFormat.of().parseHex("06032b6570");
    /** OID 1.3.6.1.4.1.11591.15.1 (GnuPG's curve OID, used by OpenPGP cards). */
    static final byte[] PARAMS_OID_GNU = HexFormat.of().parseHex("06092b06010401da470f01");
    private static final List<byte[]> ED25519_PARAMS = List.of(PARAMS_NAMED, PARAMS_OID_RFC8410, PARAMS_OID_GNU);

    private EdwardsEncoding() {
    }

    public static boolean isEd25519(byte[] ecParams) {
        return ED25519_PARAMS.stream().anyMatch(p -> Arrays.equals(p, ecParams));
    }

    /** CKA_EC_POINT as a DER OCTET STRING ({@code 04 20} + 32 bytes) or the raw 32 bytes. */
    public static Ed25519PublicKey decodePoint(byte[] ecPoint) {
        if (ecPoint.length == 34 && ecPoint[0] == 0x04 && ecPoint[1] == 0x20) {
            return Ed25519PublicKey.of(Arrays.copyOfRange(ecPoint, 2, 34));
        }
        if (ecPoint.length == 32) {
            return Ed25519PublicKey.of(ecPoint);
        }
        throw new IllegalArgumentException("CKA_EC_POINT of " + ecPoint.length + " bytes is neither 32 raw bytes nor a DER OCTET STRING of 32");
    }

    /** The DER OCTET STRING form, which is what PKCS#11 3.0 prescribes. */
    public static byte[] encodePoint(Ed25519PublicKey key) {
        byte[] out = new byte[34];
        out[0] = 0x04;
        out[1] = 0x20;
        System.arraycopy(key.bytes(), 0, out, 2, 32);
        return out;
    }
}
