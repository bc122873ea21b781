package org.iotasign.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.iotasign.crypto.Ed25519PublicKey;
import org.iotasign.crypto.KeyFormats;
import org.iotasign.release.DeviceVerifier;
import org.iotasign.release.FirmwareLimit;
import org.iotasign.release.ReleaseBlob;
import org.iotasign.testing.Cli;
import org.iotasign.testing.Digests;
import org.iotasign.testing.TestKeys;
import org.iotasign.testing.TestReleases;
import org.iotasign.token.SoftHsmFixture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** token, key and sign as an operator runs them, on a real SoftHSM2 token created by 'iotasign token init'. */
@Tag(SoftHsmFixture.TAG)
class TokenCommandsTest {
    static SoftHsmFixture fx;
    static Path dir;
    static Path soPin;
    static String key;
    static Ed25519PublicKey pub;

    @BeforeAll
    static void setUp() throws IOException {
        fx = SoftHsmFixture.create(TokenCommandsTest.class);
        dir = fx.dir();
        soPin = Files.writeString(dir.resolve("so.pin"), SoftHsmFixture.SO_PIN + "\n");
        // token init must run before anything loads the module in this JVM (SoftHSM reads its token folder once).
        Cli.Result init = Cli.run("token", "init", "--label", "cli", "--so-pin-file", soPin.toString(), "--pin-file", fx.pinFile().toString());
        assertEquals(0, init.exit(), init::toString);
        assertTrue(init.out().startsWith("created SoftHSM2 token 'cli' in " + fx.conf()), init.out());
        key = fx.uri("cli", "release");
        Cli.Result gen = Cli.run("key", "generate", "--key", key);
        assertEquals(0, gen.exit(), gen::toString);
        Matcher m = Pattern.compile("public key ([0-9a-f]{64})").matcher(gen.out());
        assertTrue(m.find(), gen.out());
        pub = Ed25519PublicKey.fromHex(m.group(1));
        assertTrue(gen.out().contains("fingerprint " + pub.fingerprint()), gen.out());
        assertTrue(gen.out().contains("pkcs11:token=cli;object=release;id=%01 (never extractable)"), gen.out());
    }

    @Test
    void tokenInitRefusesAnExistingLabelUnlessIfAbsent() {
        Cli.Result again = Cli.run("token", "init", "--label", "cli", "--so-pin-file", soPin.toString(), "--pin-file", fx.pinFile().toString());
        assertEquals(1, again.exit(), again::toString);
        assertTrue(again.err().contains("already exists") && again.err().contains("--if-absent"), again.err());
        Cli.Result ok = Cli.run("token", "init", "--label", "cli", "--if-absent");
        assertEquals(0, ok.exit(), ok::toString);
        assertFalse(ok.out().contains(SoftHsmFixture.SO_PIN) || ok.err().contains(SoftHsmFixture.USER_PIN), "PINs are never printed");
    }

    @Test
    void tokenInitIsForSoftHsmOnly() {
        Cli.Result r = Cli.run("token", "init", "--profile", "opensc");
        assertEquals(2, r.exit(), r::toString);
        assertTrue(r.err().contains("SoftHSM2 tokens only"), r.err());
    }

