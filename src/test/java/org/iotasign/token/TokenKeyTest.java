package org.iotasign.token;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.iotasign.EnvironmentException;
import org.iotasign.RejectedException;
import org.iotasign.crypto.SoftwareEd25519Signer;
import org.iotasign.testing.Digests;
import org.iotasign.testing.TestKeys;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Keys on a real SoftHSM2 token through the project API: creation, signing, policy and every error SoftHSM can produce. */
@Tag(SoftHsmFixture.TAG)
class TokenKeyTest {
    static SoftHsmFixture fx;
    static TokenContext ctx;
    static final PinSource PINS = what -> SoftHsmFixture.USER_PIN.getBytes();
    static final PinSource NO_SO = what -> {
        throw new AssertionError("SoftHSM key generation never needs the SO PIN");
    };

    @BeforeAll
    static void setUp() throws IOException {
        fx = SoftHsmFixture.create(TokenKeyTest.class, "keys", "twin", "twin");
        ctx = fx.context();
    }

    static byte[] digest(String s) {
        return Digests.sha256(s.getBytes());
    }

    @Test
    void generatedKeySignsPlainEd25519OverTheDigestAndNeverLeftTheToken() {
        TokenKeys.CreatedKey created = TokenKeys.generate(fx.keyUri("keys", "gen-sign"), ctx, PINS, NO_SO);
        try (TokenKey key = TokenKey.open(fx.keyUri("keys", "gen-sign"), ctx, PINS)) {
            assertEquals(created.publicKey(), key.publicKey());
            byte[] d = digest("release body");
            byte[] sig = key.signer().sign(d);
            assertTrue(key.publicKey().verify(d, sig));
            assertArrayEquals(sig, key.signer().sign(d), "Ed25519 is deterministic");
            assertTrue(key.neverLeftToken());
            assertFalse(key.extractable());
            assertTrue(key.neverExtractable());
            assertEquals("keys", key.tokenLabel());
            assertEquals(16, key.tokenSerial().length());
            assertThrows(IllegalArgumentException.class, () -> key.signer().sign(new byte[31]));
        }
        assertEquals(created.publicKey(), TokenKeys.publicKey(fx.keyUri("keys", "gen-sign"), ctx), "export needs no PIN");
        assertEquals(created.publicKey(), PublicKeys.resolve(fx.uri("keys", "gen-sign"), ctx));
    }

    @Test
    void generationPicksTheLowestFreeIdAndRefusesUsedLabelsAndIds() {
        TokenKeys.CreatedKey a = TokenKeys.generate(KeyUri.parse(fx.uri("keys", "ids-a").replace("?", ";id=%70?")), ctx, PINS, NO_SO);
        assertArrayEquals(new byte[] {0x70}, a.id());
        TokenKeys.CreatedKey b = TokenKeys.generate(fx.keyUri("keys", "ids-b"), ctx, PINS, NO_SO);
        assertTrue(b.id().length == 1 && b.id()[0] != 0x70);
        RejectedException sameLabel = assertThrows(RejectedException.class,
                () -> TokenKeys.generate(fx.keyUri("keys", "ids-a"), ctx, PINS, NO_SO));
        assertTrue(sameLabel.getMessage().contains("already holds an object labelled 'ids-a'"), sameLabel.getMessage());
        RejectedException sameId = assertThrows(RejectedException.class,
                () -> TokenKeys.generate(KeyUri.parse(fx.uri("keys", "ids-c").replace("?", ";id=%70?")), ctx, PINS, NO_SO));
        assertTrue(sameId.getMessage().contains("id 70"), sameId.getMessage());
        List<TokenKeys.KeyInfo> listed = TokenKeys.list(KeyUri.parse("pkcs11:token=keys"), ctx, Optional.of(PINS));
        TokenKeys.KeyInfo info = listed.stream().filter(k -> k.label().equals("ids-a")).findFirst().orElseThrow();
        assertTrue(info.hasPrivate() && info.hasPublic() && info.ed25519() && info.sensitive() && !info.extractable() && info.neverExtractable());
        assertEquals(Optional.of(a.publicKey()), info.publicKey());
        assertEquals("pkcs11:token=keys;object=ids-a;id=%70", info.uri("keys"));
    }

