package org.iotasign.token;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.iotasign.EnvironmentException;
import org.iotasign.RejectedException;
import org.iotasign.UsageException;
import org.iotasign.crypto.Ed25519PublicKey;
import org.iotasign.crypto.SoftwareEd25519Signer;

/** Creating, listing and reading Ed25519 keys on a token. */
public final class TokenKeys {
    private TokenKeys() {
    }

    /** A key pair on a token as iotasign sees it. */
    public record KeyInfo(String label, byte[] id, boolean hasPrivate, boolean hasPublic, Optional<Ed25519PublicKey> publicKey,
                          boolean ed25519, boolean sensitive, boolean extractable, boolean neverExtractable,
                          boolean alwaysAuthenticate) {
        /** The URI that selects this key, for copying into other commands. */
        public String uri(String tokenLabel) {
            return uriOf(tokenLabel, label, id);
        }
    }

    /** What {@link #generate} and {@link #importSeed} created. */
    public record CreatedKey(String tokenLabel, String label, byte[] id, Ed25519PublicKey publicKey) {
        /** The URI that selects exactly this key (token, label and id). */
        public String uri() {
            return uriOf(tokenLabel, label, id);
        }
    }

    static String uriOf(String tokenLabel, String label, byte[] id) {
        StringBuilder sb = new StringBuilder("pkcs11:token=").append(KeyUri.encode(tokenLabel));
        if (!label.isEmpty()) {
            sb.append(";object=").append(KeyUri.encode(label));
        }
        if (id.length > 0) {
            sb.append(";id=");
            for (byte b : id) {
                sb.append('%').append(HexFormat.of().withUpperCase().toHexDigits(b));
            }
        }
        return sb.toString();
    }

    /**
     * Generates an Ed25519 key pair on the token: the private half is token-resident,
     * private, sensitive, never extractable and may only sign. Refuses when an object with
     * the label or id exists. Without id= in the URI the lowest free one-byte id is used.
     */
    public static CreatedKey generate(KeyUri uri, TokenContext ctx, PinSource userPins, PinSource soPins) {
        String label = uri.object().orElseThrow(() -> new UsageException(
                "key URI " + uri.describe() + " has no object=LABEL: name the new key, e.g. pkcs11:token=iotasign;object=release"));
        try (TokenSession s = TokenSession.open(uri, ctx, true)) {
            try {
                if (!s.cryptoki().mechanisms(s.slot()).contains(Pkcs11Constants.CKM_EC_EDWARDS_KEY_PAIR_GEN)) {
                    throw new EnvironmentException("token '" + s.label() + "' cannot generate Ed25519 keys (no CKM_EC_EDWARDS_KEY_PAIR_GEN): "
                            + "generate the key with the token's own tool, or use 'iotasign key import-seed' on a token that accepts imports");
                }
                boolean so = s.module().profile().map(HsmProfile::keygenNeedsSecurityOfficer).orElse(false);
                s.login(so ? Pkcs11Constants.CKU_SO : Pkcs11Constants.CKU_USER, so ? soPins : userPins);
                byte[] id = freshId(s, uri, label);
                List<Cryptoki.Attribute> pub = new ArrayList<>(List.of(
                        Cryptoki.Attribute.bool(Pkcs11Constants.CKA_TOKEN, true),
                        Cryptoki.Attribute.bool(Pkcs11Constants.CKA_PRIVATE, false),
                        Cryptoki.Attribute.bool(Pkcs11Constants.CKA_VERIFY, true),
                        Cryptoki.Attribute.bytes(Pkcs11Constants.CKA_EC_PARAMS, EdwardsEncoding.PARAMS_NAMED),
                        Cryptoki.Attribute.text(Pkcs11Constants.CKA_LABEL, label),
                        Cryptoki.Attribute.bytes(Pkcs11Constants.CKA_ID, id)));
                List<Cryptoki.Attribute> priv = privateTemplate(label, id);
                long[] pair = s.cryptoki().generateKeyPair(s.handle(), Pkcs11Constants.CKM_EC_EDWARDS_KEY_PAIR_GEN, pub, priv);
                Ed25519PublicKey key = KeyObjects.publicKey(s, pair[0], uri);
                return new CreatedKey(s.label(), label, id, key);
            } catch (CryptokiException e) {
                throw TokenErrors.translate(e, "generating key " + uri.describe());
            }
        }
    }

