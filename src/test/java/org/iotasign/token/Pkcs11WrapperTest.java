package org.iotasign.token;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.iotasign.crypto.Ed25519PublicKey;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The one class that touches the JDK's internal PKCS#11 wrapper, against a real SoftHSM2 token. */
@Tag(SoftHsmFixture.TAG)
class Pkcs11WrapperTest {
    /** A label and PIN outside ASCII: both travel as UTF-8 bytes. */
    static final String LABEL = "Schlüssel-ä";
    static final String PIN = "pïn-€-1234";

    static SoftHsmFixture fixture;
    static Pkcs11Wrapper p11;
    static long slot;
    static long session;

    @BeforeAll
    static void setUp() throws IOException {
        fixture = SoftHsmFixture.create(Pkcs11WrapperTest.class);
        fixture.run(List.of("softhsm2-util", "--init-token", "--free", "--label", LABEL, "--so-pin", SoftHsmFixture.SO_PIN, "--pin", PIN));
        p11 = Pkcs11Wrapper.load(fixture.module().toRealPath());
        slot = p11.slotsWithToken().stream().filter(s -> p11.tokenInfo(s).label().equals(LABEL)).findFirst().orElseThrow();
        session = p11.openSession(slot, true);
    }

    @AfterAll
    static void closeSession() {
        p11.closeSession(session);
    }

    @Test
    void loadsOneInstancePerCanonicalModulePath() throws IOException {
        Path real = fixture.module().toRealPath();
        assertSame(p11, Pkcs11Wrapper.load(real));
        assertTrue(Pkcs11Wrapper.isLoaded(real));
    }

    @Test
    void decodesTokenLabelsAsUtf8AndReportsEdDsaMechanisms() {
        Cryptoki.TokenInfo info = p11.tokenInfo(slot);
        assertEquals(LABEL, info.label());
        assertEquals("SoftHSM project", info.manufacturer());
        assertFalse(info.serial().isEmpty());
        assertTrue(info.has(Pkcs11Constants.CKF_TOKEN_INITIALIZED));
        assertTrue(p11.mechanisms(slot).contains(Pkcs11Constants.CKM_EDDSA));
        assertTrue(p11.mechanisms(slot).contains(Pkcs11Constants.CKM_EC_EDWARDS_KEY_PAIR_GEN));
    }

    @Test
    void wrongPinFailsWithPinIncorrectAndRaisesTheCountLowFlag() {
        long other = p11.openSession(slot, false);
        try {
            CryptokiException e = assertThrows(CryptokiException.class,
                    () -> p11.login(other, Pkcs11Constants.CKU_USER, "wrong-pin".getBytes(StandardCharsets.UTF_8)));
            assertEquals(Pkcs11Constants.CKR_PIN_INCORRECT, e.code());
            assertEquals("C_Login", e.function());
            assertTrue(p11.tokenInfo(slot).has(Pkcs11Constants.CKF_USER_PIN_COUNT_LOW));
        } finally {
            p11.closeSession(other);
        }
    }

