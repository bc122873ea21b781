package org.iotasign.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Runs the documented steps: every fenced block marked {@code sh test} in
 * docs/offline-install.md (the laptop's side) and then docs/quickstart.md, in order, as
 * one bash script in an empty folder holding only the built bundle, on a fresh SoftHSM2
 * token. Two changes, both said in the docs: PINs come from IOTASIGN_SO_PIN/IOTASIGN_PIN
 * instead of the terminal, and selftest gets --allow-network because this machine is
 * online.
 */
@Timeout(300)
class QuickstartTest {
    static final String TESTED_BLOCK = "```sh test";

    /** The commands of the tested blocks of a Markdown file, in order. */
    static List<String> testedCommands(String markdown) {
        List<String> commands = new ArrayList<>();
        boolean inBlock = false;
        for (String line : markdown.lines().toList()) {
            if (!inBlock && line.strip().equals(TESTED_BLOCK)) {
                inBlock = true;
            } else if (inBlock && line.strip().equals("```")) {
                inBlock = false;
            } else if (inBlock && !line.isBlank()) {
                commands.add(line);
            }
        }
        return commands;
    }

    @Test
    void blockExtractionTakesOnlyTestedShellBlocks() {
        String md = "text\n```sh\npio run\n```\n```sh test\niotasign --version\n\nls\n```\n```\nnot shell\n```\n";
        assertEquals(List.of("iotasign --version", "ls"), testedCommands(md));
    }

    @Test
    void theDocumentedStepsRunOnAFreshTokenFromTheBundle() throws IOException {
        BuiltBundle bundle = BuiltBundle.get();
        Path work = BuiltBundle.testDir().resolve("quickstart");
        Processes.deleteTree(work);
        Files.createDirectories(work);
        Files.copy(bundle.tarball, work.resolve(bundle.tarball.getFileName()));
        Path sha = bundle.tarball.resolveSibling(bundle.tarball.getFileName() + ".sha256");
        Files.copy(sha, work.resolve(sha.getFileName()));

        List<String> commands = new ArrayList<>();
        for (String doc : List.of("docs/offline-install.md", "docs/quickstart.md")) {
            List<String> found = testedCommands(Files.readString(BuiltBundle.projectRoot().resolve(doc)));
            assertFalse(found.isEmpty(), doc + " has tested blocks");
            commands.addAll(found);
        }
        StringBuilder script = new StringBuilder("set -euxo pipefail\n");
        for (String c : commands) {
            script.append(c.replaceFirst("^iotasign selftest\\b", "iotasign selftest --allow-network")).append('\n');
        }
        Path file = work.resolve("steps.sh");
        Files.writeString(file, script);

        Map<String, String> env = Processes.cleanEnv();
        env.put("IOTASIGN_HOME", work.resolve("home").toString());
        env.put("IOTASIGN_SO_PIN", "so-pin-8765");
        env.put("IOTASIGN_PIN", "user-pin-4321");
        Processes.Result r = Processes.run(List.of("bash", file.toString()), work, env, Duration.ofMinutes(3));
        assertEquals(0, r.exit(), "the documented steps failed:\n" + script + r);
        assertTrue(r.out().contains("iotasign-0.1.0-bundle.tar.gz: OK"), r.toString());
        assertTrue(r.out().contains("result   READY"), r.toString());
        assertTrue(r.out().contains("const uint8_t publicKey[32] PROGMEM") || Files.readString(work.resolve("release-key.c"))
                .contains("const uint8_t publicKey[32] PROGMEM"), r.toString());
        assertTrue(r.out().contains("signed version 02_09_01"), r.toString());
        assertTrue(r.out().contains("device: Updater: signature verified"), r.toString());
        assertTrue(r.out().lines().anyMatch(l -> l.equals("OK")), r.toString());
        Processes.deleteTree(work);
    }
}
