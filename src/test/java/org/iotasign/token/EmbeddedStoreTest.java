package org.iotasign.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.iotasign.crypto.Ed25519PublicKey;
import org.iotasign.crypto.KeyFormats;
import org.iotasign.release.DeviceVerifier;
import org.iotasign.release.FirmwareLimit;
import org.iotasign.testing.TestReleases;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The embedded default store as a user meets it: separate iotasign processes (SoftHSM
 * takes SOFTHSM2_CONF from the environment a process starts with) sharing one
 * IOTASIGN_HOME, with no key URI given anywhere.
 */
@Tag(SoftHsmFixture.TAG)
@Timeout(120)
class EmbeddedStoreTest {
    static Path home;

    record Run(int exit, String out, String err) {
    }

    @BeforeAll
    static void setUp() throws IOException {
        Path base = Path.of(System.getenv(SoftHsmStore.CONF_VARIABLE)).toAbsolutePath().getParent().resolve(EmbeddedStoreTest.class.getSimpleName());
        SoftHsmFixture.deleteTree(base);
        home = Files.createDirectories(base).resolve("home");
    }

    /** Runs iotasign in a new JVM with exactly the given environment additions (no SOFTHSM2_CONF unless given). */
    static Run iotasign(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.crypto.cryptoki", "--add-exports", "jdk.crypto.cryptoki/sun.security.pkcs11.wrapper=ALL-UNNAMED",
                "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-cp", System.getProperty("java.class.path"), "org.iotasign.cli.Main"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        Map<String, String> e = pb.environment();
        e.keySet().removeIf(k -> k.equals(SoftHsmStore.CONF_VARIABLE) || k.startsWith("IOTASIGN_"));
        e.put(SoftHsmStore.HOME_VARIABLE, home.toString());
        e.putAll(env);
        Path out = Files.createTempFile(home.getParent(), "out", ".txt");
        Path err = Files.createTempFile(home.getParent(), "err", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        p.getOutputStream().close();
        assertTrue(p.waitFor(100, TimeUnit.SECONDS), "iotasign " + String.join(" ", args) + " finished");
        Run r = new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        Files.delete(out);
        Files.delete(err);
        return r;
    }

    static Map<String, String> withStore(String... more) {
        Map<String, String> env = new HashMap<>();
        env.put(SoftHsmStore.CONF_VARIABLE, home.resolve("softhsm/softhsm2.conf").toString());
        for (int i = 0; i < more.length; i += 2) {
            env.put(more[i], more[i + 1]);
        }
        return env;
    }

    @Test
    void withoutSoftHsmConfTheToolRefusesAndNamesTheEmbeddedStore() throws Exception {
        Run r = iotasign(Map.of(), "token", "list");
        assertEquals(3, r.exit(), r.toString());
        assertTrue(r.err().startsWith("iotasign: SOFTHSM2_CONF is not set, so SoftHSM would use the system token store"), r.err());
        assertTrue(r.err().contains("export SOFTHSM2_CONF=" + home.resolve("softhsm/softhsm2.conf")), r.err());
    }

    @Test
    void initGenerateExportAndSignWithNoKeyGiven(@org.junit.jupiter.api.io.TempDir Path work) throws Exception {
        Run init = iotasign(withStore("IOTASIGN_SO_PIN", "so-pin-0000", "IOTASIGN_PIN", "user-pin-0000"), "token", "init");
        assertEquals(0, init.exit(), init.toString());
        Path conf = home.resolve("softhsm/softhsm2.conf");
        assertTrue(Files.isRegularFile(conf));
        assertTrue(Files.readString(conf).contains("directories.tokendir = " + home.resolve("softhsm/tokens")));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("softhsm/tokens"))));

        Run gen = iotasign(withStore("IOTASIGN_PIN", "user-pin-0000"), "key", "generate", "--if-absent");
        assertEquals(0, gen.exit(), gen.toString());
        assertTrue(gen.out().startsWith("generated Ed25519 key pkcs11:token=iotasign;object=release;id=%01"), gen.out());

        Run export = iotasign(withStore(), "key", "export", "--format", "c");
        assertEquals(0, export.exit(), export.toString());
        Ed25519PublicKey pub = KeyFormats.parse(export.out().getBytes(StandardCharsets.US_ASCII));
        assertEquals("fingerprint " + pub.fingerprint() + "\n", export.err());

        Path in = Files.write(work.resolve("r.unsigned"), TestReleases.unsigned("04_01_00", List.of(pub), 32 * 1024));
        Path out = work.resolve("r.bin");
        Run sign = iotasign(withStore("IOTASIGN_PIN", "user-pin-0000"), "sign", in.toString(), "-o", out.toString());
        assertEquals(0, sign.exit(), sign.toString());
        assertTrue(sign.out().contains("key " + pub.fingerprint() + " (token 'iotasign' serial "), sign.out());
        assertTrue(DeviceVerifier.verify(out, pub, "04_01_00", FirmwareLimit.DEFAULT).ok());
    }
}