    @Test
    void generatesAnEd25519PairWithUtf8PinAndLabelAndSignsPlainEd25519() {
        p11.login(session, Pkcs11Constants.CKU_USER, PIN.getBytes(StandardCharsets.UTF_8));
        String keyLabel = "clé-de-publication";
        byte[] id = {0x42};
        long[] pair = p11.generateKeyPair(session, Pkcs11Constants.CKM_EC_EDWARDS_KEY_PAIR_GEN,
                List.of(Cryptoki.Attribute.bool(Pkcs11Constants.CKA_TOKEN, true),
                        Cryptoki.Attribute.bytes(Pkcs11Constants.CKA_EC_PARAMS, EdwardsEncoding.PARAMS_NAMED),
                        Cryptoki.Attribute.text(Pkcs11Constants.CKA_LABEL, keyLabel),
                        Cryptoki.Attribute.bytes(Pkcs11Constants.CKA_ID, id)),
                List.of(Cryptoki.Attribute.bool(Pkcs11Constants.CKA_TOKEN, true),
                        Cryptoki.Attribute.bool(Pkcs11Constants.CKA_PRIVATE, true),
                        Cryptoki.Attribute.bool(Pkcs11Constants.CKA_SENSITIVE, true),
                        Cryptoki.Attribute.bool(Pkcs11Constants.CKA_EXTRACTABLE, false),
                        Cryptoki.Attribute.bool(Pkcs11Constants.CKA_SIGN, true),
                        Cryptoki.Attribute.text(Pkcs11Constants.CKA_LABEL, keyLabel),
                        Cryptoki.Attribute.bytes(Pkcs11Constants.CKA_ID, id)));
        assertEquals(keyLabel, p11.readText(session, pair[0], Pkcs11Constants.CKA_LABEL).orElseThrow());
        assertArrayEquals(id, p11.readBytes(session, pair[1], Pkcs11Constants.CKA_ID).orElseThrow());
        assertEquals(Pkcs11Constants.CKK_EC_EDWARDS, p11.readNumber(session, pair[1], Pkcs11Constants.CKA_KEY_TYPE).orElseThrow());
        assertEquals(false, p11.readBoolean(session, pair[1], Pkcs11Constants.CKA_EXTRACTABLE).orElseThrow());
        assertEquals(true, p11.readBoolean(session, pair[1], Pkcs11Constants.CKA_NEVER_EXTRACTABLE).orElseThrow());
        // The JDK wrapper returns unknown attributes as bytes; readBoolean still answers.
        assertEquals(false, p11.readBoolean(session, pair[1], Pkcs11Constants.CKA_ALWAYS_AUTHENTICATE).orElse(false));
        assertTrue(p11.readBytes(session, pair[1], Pkcs11Constants.CKA_VALUE).isEmpty(), "a sensitive value is never read");
        assertEquals(List.of(pair[1]), p11.findObjects(session, List.of(
                Cryptoki.Attribute.number(Pkcs11Constants.CKA_CLASS, Pkcs11Constants.CKO_PRIVATE_KEY),
                Cryptoki.Attribute.text(Pkcs11Constants.CKA_LABEL, keyLabel))));

        Ed25519PublicKey pub = EdwardsEncoding.decodePoint(p11.readBytes(session, pair[0], Pkcs11Constants.CKA_EC_POINT).orElseThrow());
        byte[] digest = new byte[32];
        digest[0] = 7;
        p11.signInit(session, Pkcs11Constants.CKM_EDDSA, pair[1]);
        byte[] sig = p11.sign(session, digest);
        assertEquals(64, sig.length);
        assertTrue(pub.verify(digest, sig), "BouncyCastle verifies the token's CKM_EDDSA signature over the 32 bytes");
    }

    @Test
    void reportsErrorCodesOfTheModule() {
        CryptokiException e = assertThrows(CryptokiException.class,
                () -> p11.signInit(session, Pkcs11Constants.CKM_EDDSA, 0x7fff_fff0L));
        assertTrue(e.code() == Pkcs11Constants.CKR_OBJECT_HANDLE_INVALID || e.code() == Pkcs11Constants.CKR_KEY_HANDLE_INVALID,
                "code " + Long.toHexString(e.code()));
        assertEquals(Pkcs11Constants.CKR_SESSION_HANDLE_INVALID,
                assertThrows(CryptokiException.class, () -> p11.sign(0x7fff_fff0L, new byte[32])).code());
    }

    @Test
    void refusesToLoadAFileThatIsNotALibrary() throws IOException {
        Path notALibrary = Files.writeString(fixture.dir().resolve("not-a-module.so"), "this is text\n");
        assertThrows(IOException.class, () -> Pkcs11Wrapper.load(notALibrary.toRealPath()));
        assertFalse(Pkcs11Wrapper.isLoaded(notALibrary.toRealPath()));
    }
}