    /**
     * Stores an existing 32-byte Ed25519 seed on the token as a sensitive, non-extractable
     * private key plus its public key. The token marks it as not "never extractable": it
     * existed outside the token, so it is only as safe as its past.
     */
    public static CreatedKey importSeed(KeyUri uri, TokenContext ctx, PinSource userPins, byte[] seed) {
        if (seed.length != 32) {
            // SoftHSM accepts a 31-byte seed and then fails to sign: check here.
            throw new RejectedException("an Ed25519 seed is exactly 32 bytes, this one has " + seed.length
                    + ": give the 32-byte private seed (not a 64-byte seed+public key)");
        }
        String label = uri.object().orElseThrow(() -> new UsageException(
                "key URI " + uri.describe() + " has no object=LABEL: name the imported key"));
        Ed25519PublicKey publicKey = new SoftwareEd25519Signer(seed).publicKey();
        try (TokenSession s = TokenSession.open(uri, ctx, true)) {
            try {
                s.login(Pkcs11Constants.CKU_USER, userPins);
                byte[] id = freshId(s, uri, label);
                List<Cryptoki.Attribute> priv = privateTemplate(label, id);
                priv.add(Cryptoki.Attribute.number(Pkcs11Constants.CKA_CLASS, Pkcs11Constants.CKO_PRIVATE_KEY));
                priv.add(Cryptoki.Attribute.number(Pkcs11Constants.CKA_KEY_TYPE, Pkcs11Constants.CKK_EC_EDWARDS));
                priv.add(Cryptoki.Attribute.bytes(Pkcs11Constants.CKA_EC_PARAMS, EdwardsEncoding.PARAMS_NAMED));
                priv.add(Cryptoki.Attribute.bytes(Pkcs11Constants.CKA_VALUE, seed));
                List<Cryptoki.Attribute> pub = List.of(
                        Cryptoki.Attribute.number(Pkcs11Constants.CKA_CLASS, Pkcs11Constants.CKO_PUBLIC_KEY),
                        Cryptoki.Attribute.number(Pkcs11Constants.CKA_KEY_TYPE, Pkcs11Constants.CKK_EC_EDWARDS),
                        Cryptoki.Attribute.bool(Pkcs11Constants.CKA_TOKEN, true),
                        Cryptoki.Attribute.bool(Pkcs11Constants.CKA_PRIVATE, false),
                        Cryptoki.Attribute.bool(Pkcs11Constants.CKA_VERIFY, true),
                        Cryptoki.Attribute.bytes(Pkcs11Constants.CKA_EC_PARAMS, EdwardsEncoding.PARAMS_NAMED),
                        Cryptoki.Attribute.bytes(Pkcs11Constants.CKA_EC_POINT, EdwardsEncoding.encodePoint(publicKey)),
                        Cryptoki.Attribute.text(Pkcs11Constants.CKA_LABEL, label),
                        Cryptoki.Attribute.bytes(Pkcs11Constants.CKA_ID, id));
                long privHandle = s.cryptoki().createObject(s.handle(), priv);
                try {
                    s.cryptoki().createObject(s.handle(), pub);
                } catch (CryptokiException e) {
                    s.cryptoki().destroyObject(s.handle(), privHandle);
                    throw e;
                }
                return new CreatedKey(s.label(), label, id, publicKey);
            } catch (CryptokiException e) {
                throw TokenErrors.translate(e, "importing a seed as " + uri.describe());
            }
        }
    }

    private static List<Cryptoki.Attribute> privateTemplate(String label, byte[] id) {
        return new ArrayList<>(List.of(
                Cryptoki.Attribute.bool(Pkcs11Constants.CKA_TOKEN, true),
                Cryptoki.Attribute.bool(Pkcs11Constants.CKA_PRIVATE, true),
                Cryptoki.Attribute.bool(Pkcs11Constants.CKA_SENSITIVE, true),
                Cryptoki.Attribute.bool(Pkcs11Constants.CKA_EXTRACTABLE, false),
                Cryptoki.Attribute.bool(Pkcs11Constants.CKA_SIGN, true),
                Cryptoki.Attribute.text(Pkcs11Constants.CKA_LABEL, label),
                Cryptoki.Attribute.bytes(Pkcs11Constants.CKA_ID, id)));
    }

    /** The URI's id, or the lowest unused one-byte id; refuses a label or id already in use. */
    private static byte[] freshId(TokenSession s, KeyUri uri, String label) {
        Cryptoki p11 = s.cryptoki();
        List<Long> sameLabel = p11.findObjects(s.handle(), List.of(Cryptoki.Attribute.text(Pkcs11Constants.CKA_LABEL, label)));
        if (!sameLabel.isEmpty()) {
            throw new RejectedException("token '" + s.label() + "' already holds an object labelled '" + label
                    + "': choose another object= label (keys are never replaced)");
        }
        if (uri.id().isPresent()) {
            byte[] id = uri.id().get();
            if (!p11.findObjects(s.handle(), List.of(Cryptoki.Attribute.bytes(Pkcs11Constants.CKA_ID, id))).isEmpty()) {
                throw new RejectedException("token '" + s.label() + "' already holds an object with id " + hexId(id)
                        + ": choose another id= (keys are never replaced)");
            }
            return id;
        }
        for (int i = 1; i < 256; i++) {
            byte[] id = {(byte) i};
            if (p11.findObjects(s.handle(), List.of(Cryptoki.Attribute.bytes(Pkcs11Constants.CKA_ID, id))).isEmpty()) {
                return id;
            }
        }
        throw new RejectedException("token '" + s.label() + "' has no free one-byte id: give id= in the URI");
    }

    static String hexId(byte[] id) {
        return HexFormat.of().formatHex(id);
    }

