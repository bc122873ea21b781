package org.iotasign.token;

import java.util.List;

/**
 * Test fixture: removes the data objects iotasign keeps on a token (the ledger anchor),
 * so that a test class whose tests each start a fresh ledger file sees a token on its
 * first use every time.
 */
public final class TokenAnchors {
    private TokenAnchors() {
    }

    /** Destroys every data object of application "iotasign" on {@code token}; returns how many. */
    public static int forget(SoftHsmFixture hsm, String token) {
        try (TokenSession s = TokenSession.open(KeyUri.parse("pkcs11:token=" + token), hsm.context(), true)) {
            s.login(Pkcs11Constants.CKU_USER, what -> SoftHsmFixture.USER_PIN.getBytes());
            List<Long> found = s.cryptoki().findObjects(s.handle(), List.of(
                    Cryptoki.Attribute.number(Pkcs11Constants.CKA_CLASS, Pkcs11Constants.CKO_DATA),
                    Cryptoki.Attribute.text(Pkcs11Constants.CKA_APPLICATION, TokenDataObject.APPLICATION)));
            for (long h : found) {
                s.cryptoki().destroyObject(s.handle(), h);
            }
            return found.size();
        }
    }

    /** Creates one more data object with the anchor's label (as a crash inside a replace leaves, or another program). */
    public static void add(SoftHsmFixture hsm, String token, byte[] value) {
        try (TokenSession s = TokenSession.open(KeyUri.parse("pkcs11:token=" + token), hsm.context(), true)) {
            s.login(Pkcs11Constants.CKU_USER, what -> SoftHsmFixture.USER_PIN.getBytes());
            s.cryptoki().createObject(s.handle(), List.of(
                    Cryptoki.Attribute.number(Pkcs11Constants.CKA_CLASS, Pkcs11Constants.CKO_DATA),
                    Cryptoki.Attribute.text(Pkcs11Constants.CKA_APPLICATION, TokenDataObject.APPLICATION),
                    Cryptoki.Attribute.text(Pkcs11Constants.CKA_LABEL, "iotasign-ledger-anchor"),
                    Cryptoki.Attribute.bool(Pkcs11Constants.CKA_TOKEN, true),
                    Cryptoki.Attribute.bool(Pkcs11Constants.CKA_PRIVATE, true),
                    Cryptoki.Attribute.bytes(Pkcs11Constants.CKA_VALUE, value)));
        }
    }

    /** How many data objects of application "iotasign" the token holds. */
    public static int count(SoftHsmFixture hsm, String token) {
        try (TokenSession s = TokenSession.open(KeyUri.parse("pkcs11:token=" + token), hsm.context(), false)) {
            s.login(Pkcs11Constants.CKU_USER, what -> SoftHsmFixture.USER_PIN.getBytes());
            return s.cryptoki().findObjects(s.handle(), List.of(
                    Cryptoki.Attribute.number(Pkcs11Constants.CKA_CLASS, Pkcs11Constants.CKO_DATA),
                    Cryptoki.Attribute.text(Pkcs11Constants.CKA_APPLICATION, TokenDataObject.APPLICATION))).size();
        }
    }
}
