package org.iotasign.token;

import java.util.ArrayList;
import java.util.List;

/**
 * A small private data object (CKO_DATA) on the token, named by application and label,
 * read and replaced through the session of an open {@link TokenKey} (logged in, R/W).
 *
 * <p>{@link #replace} creates the new object before it destroys the old ones, so a crash
 * in between leaves both: {@link #values()} returns every copy and the caller picks.
 * Calls are serialised on the session, which the key's signatures share.
 */
public final class TokenDataObject {
    static final String APPLICATION = "iotasign";

    private final TokenSession session;
    private final String label;

    TokenDataObject(TokenSession session, String label) {
        this.session = session;
        this.label = label;
    }

    private List<Cryptoki.Attribute> template() {
        return List.of(Cryptoki.Attribute.number(Pkcs11Constants.CKA_CLASS, Pkcs11Constants.CKO_DATA),
                Cryptoki.Attribute.text(Pkcs11Constants.CKA_APPLICATION, APPLICATION),
                Cryptoki.Attribute.text(Pkcs11Constants.CKA_LABEL, label));
    }

    /** The values of every object with this label (none on a token that never held one). */
    public List<byte[]> values() {
        synchronized (session) {
            try {
                List<byte[]> out = new ArrayList<>();
                for (long h : session.cryptoki().findObjects(session.handle(), template())) {
                    out.add(session.cryptoki().readBytes(session.handle(), h, Pkcs11Constants.CKA_VALUE).orElse(new byte[0]));
                }
                return out;
            } catch (CryptokiException e) {
                throw TokenErrors.translate(e, "reading data object '" + label + "' on token '" + session.label() + "'");
            }
        }
    }

    /** Stores {@code value} as the only object with this label: token-resident, private, not modifiable in place. */
    public void replace(byte[] value) {
        synchronized (session) {
            try {
                Cryptoki p11 = session.cryptoki();
                List<Long> old = p11.findObjects(session.handle(), template());
                List<Cryptoki.Attribute> t = new ArrayList<>(template());
                t.add(Cryptoki.Attribute.bool(Pkcs11Constants.CKA_TOKEN, true));
                t.add(Cryptoki.Attribute.bool(Pkcs11Constants.CKA_PRIVATE, true));
                t.add(Cryptoki.Attribute.bytes(Pkcs11Constants.CKA_VALUE, value));
                p11.createObject(session.handle(), t);
                for (long h : old) {
                    p11.destroyObject(session.handle(), h);
                }
            } catch (CryptokiException e) {
                throw TokenErrors.translate(e, "writing data object '" + label + "' on token '" + session.label() + "'");
            }
        }
    }

    /** "token 'iotasign' (serial 1a2b3c4d)". */
    public String describe() {
        return "token '" + session.label() + "' (serial " + session.info().serial() + ")";
    }
}