    /** The public key the URI names if the token holds exactly that key; empty when it holds none. */
    public static Optional<Ed25519PublicKey> existingPublicKey(KeyUri uri, TokenContext ctx) {
        try (TokenSession s = TokenSession.open(uri, ctx, false)) {
            try {
                if (s.cryptoki().findObjects(s.handle(), KeyObjects.template(Pkcs11Constants.CKO_PUBLIC_KEY, uri)).isEmpty()) {
                    return Optional.empty();
                }
                long pub = KeyObjects.findOne(s, Pkcs11Constants.CKO_PUBLIC_KEY, uri, "");
                return Optional.of(KeyObjects.publicKey(s, pub, uri));
            } catch (CryptokiException e) {
                throw TokenErrors.translate(e, "reading public key " + uri.describe());
            }
        }
    }

    /** The serial number of the token the URI selects (CK_TOKEN_INFO.serialNumber), read without logging in. */
    public static String tokenSerial(KeyUri uri, TokenContext ctx) {
        try (TokenSession s = TokenSession.open(uri, ctx, false)) {
            return s.info().serial();
        }
    }

    /** The public key the URI names, read without logging in. */
    public static Ed25519PublicKey publicKey(KeyUri uri, TokenContext ctx) {
        try (TokenSession s = TokenSession.open(uri, ctx, false)) {
            try {
                long pub = KeyObjects.findOne(s, Pkcs11Constants.CKO_PUBLIC_KEY, uri,
                        "check the URI against 'iotasign key list', or create the key with 'iotasign key generate'");
                return KeyObjects.publicKey(s, pub, uri);
            } catch (CryptokiException e) {
                throw TokenErrors.translate(e, "reading public key " + uri.describe());
            }
        }
    }

    /**
     * The key pairs on the token the URI selects, grouped by label and id. With a PIN
     * source the private keys are listed too; without one only public objects are seen.
     */
    public static List<KeyInfo> list(KeyUri uri, TokenContext ctx, Optional<PinSource> pins) {
        try (TokenSession s = TokenSession.open(uri, ctx, false)) {
            try {
                if (pins.isPresent()) {
                    s.login(Pkcs11Constants.CKU_USER, pins.get());
                }
                Cryptoki p11 = s.cryptoki();
                long h = s.handle();
                Map<String, KeyInfo> byName = new LinkedHashMap<>();
                for (long cls : new long[] {Pkcs11Constants.CKO_PRIVATE_KEY, Pkcs11Constants.CKO_PUBLIC_KEY}) {
                    for (long o : p11.findObjects(h, List.of(Cryptoki.Attribute.number(Pkcs11Constants.CKA_CLASS, cls)))) {
                        String label = p11.readText(h, o, Pkcs11Constants.CKA_LABEL).orElse("");
                        byte[] id = p11.readBytes(h, o, Pkcs11Constants.CKA_ID).orElse(new byte[0]);
                        boolean ed = p11.readNumber(h, o, Pkcs11Constants.CKA_KEY_TYPE).orElse(-1L) == Pkcs11Constants.CKK_EC_EDWARDS
                                && EdwardsEncoding.isEd25519(p11.readBytes(h, o, Pkcs11Constants.CKA_EC_PARAMS).orElse(new byte[0]));
                        String name = label + "\u0000" + hexId(id);
                        KeyInfo prev = byName.getOrDefault(name,
                                new KeyInfo(label, id, false, false, Optional.empty(), ed, false, false, false, false));
                        if (cls == Pkcs11Constants.CKO_PRIVATE_KEY) {
                            byName.put(name, new KeyInfo(label, id, true, prev.hasPublic(), prev.publicKey(), ed,
                                    p11.readBoolean(h, o, Pkcs11Constants.CKA_SENSITIVE).orElse(false),
                                    p11.readBoolean(h, o, Pkcs11Constants.CKA_EXTRACTABLE).orElse(true),
                                    p11.readBoolean(h, o, Pkcs11Constants.CKA_NEVER_EXTRACTABLE).orElse(false),
                                    p11.readBoolean(h, o, Pkcs11Constants.CKA_ALWAYS_AUTHENTICATE).orElse(false)));
                        } else {
                            Optional<Ed25519PublicKey> key = Optional.empty();
                            if (ed) {
                                key = p11.readBytes(h, o, Pkcs11Constants.CKA_EC_POINT).flatMap(TokenKeys::decodeQuietly);
                            }
                            byName.put(name, new KeyInfo(label, id, prev.hasPrivate(), true, key, prev.hasPrivate() ? prev.ed25519() : ed,
                                    prev.sensitive(), prev.extractable(), prev.neverExtractable(), prev.alwaysAuthenticate()));
                        }
                    }
                }
                return new ArrayList<>(byName.values());
            } catch (CryptokiException e) {
                throw TokenErrors.translate(e, "listing keys on " + (uri == null ? KeyUri.DEFAULT : uri.describe()));
            }
        }
    }

    private static Optional<Ed25519PublicKey> decodeQuietly(byte[] point) {
        try {
            return Optional.of(EdwardsEncoding.decodePoint(point));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
