package org.iotasign.token;

import java.util.Arrays;
import java.util.Optional;

import org.iotasign.EnvironmentException;
import org.iotasign.crypto.Ed25519PublicKey;
import org.iotasign.crypto.PublicKeySign;

/**
 * An Ed25519 private key held by a token, ready to sign release digests. The private
 * key never leaves the token: {@link #signer()} sends each 32-byte digest to it with
 * CKM_EDDSA (no parameters, i.e. plain Ed25519) and returns the 64-byte signature.
 *
 * <pre>
 * try (TokenKey key = TokenKey.open(KeyUri.parse(uri), PinSources.forUser(uri, ctx))) {
 *     byte[] sig = key.signer().sign(digest);
 *     key.publicKey().verify(digest, sig);
 * }
 * </pre>
 */
public final class TokenKey implements AutoCloseable {
    private final TokenSession session;
    private final KeyUri uri;
    private final long privateKey;
    private final Ed25519PublicKey publicKey;
    private final boolean extractable;
    private final boolean neverExtractable;
    private final boolean alwaysAuthenticate;
    private final PinSource pins;

    private TokenKey(TokenSession session, KeyUri uri, long privateKey, Ed25519PublicKey publicKey,
                     boolean extractable, boolean neverExtractable, boolean alwaysAuthenticate, PinSource pins) {
        this.session = session;
        this.uri = uri;
        this.privateKey = privateKey;
        this.publicKey = publicKey;
        this.extractable = extractable;
        this.neverExtractable = neverExtractable;
        this.alwaysAuthenticate = alwaysAuthenticate;
        this.pins = pins;
    }

    /** Opens the key in the running process's environment. */
    public static TokenKey open(KeyUri uri, PinSource pins) {
        return open(uri, TokenContext.fromEnvironment(), pins);
    }

    /**
     * Finds the token and key, checks the token offers CKM_EDDSA, logs in once with a PIN
     * from {@code pins}, and reads the key's public half and extractability flags.
     */
    public static TokenKey open(KeyUri uri, TokenContext ctx, PinSource pins) {
        // A read-write session where the token keeps the ledger anchor next to the key.
        boolean dataObjects = TokenModule.load(uri, ctx).profile().map(HsmProfile::storesDataObjects).orElse(false);
        TokenSession s = TokenSession.open(uri, ctx, dataObjects);
        try {
            if (!s.cryptoki().mechanisms(s.slot()).contains(Pkcs11Constants.CKM_EDDSA)) {
                throw new EnvironmentException("token '" + s.label() + "' does not offer CKM_EDDSA (Ed25519 signing): "
                        + "use a token listed in docs/tokens.md, e.g. SoftHSM 2.6, YubiHSM 2 or a YubiKey 5.7+");
            }
            long pub = KeyObjects.findOne(s, Pkcs11Constants.CKO_PUBLIC_KEY, uri,
                    "check the URI against 'iotasign key list', or create the key with 'iotasign key generate'");
            Ed25519PublicKey publicKey = KeyObjects.publicKey(s, pub, uri);
            s.login(Pkcs11Constants.CKU_USER, pins);
            long priv = KeyObjects.findOne(s, Pkcs11Constants.CKO_PRIVATE_KEY, uri,
                    "the token holds the public key but no matching private key: check the URI against 'iotasign key list'");
            Cryptoki p11 = s.cryptoki();
            boolean extractable = p11.readBoolean(s.handle(), priv, Pkcs11Constants.CKA_EXTRACTABLE).orElse(true);
            boolean neverExtractable = p11.readBoolean(s.handle(), priv, Pkcs11Constants.CKA_NEVER_EXTRACTABLE).orElse(false);
            boolean always = p11.readBoolean(s.handle(), priv, Pkcs11Constants.CKA_ALWAYS_AUTHENTICATE).orElse(false);
            return new TokenKey(s, uri, priv, publicKey, extractable, neverExtractable, always, pins);
        } catch (CryptokiException e) {
            s.close();
            throw TokenErrors.translate(e, "opening key " + uri.describe());
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
    }

    public KeyUri uri() {
        return uri;
    }

    public Ed25519PublicKey publicKey() {
        return publicKey;
    }

    /** The token's serial number as it reports it (CK_TOKEN_INFO.serialNumber). */
    public String tokenSerial() {
        return session.info().serial();
    }

    public String tokenLabel() {
        return session.label();
    }

    /**
     * The private data object {@code label} on this key's token, read and written in the
     * session that signs; empty when the token's profile does not store data objects.
     */
    public Optional<TokenDataObject> dataObject(String label) {
        boolean stores = session.module().profile().map(HsmProfile::storesDataObjects).orElse(false);
        return stores ? Optional.of(new TokenDataObject(session, label)) : Optional.empty();
    }

    /** The token's profile name, or "no profile" (for messages). */
    public String profileName() {
        return session.module().profile().map(HsmProfile::name).orElse("no profile");
    }

    /** CKA_EXTRACTABLE of the private key (true when the token does not say). */
    public boolean extractable() {
        return extractable;
    }

    /** CKA_NEVER_EXTRACTABLE: false for imported keys and keys that were ever extractable. */
    public boolean neverExtractable() {
        return neverExtractable;
    }

    /** True only for a key that cannot leave the token and never could. */
    public boolean neverLeftToken() {
        return !extractable && neverExtractable;
    }

    /**
     * Signs 32-byte digests on the token. A key with CKA_ALWAYS_AUTHENTICATE (YubiKey
     * PIN-always policy) gets a context-specific login before each signature.
     */
    public PublicKeySign signer() {
        return digest -> {
            if (digest.length != 32) {
                throw new IllegalArgumentException("a release digest is 32 bytes, got " + digest.length);
            }
            String doing = "signing with " + uri.describe();
            synchronized (session) {
                try {
                    session.cryptoki().signInit(session.handle(), Pkcs11Constants.CKM_EDDSA, privateKey);
                    if (alwaysAuthenticate) {
                        session.loginContextSpecific(pins);
                    }
                    byte[] sig = session.cryptoki().sign(session.handle(), Arrays.copyOf(digest, 32));
                    if (sig.length != Ed25519PublicKey.SIGNATURE_LENGTH) {
                        throw new EnvironmentException(doing + " returned " + sig.length + " bytes instead of a 64-byte Ed25519 "
                                + "signature: the token's EdDSA is broken; use another token");
                    }
                    return sig;
                } catch (CryptokiException e) {
                    throw TokenErrors.translate(e, doing);
                }
            }
        };
    }

    @Override
    public void close() {
        session.close();
    }
}
