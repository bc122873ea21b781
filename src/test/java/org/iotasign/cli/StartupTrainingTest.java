package org.iotasign.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.iotasign.testing.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The class-archive training signs on a throwaway SoftHSM2 token only when the launcher made
 * one for it (src/dist/lib/iotasign-env.sh): never on a token, store or ledger of the user's.
 */
@Timeout(120)
class StartupTrainingTest {
    @TempDir
    Path dir;

    @Test
    void signsOnTheThrowawayTokenItIsGiven() throws Exception {
        assumeTrue(Tools.onPath("softhsm2-util"), "SoftHSM2 is not installed (apt-get install softhsm2)");
        Path token = dir.resolve("token");
        assertEquals(0, train(token, env(token, token)));
        List<String> ledger = Files.readAllLines(token.resolve("ledger.jsonl"));
        assertEquals(1, ledger.size(), ledger.toString());
        assertTrue(ledger.get(0).contains("\"outcome\":\"signed\""), ledger.get(0));
        assertTrue(Files.isDirectory(token.resolve("softhsm")), "the token lives in the folder it was given");
    }

    @Test
    void leavesTokensAloneWhenTheEnvironmentPointsAnywhereElse() throws Exception {
        Path token = dir.resolve("token");
        Path users = dir.resolve("users-home");
        Files.createDirectories(users);
        // IOTASIGN_HOME is the user's, not the folder given.
        assertEquals(0, train(token, env(users, token)));
        // SOFTHSM2_CONF is the user's.
        Map<String, String> conf = env(token, token);
        conf.put("SOFTHSM2_CONF", users.resolve("softhsm2.conf").toString());
        assertEquals(0, train(token, conf));
        // The folder already exists: it may hold something of somebody's.
        Files.createDirectories(token);
        assertEquals(0, train(token, env(token, token)));
        try (var left = Files.list(token)) {
            assertEquals(List.of(), left.toList(), "nothing written into an existing folder");
        }
        try (var left = Files.list(users)) {
            assertEquals(List.of(), left.toList(), "nothing written into the user's home");
        }
    }

    @Test
    void onlyTheExactArgumentWithAMatchingEnvironmentNamesAToken() {
        assertFalse(StartupTraining.givenThrowawayToken(new String[0]));
        assertFalse(StartupTraining.givenThrowawayToken(new String[] {"--token-home"}));
        assertFalse(StartupTraining.givenThrowawayToken(new String[] {"--token-home", dir.toString(), "extra"}));
        // This JVM's IOTASIGN_HOME and SOFTHSM2_CONF do not name the folder.
        assertFalse(StartupTraining.givenThrowawayToken(new String[] {"--token-home", dir.resolve("token").toString()}));
    }

    /** The environment the launcher gives the training: IOTASIGN_HOME {@code home}, the embedded store's conf under {@code token}. */
    private static Map<String, String> env(Path home, Path token) {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", System.getenv("PATH"));
        env.put("IOTASIGN_HOME", home.toString());
        env.put("SOFTHSM2_CONF", token.resolve("softhsm").resolve("softhsm2.conf").toString());
        env.put("IOTASIGN_PIN", "training-only");
        env.put("IOTASIGN_SO_PIN", "training-only-so");
        return env;
    }

    private int train(Path token, Map<String, String> env) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "--add-modules", "jdk.crypto.cryptoki",
                "--add-exports", "jdk.crypto.cryptoki/sun.security.pkcs11.wrapper=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), StartupTraining.class.getName(), "--token-home", token.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("training.out").toFile());
        pb.environment().clear();
        pb.environment().putAll(env);
        Process p = pb.start();
        assertTrue(p.waitFor(100, TimeUnit.SECONDS), "the training finished");
        return p.exitValue();
    }
}
