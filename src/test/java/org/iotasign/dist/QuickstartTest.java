package org.iotasign.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Runs the documented steps: every fenced block marked {@code sh test} in
 * docs/offline-install.md (the laptop's side) and then docs/quickstart.md, in order, as
 * one bash script in an empty folder holding only the built bundle, on a fresh SoftHSM2
 * token. A block marked {@code sh test-background} is a server (the update server, the
 * virtual ESP8266): started in the background, waited for until its port answers or its
 * pseudo-terminal exists, stopped at the end. The changes made to
 * the documented commands are the ones the docs announce: PINs come from
 * IOTASIGN_SO_PIN/IOTASIGN_PIN instead of the terminal, selftest gets --allow-network
 * because this machine is online, and the server listens on 127.0.0.1 and a free port
 * instead of 0.0.0.0 and 8080.
 */
@Timeout(300)
class QuickstartTest {
    static final String TESTED = "```sh test";
    static final String BACKGROUND = "```sh test-background";

    /** One documented command, and whether it is a server to run in the background. */
    record Step(String command, boolean background) {
    }

    /** The commands of the tested blocks of a Markdown file, in order. */
    static List<Step> testedSteps(String markdown) {
        List<Step> steps = new ArrayList<>();
        String block = null;
        for (String line : markdown.lines().toList()) {
            String t = line.strip();
            if (block == null && (t.equals(TESTED) || t.equals(BACKGROUND))) {
                block = t;
            } else if (block != null && t.equals("```")) {
                block = null;
            } else if (block != null && !line.isBlank()) {
                steps.add(new Step(line, block.equals(BACKGROUND)));
            }
        }
        return steps;
    }

    /** The documented command as the test runs it (see the class comment). */
    static String adapt(String command, int port) {
        return command.replaceFirst("^iotasign selftest\\b", "iotasign selftest --allow-network")
                .replace("--bind 0.0.0.0", "--bind 127.0.0.1")
                .replace("--port 8080", "--port " + port)
                .replace("http://127.0.0.1:8080", "http://127.0.0.1:" + port);
    }

    @Test
    void blockExtractionTakesOnlyTestedShellBlocks() {
        String md = "text\n```sh\npio run\n```\n```sh test\niotasign --version\n\nls\n```\n```\nnot shell\n```\n"
                + "```sh test-background\niotasign serve --site s --bind 0.0.0.0 --port 8080\n```\n";
        assertEquals(List.of(new Step("iotasign --version", false), new Step("ls", false),
                new Step("iotasign serve --site s --bind 0.0.0.0 --port 8080", true)), testedSteps(md));
        assertEquals("iotasign serve --site s --bind 127.0.0.1 --port 4321",
                adapt("iotasign serve --site s --bind 0.0.0.0 --port 8080", 4321));
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

        List<Step> steps = new ArrayList<>();
        for (String doc : List.of("docs/offline-install.md", "docs/quickstart.md")) {
            List<Step> found = testedSteps(Files.readString(BuiltBundle.projectRoot().resolve(doc)));
            assertFalse(found.isEmpty(), doc + " has tested blocks");
            steps.addAll(found);
        }
        int port = freePort();
        int background = 0;
        StringBuilder script = new StringBuilder("set -euxo pipefail\nservers=()\n"
                + "trap 'for p in \"${servers[@]}\"; do kill \"$p\" 2>/dev/null || true; done; wait' EXIT\n");
        for (Step step : steps) {
            String command = adapt(step.command(), port);
            if (step.background()) {
                // Started in the background; the next step waits (at most 30 s) until it is ready:
                // its pseudo-terminal exists (devsim --pty) or its port answers (serve).
                Matcher pty = Pattern.compile("--pty (\\S+)").matcher(command);
                String ready = pty.find() ? "[ -e " + pty.group(1) + " ]"
                        : "(exec 3<>/dev/tcp/127.0.0.1/" + port + ") 2>/dev/null";
                script.append(command).append(" > background-").append(background).append(".log 2>&1 &\nservers+=($!)\n")
                        .append("for i in $(seq 300); do ").append(ready).append(" && break; kill -0 $! || { cat background-")
                        .append(background).append(".log; exit 1; }; sleep 0.1; done\n");
                background++;
            } else {
                script.append(command).append('\n');
            }
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
        assertTrue(Files.readString(work.resolve("release-key.c")).contains("const uint8_t publicKey[32] PROGMEM"));
        assertTrue(r.out().contains("signed version 02_09_01"), r.toString());
        assertTrue(r.out().contains("device: Updater: signature verified"), r.toString());
        assertTrue(r.out().contains("changed  MINOR: (none) -> 02_09_01"), r.toString());
        assertTrue(r.out().contains("verdict: OK: a device of class MINOR on 02_08_04 would install 02_09_01"), r.toString());
        assertTrue(r.out().contains("Firmware version 02_09_01\nPASS: every expected line appeared in order"), r.toString());
        Processes.deleteTree(work);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