    @Test
    void tokenListShowsEdDsaSupportAndPinState() {
        Cli.Result r = Cli.run("token", "list");
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("token 'cli'  manufacturer SoftHSM project  model SoftHSM v2"), r.out());
        assertTrue(r.out().contains("Ed25519: sign yes, generate yes; user PIN ok"), r.out());
        assertTrue(r.out().contains("profile softhsm2"), r.out());
    }

    @Test
    void keyGenerateRefusesAnExistingKeyUnlessIfAbsent() {
        Cli.Result again = Cli.run("key", "generate", "--key", key);
        assertEquals(1, again.exit(), again::toString);
        Cli.Result ok = Cli.run("key", "generate", "--key", key, "--if-absent");
        assertEquals(0, ok.exit(), ok::toString);
        assertTrue(ok.out().contains("already exists") && ok.out().contains("fingerprint " + pub.fingerprint()), ok.out());
    }

    @Test
    void keyListShowsTheKeyAsNeverExtractable() {
        Cli.Result r = Cli.run("key", "list", "--key", "pkcs11:token=cli?pin-source=file:" + fx.pinFile());
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains(pub.fingerprint() + "  pkcs11:token=cli;object=release;id=%01"), r.out());
        assertTrue(r.out().contains("private+public, not extractable, never extractable, sensitive"), r.out());
        Cli.Result noLogin = Cli.run("key", "list", "--key", "pkcs11:token=cli", "--no-login");
        assertEquals(0, noLogin.exit(), noLogin::toString);
        assertTrue(noLogin.out().contains(pub.fingerprint() + "  pkcs11:token=cli;object=release;id=%01"), noLogin.out());
        assertTrue(noLogin.out().contains("private keys are listed after login"), noLogin.out());
    }

    @Test
    void exportsEveryFormatWithTheFingerprint() throws IOException {
        for (String format : List.of("c", "hex", "pem", "raw")) {
            Path out = dir.resolve("key." + format);
            Cli.Result r = Cli.run("key", "export", "--key", key, "--format", format, "-o", out.toString(), "--force");
            assertEquals(0, r.exit(), r::toString);
            assertTrue(r.out().contains("fingerprint " + pub.fingerprint()), r.out());
            assertEquals(pub, KeyFormats.parse(Files.readAllBytes(out)), format);
        }
        assertTrue(Files.readString(dir.resolve("key.c")).contains("const uint8_t publicKey[32] PROGMEM = {"));
        Cli.Result toStdout = Cli.run("key", "export", "--key", key, "--format", "c");
        assertEquals(KeyFormats.toCArray(pub), toStdout.out());
        assertEquals("fingerprint " + pub.fingerprint() + "\n", toStdout.err());
        Cli.Result bad = Cli.run("key", "export", "--key", key, "--format", "der");
        assertEquals(2, bad.exit(), bad::toString);
    }

    @Test
    void signsAReleaseThatVerifyAndAnIndependentEd25519Accept() throws Exception {
        Path in = Files.write(dir.resolve("02_09_01.unsigned"), TestReleases.unsigned("02_09_01", List.of(pub), 64 * 1024));
        Path out = dir.resolve("02_09_01.bin");
        Cli.Result r = Cli.run("sign", "--key", key, in.toString(), "-o", out.toString());
        assertEquals(0, r.exit(), r::toString);
        byte[] unsigned = Files.readAllBytes(in);
        byte[] signed = Files.readAllBytes(out);
        String digestFp = ReleaseBlob.parseUnsigned(unsigned, FirmwareLimit.DEFAULT).digestFingerprint();
        assertTrue(r.out().contains("signed version 02_09_01, digest fingerprint " + digestFp + ", key " + pub.fingerprint()), r.out());
        assertTrue(DeviceVerifier.verify(out, pub, "02_09_01", FirmwareLimit.DEFAULT).ok());
        assertTrue(Arrays.equals(unsigned, Arrays.copyOf(signed, unsigned.length)), "the body is left as it was");

        // The JDK's own Ed25519 (not BouncyCastle, not the token) checks the signature over the digest.
        Signature jdk = Signature.getInstance("Ed25519");
        byte[] spki = java.util.Base64.getMimeDecoder().decode(KeyFormats.toPem(pub).replaceAll("-----[A-Z ]+-----", "").trim());
        jdk.initVerify(KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki)));
        jdk.update(Digests.sha256(unsigned));
        assertTrue(jdk.verify(Arrays.copyOfRange(signed, unsigned.length, signed.length)));

        Cli.Result verify = Cli.run("verify", "--pubkey", "pkcs11:token=cli;object=release", out.toString());
        assertEquals(0, verify.exit(), verify::toString);

        Cli.Result again = Cli.run("sign", "--key", key, in.toString(), "-o", dir.resolve("again.bin").toString());
        assertEquals(0, again.exit(), again::toString);
        assertTrue(Arrays.equals(signed, Files.readAllBytes(dir.resolve("again.bin"))), "same blob and key, same bytes");
    }

    @Test
    void refusesWhatVerifyWouldRejectAndLeavesNoOutput() throws IOException {
        Path noKey = Files.write(dir.resolve("nokey.unsigned"), TestReleases.unsigned("02_09_02", List.of(), 32 * 1024));
        Path out = dir.resolve("nokey.bin");
        Cli.Result r = Cli.run("sign", "--key", key, noKey.toString(), "-o", out.toString());
        assertEquals(1, r.exit(), r::toString);
        assertTrue(r.err().contains("does not embed the signing key " + pub.fingerprint()), r.err());
        assertFalse(Files.exists(out));

        byte[] bytes = TestReleases.unsigned("02_09_03", List.of(pub), 32 * 1024);
        Path cut = Files.write(dir.resolve("cut.unsigned"), Arrays.copyOf(bytes, bytes.length - 1));
        Cli.Result c = Cli.run("sign", "--key", key, cut.toString(), "-o", out.toString());
        assertEquals(1, c.exit(), c::toString);
        assertTrue(c.err().startsWith("iotasign: not a valid unsigned release blob"), c.err());

        Path signedAlready = Files.write(dir.resolve("signed.unsigned"), TestReleases.sign(bytes, TestKeys.test1()));
        Cli.Result s = Cli.run("sign", "--key", key, signedAlready.toString(), "-o", out.toString());
        assertEquals(1, s.exit(), s::toString);
        assertTrue(s.err().contains("already ends with a signature"), s.err());
        assertFalse(Files.exists(out));
    }

    @Test
    void wrongPinAndMissingTokenLeaveNoOutput() throws IOException {
        Path in = Files.write(dir.resolve("pin.unsigned"), TestReleases.unsigned("02_09_04", List.of(pub), 32 * 1024));
        Path out = dir.resolve("pin.bin");
        Path wrong = Files.writeString(dir.resolve("wrong.pin"), "wrong-pin\n");
        Cli.Result r = Cli.run("sign", "--key", "pkcs11:token=cli;object=release?pin-source=file:" + wrong, in.toString(), "-o", out.toString());
        assertEquals(1, r.exit(), r::toString);
        assertTrue(r.err().startsWith("iotasign: wrong user PIN for token 'cli'"), r.err());
        assertFalse(r.err().contains("wrong-pin"));
        Cli.Result missing = Cli.run("sign", "--key", fx.uri("absent", "release"), in.toString(), "-o", out.toString());
        assertEquals(3, missing.exit(), missing::toString);
        assertFalse(Files.exists(out));
        Cli.Result badUri = Cli.run("sign", "--key", "pkcs11:token=cli;objet=release", in.toString(), "-o", out.toString());
        assertEquals(2, badUri.exit(), badUri::toString);
    }

    @Test
    void importedSeedNeedsAllowExtractableKeyToSign() throws IOException {
        Path seed = Files.write(dir.resolve("seed.bin"), TestKeys.RFC8032_TEST2_SECRET);
        Cli.Result imp = Cli.run("key", "import-seed", "--key", fx.uri("cli", "migrated"), "--seed", seed.toString());
        assertEquals(0, imp.exit(), imp::toString);
        Ed25519PublicKey migrated = TestKeys.test2().publicKey();
        assertTrue(imp.out().contains("fingerprint " + migrated.fingerprint()), imp.out());
        assertTrue(imp.err().contains("only as safe as its past"), imp.err());

        Path in = Files.write(dir.resolve("mig.unsigned"), TestReleases.unsigned("02_09_05", List.of(migrated), 32 * 1024));
        Path out = dir.resolve("mig.bin");
        Cli.Result refused = Cli.run("sign", "--key", fx.uri("cli", "migrated"), in.toString(), "-o", out.toString());
        assertEquals(1, refused.exit(), refused::toString);
        assertTrue(refused.err().contains("--allow-extractable-key"), refused.err());
        assertFalse(Files.exists(out));
        Cli.Result allowed = Cli.run("sign", "--key", fx.uri("cli", "migrated"), "--allow-extractable-key", in.toString(), "-o", out.toString());
        assertEquals(0, allowed.exit(), allowed::toString);
        assertTrue(DeviceVerifier.verify(out, migrated, null, FirmwareLimit.DEFAULT).ok());

        Path shortSeed = Files.write(dir.resolve("short.bin"), Arrays.copyOf(TestKeys.RFC8032_TEST2_SECRET, 31));
        Cli.Result shortR = Cli.run("key", "import-seed", "--key", fx.uri("cli", "short"), "--seed", shortSeed.toString());
        assertEquals(1, shortR.exit(), shortR::toString);
    }
}