    @Test
    void importedSeedSignsLikeTheSoftwareKeyButIsRefusedByTheSigningPolicy() {
        SoftwareEd25519Signer soft = TestKeys.test1();
        TokenKeys.CreatedKey created = TokenKeys.importSeed(fx.keyUri("keys", "imported"), ctx, PINS, TestKeys.RFC8032_TEST1_SECRET.clone());
        assertEquals(TestKeys.RFC8032_TEST1_PUBLIC, created.publicKey().hex());
        try (TokenKey key = TokenKey.open(fx.keyUri("keys", "imported"), ctx, PINS)) {
            byte[] d = digest("x");
            assertArrayEquals(soft.sign(d), key.signer().sign(d), "token and BouncyCastle give the same Ed25519 signature");
            assertFalse(key.extractable());
            assertFalse(key.neverExtractable(), "an imported key existed outside the token");
            assertFalse(key.neverLeftToken(), "the signing policy refuses it without --allow-extractable-key");
        }
    }

    @Test
    void seedsOfTheWrongLengthAreRefusedBeforeTheTokenSeesThem() {
        for (int len : new int[] {31, 33, 64}) {
            RejectedException e = assertThrows(RejectedException.class,
                    () -> TokenKeys.importSeed(fx.keyUri("keys", "bad-seed"), ctx, PINS, new byte[len]));
            assertTrue(e.getMessage().contains("exactly 32 bytes"), e.getMessage());
        }
        assertTrue(TokenKeys.existingPublicKey(fx.keyUri("keys", "bad-seed"), ctx).isEmpty());
    }

    @Test
    void anExtractableKeyIsRefusedForSigning() {
        try (TokenSession s = TokenSession.open(fx.keyUri("keys", "extractable"), ctx, true)) {
            s.login(Pkcs11Constants.CKU_USER, PINS);
            s.cryptoki().generateKeyPair(s.handle(), Pkcs11Constants.CKM_EC_EDWARDS_KEY_PAIR_GEN,
                    List.of(Cryptoki.Attribute.bool(Pkcs11Constants.CKA_TOKEN, true),
                            Cryptoki.Attribute.bytes(Pkcs11Constants.CKA_EC_PARAMS, EdwardsEncoding.PARAMS_NAMED),
                            Cryptoki.Attribute.text(Pkcs11Constants.CKA_LABEL, "extractable")),
                    List.of(Cryptoki.Attribute.bool(Pkcs11Constants.CKA_TOKEN, true),
                            Cryptoki.Attribute.bool(Pkcs11Constants.CKA_SENSITIVE, false),
                            Cryptoki.Attribute.bool(Pkcs11Constants.CKA_EXTRACTABLE, true),
                            Cryptoki.Attribute.bool(Pkcs11Constants.CKA_SIGN, true),
                            Cryptoki.Attribute.text(Pkcs11Constants.CKA_LABEL, "extractable")));
        }
        try (TokenKey key = TokenKey.open(fx.keyUri("keys", "extractable"), ctx, PINS)) {
            assertTrue(key.extractable());
            assertFalse(key.neverLeftToken(), "the signing policy refuses it without --allow-extractable-key");
        }
    }

    @Test
    void aWrongPinStopsAtOnceWithTheTokensTriesStateAndIsAskedOnce() {
        TokenKeys.generate(fx.keyUri("keys", "pin-test"), ctx, PINS, NO_SO);
        SoftHsmFixture.CountingPins wrong = new SoftHsmFixture.CountingPins("not-the-pin");
        KeyUri uri = KeyUri.parse("pkcs11:token=keys;object=pin-test");
        RejectedException e = assertThrows(RejectedException.class, () -> TokenKey.open(uri, ctx, wrong));
        assertEquals(1, wrong.asked(), "the PIN is never retried");
        assertTrue(e.getMessage().startsWith("wrong user PIN for token 'keys' ("), e.getMessage());
        assertTrue(e.getMessage().contains("does not retry"), e.getMessage());
        assertFalse(e.getMessage().contains("not-the-pin"), "the PIN is never printed");
    }

