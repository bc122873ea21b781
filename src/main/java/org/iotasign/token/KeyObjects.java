package org.iotasign.token;

import java.util.ArrayList;
import java.util.List;

import org.iotasign.EnvironmentException;
import org.iotasign.UsageException;
import org.iotasign.crypto.Ed25519PublicKey;

/** Finds and reads Ed25519 key objects on an open session. */
final class KeyObjects {
    private KeyObjects() {
    }

    /** Template selecting objects of {@code objectClass} by the URI's label and id. */
    static List<Cryptoki.Attribute> template(long objectClass, KeyUri uri) {
        List<Cryptoki.Attribute> t = new ArrayList<>();
        t.add(Cryptoki.Attribute.number(Pkcs11Constants.CKA_CLASS, objectClass));
        uri.object().ifPresent(label -> t.add(Cryptoki.Attribute.text(Pkcs11Constants.CKA_LABEL, label)));
        uri.id().ifPresent(id -> t.add(Cryptoki.Attribute.bytes(Pkcs11Constants.CKA_ID, id)));
        return t;
    }

    /** The single object of {@code objectClass} the URI names; explains none or several. */
    static long findOne(TokenSession s, long objectClass, KeyUri uri, String hintWhenMissing) {
        if (!uri.namesKey()) {
            throw new UsageException("key URI " + uri.describe() + " names a token but no key: add object=LABEL or id=%XX");
        }
        List<Long> found = s.cryptoki().findObjects(s.handle(), template(objectClass, uri));
        String kind = objectClass == Pkcs11Constants.CKO_PRIVATE_KEY ? "private key" : "public key";
        if (found.isEmpty()) {
            throw new EnvironmentException(kind + " " + uri.describe() + " not found on token '" + s.label() + "': "
                    + hintWhenMissing);
        }
        if (found.size() > 1) {
            throw new EnvironmentException(found.size() + " " + kind + "s on token '" + s.label() + "' match " + uri.describe()
                    + ": add id=%XX to the URI to pick one (see 'iotasign key list')");
        }
        long h = found.get(0);
        long type = s.cryptoki().readNumber(s.handle(), h, Pkcs11Constants.CKA_KEY_TYPE).orElse(-1L);
        byte[] params = s.cryptoki().readBytes(s.handle(), h, Pkcs11Constants.CKA_EC_PARAMS).orElse(new byte[0]);
        if (type != Pkcs11Constants.CKK_EC_EDWARDS || !EdwardsEncoding.isEd25519(params)) {
            throw new EnvironmentException(kind + " " + uri.describe() + " on token '" + s.label()
                    + "' is not an Ed25519 key: the device checks only Ed25519; choose or generate an Ed25519 key");
        }
        return h;
    }

    /** The 32-byte public key of a public key object. */
    static Ed25519PublicKey publicKey(TokenSession s, long publicObject, KeyUri uri) {
        byte[] point = s.cryptoki().readBytes(s.handle(), publicObject, Pkcs11Constants.CKA_EC_POINT)
                .orElseThrow(() -> new EnvironmentException("public key " + uri.describe() + " has no CKA_EC_POINT: the token "
                        + "does not expose the key; export it with the token's own tool"));
        try {
            return EdwardsEncoding.decodePoint(point);
        } catch (IllegalArgumentException e) {
            throw new EnvironmentException("public key " + uri.describe() + ": " + e.getMessage()
                    + ": the token stores the key in a form iotasign does not know; please report it");
        }
    }
}
