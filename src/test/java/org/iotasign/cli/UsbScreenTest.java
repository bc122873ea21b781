package org.iotasign.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.iotasign.crypto.Fingerprints;
import org.iotasign.ledger.Ledger;
import org.iotasign.ledger.LedgerRecord;
import org.iotasign.testing.Digests;
import org.iotasign.testing.IotasignProcess;
import org.iotasign.testing.SigningFixture;
import org.iotasign.testing.TestReleases;
import org.iotasign.testing.TmuxScreen;
import org.iotasign.token.SoftHsmStore;
import org.iotasign.usb.DriveLayout;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code iotasign usb --drive} in a real terminal (tmux) on a drive whose file name is
 * an attack: escape sequences that clear the screen, then a fake review carrying the
 * fingerprint the build machine printed for the good blob. The operator must see the
 * true fingerprint of the attacker's blob right above the prompt, and no injected line.
 */
@Tag("softhsm")
@Timeout(120)
class UsbScreenTest {
    static SigningFixture fx;

    @TempDir
    Path dir;

    @BeforeAll
    static void token() throws IOException {
        fx = SigningFixture.create(UsbScreenTest.class);
    }

    @AfterAll
    static void close() {
        fx.close();
    }

    static Map<String, String> tokenEnvironment() {
        Map<String, String> env = new HashMap<>();
        for (String v : List.of(SoftHsmStore.CONF_VARIABLE, SoftHsmStore.HOME_VARIABLE)) {
            if (System.getenv(v) != null) {
                env.put(v, System.getenv(v));
            }
        }
        return env;
    }

    @Test
    void aHostileFileNameCannotDrawAFakeReviewOverTheRealOne() throws Exception {
        String goodFingerprint = Fingerprints.of(Digests.sha256(fx.release("02_09_01")));
        byte[] evil = TestReleases.unsigned("02_09_01", List.of(fx.publicKey()), 20 * 1024);
        String evilFingerprint = Fingerprints.of(Digests.sha256(evil));
        String name = "\u001b[2J\u001b[3J\u001b[H=== 02_09_01.unsigned\nversion      02_09_01\nfingerprint  " + goodFingerprint
                + "\nverdict      may be signed\n\u001b[8m.unsigned";
        Path drive = dir.resolve("DRIVE");
        Files.createDirectories(new DriveLayout(drive).outbox());
        Files.write(new DriveLayout(drive).outbox().resolve(name), evil);
        Path ledger = dir.resolve("ledger.jsonl");

        List<String> command = IotasignProcess.builder(Map.of(), List.of("usb", "--drive", drive.toString(),
                "--key", fx.hsm.uri(SigningFixture.TOKEN, "release"), "--ledger", ledger.toString())).command();
        try (TmuxScreen tmux = new TmuxScreen(dir, 160, 60, tokenEnvironment(), command)) {
            List<String> screen = tmux.waitFor("the prompt", s -> s.stream().anyMatch(l -> l.startsWith("Type the version")),
                    TmuxScreen.WAIT);
            int prompt = indexOf(screen, "Type the version");
            assertEquals("Type the version (02_09_01) to sign it, or anything else to decline:", screen.get(prompt),
                    String.join("\n", screen));
            assertEquals("fingerprint  " + evilFingerprint + "  computed here over the " + evil.length + " bytes", screen.get(prompt - 1),
                    "the true fingerprint is right above the prompt:\n" + String.join("\n", screen));
            assertTrue(screen.get(0).startsWith("drive \""), "nothing cleared the screen:\n" + String.join("\n", screen));
            for (String line : screen) {
                assertFalse(line.startsWith("fingerprint") && line.contains(goodFingerprint), "an injected fingerprint line: " + line);
                assertFalse(line.startsWith("version      02_09_01") || line.equals("=== 02_09_01.unsigned"), "an injected line: " + line);
            }
            assertEquals(1, screen.stream().filter(l -> l.startsWith("verdict ")).count(), "one verdict line:\n" + String.join("\n", screen));
            assertTrue(screen.stream().anyMatch(l -> l.startsWith("=== \"\\x1b[2J\\x1b[3J\\x1b[H=== 02_09_01.unsigned\\x0aversion")),
                    "the name is shown quoted and escaped:\n" + String.join("\n", screen));

            tmux.typeLine("no");
            List<String> end = tmux.waitFor("the end of the pass", s -> s.contains("[exit 1]"), TmuxScreen.WAIT);
            assertTrue(String.join("", end).contains(": declined: the operator typed 'no'"), String.join("\n", end));
        }
        List<LedgerRecord> records = new Ledger(ledger).records();
        assertEquals(List.of(LedgerRecord.Outcome.DECLINED), records.stream().map(LedgerRecord::outcome).toList());
    }

    static int indexOf(List<String> screen, String prefix) {
        for (int i = screen.size() - 1; i >= 0; i--) {
            if (screen.get(i).startsWith(prefix)) {
                return i;
            }
        }
        throw new AssertionError("no line starting with " + prefix);
    }
}