    @Test
    void unknownTokenIsExplainedWithTheTokensThatExist() {
        EnvironmentException e = assertThrows(EnvironmentException.class,
                () -> TokenKey.open(fx.keyUri("nope", "release"), ctx, PINS));
        assertTrue(e.getMessage().startsWith("token for pkcs11:token=nope;object=release not found"), e.getMessage());
        assertTrue(e.getMessage().contains("'keys'") && e.getMessage().contains("iotasign token init"), e.getMessage());
    }

    @Test
    void severalMatchingTokensAskForSerialOrSlot() {
        EnvironmentException e = assertThrows(EnvironmentException.class,
                () -> TokenKey.open(fx.keyUri("twin", "release"), ctx, PINS));
        assertTrue(e.getMessage().startsWith("2 tokens match"), e.getMessage());
        assertTrue(e.getMessage().contains("serial="), e.getMessage());
    }

    @Test
    void missingKeyIsExplained() {
        EnvironmentException e = assertThrows(EnvironmentException.class,
                () -> TokenKey.open(fx.keyUri("keys", "never-made"), ctx, PINS));
        assertTrue(e.getMessage().startsWith("public key pkcs11:token=keys;object=never-made not found on token 'keys'"), e.getMessage());
        assertTrue(e.getMessage().contains("iotasign key generate"), e.getMessage());
    }

    @Test
    void severalMatchingKeysAskForAnId() {
        // Another tool may well give two keys one label; iotasign then needs the id.
        try (TokenSession s = TokenSession.open(KeyUri.parse("pkcs11:token=keys"), ctx, true)) {
            s.login(Pkcs11Constants.CKU_USER, PINS);
            for (byte id : new byte[] {0x51, 0x52}) {
                s.cryptoki().generateKeyPair(s.handle(), Pkcs11Constants.CKM_EC_EDWARDS_KEY_PAIR_GEN,
                        List.of(Cryptoki.Attribute.bool(Pkcs11Constants.CKA_TOKEN, true),
                                Cryptoki.Attribute.bytes(Pkcs11Constants.CKA_EC_PARAMS, EdwardsEncoding.PARAMS_NAMED),
                                Cryptoki.Attribute.text(Pkcs11Constants.CKA_LABEL, "shared"),
                                Cryptoki.Attribute.bytes(Pkcs11Constants.CKA_ID, new byte[] {id})),
                        List.of(Cryptoki.Attribute.bool(Pkcs11Constants.CKA_TOKEN, true),
                                Cryptoki.Attribute.bool(Pkcs11Constants.CKA_SIGN, true),
                                Cryptoki.Attribute.text(Pkcs11Constants.CKA_LABEL, "shared"),
                                Cryptoki.Attribute.bytes(Pkcs11Constants.CKA_ID, new byte[] {id})));
            }
        }
        EnvironmentException e = assertThrows(EnvironmentException.class,
                () -> TokenKeys.publicKey(KeyUri.parse("pkcs11:token=keys;object=shared"), ctx));
        assertTrue(e.getMessage().startsWith("2 public keys on token 'keys' match"), e.getMessage());
        assertTrue(e.getMessage().contains("id=%XX"), e.getMessage());
        try (TokenKey key = TokenKey.open(KeyUri.parse("pkcs11:token=keys;object=shared;id=%52"), ctx, PINS)) {
            byte[] d = digest("pick by id");
            assertTrue(key.publicKey().verify(d, key.signer().sign(d)));
        }
    }

    @Test
    void missingModuleFileAndNonLibraryModuleAreEnvironmentErrors() throws IOException {
        TokenContext missing = new TokenContext(System.getenv(), Optional.of("/nonexistent/libsofthsm2.so"), Optional.empty());
        EnvironmentException e = assertThrows(EnvironmentException.class, () -> TokenKey.open(fx.keyUri("keys", "x"), missing, PINS));
        assertTrue(e.getMessage().startsWith("PKCS#11 module /nonexistent/libsofthsm2.so not found: apt-get install softhsm2"), e.getMessage());

        Path bogus = Files.writeString(fx.dir().resolve("libbogus.so"), "not an ELF file\n");
        TokenContext broken = new TokenContext(System.getenv(), Optional.of(bogus.toString()), Optional.empty());
        EnvironmentException load = assertThrows(EnvironmentException.class, () -> TokenKey.open(fx.keyUri("keys", "x"), broken, PINS));
        assertTrue(load.getMessage().startsWith("cannot load PKCS#11 module " + bogus), load.getMessage());
        assertTrue(load.getMessage().contains("architecture"), load.getMessage());
    }

    @Test
    void softHsmWithoutItsConfigurationVariableIsRefused() {
        TokenContext noConf = new TokenContext(Map.of("IOTASIGN_HOME", fx.dir().resolve("home").toString()), Optional.empty(), Optional.empty());
        EnvironmentException e = assertThrows(EnvironmentException.class, () -> SoftHsmStore.current(noConf));
        assertTrue(e.getMessage().contains("export SOFTHSM2_CONF=" + fx.dir().resolve("home/softhsm/softhsm2.conf")), e.getMessage());
    }

    @Test
    void aSoftHsmConfigurationThatDoesNotExistIsNamed() {
        TokenContext gone = new TokenContext(Map.of("SOFTHSM2_CONF", "/nonexistent/softhsm2.conf"), Optional.empty(), Optional.empty());
        EnvironmentException e = assertThrows(EnvironmentException.class, () -> SoftHsmStore.current(gone));
        assertTrue(e.getMessage().startsWith("SoftHSM configuration /nonexistent/softhsm2.conf (from SOFTHSM2_CONF) does not exist"), e.getMessage());
    }

    @Test
    void aClosedSessionStopsSigningWithWhatToDo() {
        TokenKeys.generate(fx.keyUri("keys", "closed"), ctx, PINS, NO_SO);
        TokenKey key = TokenKey.open(fx.keyUri("keys", "closed"), ctx, PINS);
        key.close();
        EnvironmentException e = assertThrows(EnvironmentException.class, () -> key.signer().sign(new byte[32]));
        assertTrue(e.getMessage().contains("the token was removed or its session closed"), e.getMessage());
        assertTrue(e.getMessage().contains("reconnect the token"), e.getMessage());
    }

    @Test
    void aSessionThatIsNotLoggedInSaysALoginIsRequired() {
        try (TokenSession s = TokenSession.open(KeyUri.parse("pkcs11:token=keys"), ctx, true)) {
            CryptokiException raw = assertThrows(CryptokiException.class, () -> s.cryptoki().generateKeyPair(s.handle(),
                    Pkcs11Constants.CKM_EC_EDWARDS_KEY_PAIR_GEN,
                    List.of(Cryptoki.Attribute.bytes(Pkcs11Constants.CKA_EC_PARAMS, EdwardsEncoding.PARAMS_NAMED),
                            Cryptoki.Attribute.bool(Pkcs11Constants.CKA_TOKEN, true)),
                    List.of(Cryptoki.Attribute.bool(Pkcs11Constants.CKA_TOKEN, true),
                            Cryptoki.Attribute.bool(Pkcs11Constants.CKA_PRIVATE, true))));
            assertEquals(Pkcs11Constants.CKR_USER_NOT_LOGGED_IN, raw.code());
            String message = TokenErrors.translate(raw, "generating").getMessage();
            assertTrue(message.contains("requires a login") && message.contains("IOTASIGN_PIN"), message);
        }
    }

    @Test
    void signingAfterTheProcessWasLoggedOutSaysTheKeyIsGone() {
        TokenKeys.generate(fx.keyUri("keys", "logout"), ctx, PINS, NO_SO);
        try (TokenKey key = TokenKey.open(fx.keyUri("keys", "logout"), ctx, PINS);
             TokenSession other = TokenSession.open(KeyUri.parse("pkcs11:token=keys"), ctx, false)) {
            other.cryptoki().logout(other.handle()); // login state is shared by the process's sessions
            EnvironmentException e = assertThrows(EnvironmentException.class, () -> key.signer().sign(new byte[32]));
            assertTrue(e.getMessage().contains("no longer available") && e.getMessage().contains("run the command again"), e.getMessage());
        }
    }
}
