package org.iotasign.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.iotasign.testing.Tools;

/**
 * scripts/bridge-chip-check: the bridge built for the ESP8266 with Debian's cross compiler,
 * within its memory budget; and each of its guards failing the check when broken.
 */
@Timeout(120)
class BridgeChipCheckTest {
    static final Path SCRIPT = Path.of("scripts", "bridge-chip-check").toAbsolutePath();
    static final Path BRIDGE = Path.of("src", "bridge").toAbsolutePath();
    static Run ok;

    @TempDir
    Path dir;

    record Run(int code, String stdout, String stderr) {
        String lastErrorLine() {
            String[] lines = stderr.strip().split("\n");
            return lines[lines.length - 1];
        }
    }

    static Run check(Path out, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(SCRIPT.toString(), out.toString());
        pb.environment().putAll(env);
        Path err = Files.createTempFile("chip-check", ".err");
        try {
            Process p = pb.redirectError(err.toFile()).start();
            String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(90, TimeUnit.SECONDS), "bridge-chip-check finished");
            return new Run(p.exitValue(), stdout, Files.readString(err));
        } finally {
            Files.deleteIfExists(err);
        }
    }

    @BeforeAll
    static void checkTheBridgeAsItIs() throws Exception {
        Assumptions.assumeTrue(Tools.onPath("xtensa-lx106-elf-g++") && Tools.onPath("xtensa-lx106-elf-size"),
                "gcc-xtensa-lx106 and binutils-xtensa-lx106 are needed for the chip build");
        Assumptions.assumeTrue(Files.isRegularFile(Path.of("/usr/lib/xtensa-lx106-elf/picolibc.specs")),
                "picolibc-xtensa-lx106-elf is needed for the chip build");
        ok = check(Path.of("target", "bridge-chip").toAbsolutePath(), Map.of());
    }

    /** A copy of src/bridge to alter, checked into its own output folder. */
    private Run checkAlteredCopy(String file, String from, String to, Map<String, String> env) throws Exception {
        Path copy = dir.resolve("bridge");
        try (Stream<Path> all = Files.walk(BRIDGE)) {
            for (Path p : (Iterable<Path>) all.filter(p -> !p.toString().contains("/build"))::iterator) {
                Path target = copy.resolve(BRIDGE.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        Path f = copy.resolve(file);
        String text = Files.readString(f);
        assertTrue(text.contains(from), file + " contains " + from);
        Files.writeString(f, text.replace(from, to));
        Map<String, String> all = new java.util.HashMap<>(env);
        all.put("BRIDGE_SRC", copy.toString());
        return check(dir.resolve("out"), all);
    }

    @Test
    void theBridgeBuildsForTheEsp8266WithinItsMemoryBudget() {
        assertEquals(0, ok.code(), ok.stdout() + ok.stderr());
        String out = ok.stdout();
        assertTrue(out.contains("-mlongcalls -mtext-section-literals") && out.contains("-fno-exceptions")
                && out.contains("-fno-rtti") && out.contains("-Wall -Wextra -Werror"), out);
        assertTrue(out.matches("(?s).*text\\s+data\\s+bss.*bridge-image\\.elf.*"), "text, data and bss of the image: " + out);
        assertTrue(out.matches("(?s).*RAM: bridge state \\(sizeof\\(slink::Bridge\\)\\) \\d+ bytes, window buffer 4096 bytes.*"), out);
        assertTrue(out.contains("largest stack frames") && out.contains("slink::Bridge::submit"), out);
        assertTrue(out.contains("constants in RAM: 0 bytes"), out);
        assertTrue(out.strip().endsWith("largest stack frame " + largestFrame() + " of 1024 bytes)"), out);
    }

    private static int largestFrame() {
        return Integer.parseInt(ok.stdout().replaceAll("(?s).*largest stack frames[^\n]*\n\\s+(\\d+).*", "$1"));
    }

    @Test
    void aRamBudgetBelowWhatTheBridgeNeedsFailsTheCheck() throws Exception {
        Run r = check(dir.resolve("out"), Map.of("BRIDGE_RAM_BUDGET", "4096"));
        assertEquals(1, r.code(), r.stdout() + r.stderr());
        assertTrue(r.lastErrorLine().matches("bridge-chip-check: FAILED: the bridge needs \\d+ bytes of RAM, over the budget of 4096"),
                r.stderr());
    }

    @Test
    void aStackFrameOverTheBudgetFailsTheCheck() throws Exception {
        int largest = largestFrame();
        Run r = check(dir.resolve("out"), Map.of("BRIDGE_STACK_FRAME_BUDGET", String.valueOf(largest - 1)));
        assertEquals(1, r.code(), r.stdout() + r.stderr());
        assertTrue(r.lastErrorLine().startsWith("bridge-chip-check: FAILED: stack frame of " + largest + " bytes in "), r.stderr());
    }

    @Test
    void aStringLiteralOfTheCoreInRamFailsTheCheck() throws Exception {
        Run r = checkAlteredCopy("lib/slink/slink_bridge.cpp", "status(SLINK_TEXT(\"resuming\"));",
                "status(\"resuming\");", Map.of());
        assertEquals(1, r.code(), r.stdout() + r.stderr());
        assertTrue(r.lastErrorLine().matches("bridge-chip-check: FAILED: slink-core keeps \\d+ bytes of constants in RAM .*"),
                r.stderr());
    }

    @Test
    void aStringLiteralOfTheSketchInRamFailsTheCheck() throws Exception {
        Run r = checkAlteredCopy("firmware/iotasign_bridge.ino", "PSTR(\"404 Not Found\")", "\"404 Not Found\"", Map.of());
        assertEquals(1, r.code(), r.stdout() + r.stderr());
        assertTrue(r.lastErrorLine().matches("bridge-chip-check: FAILED: sketch keeps \\d+ bytes of constants in RAM .*"),
                r.stderr());
    }

    @Test
    void aCallTheArduinoCoreDoesNotProvideFailsTheCheck() throws Exception {
        Run r = checkAlteredCopy("lib/slink/slink_bridge.cpp", "  copyText(result_.message, sizeof(result_.message), text);",
                "  __builtin_snprintf(result_.message, sizeof(result_.message), \"%s\", text);", Map.of());
        assertEquals(1, r.code(), r.stdout() + r.stderr());
        assertTrue(r.lastErrorLine().startsWith("bridge-chip-check: FAILED: the core needs snprintf, which is not on the allowed list ("),
                r.stderr());
    }

    @Test
    void codeThatDoesNotCompileForTheChipFailsTheCheck() throws Exception {
        // long is 32-bit on the ESP8266: a check that holds on the host fails there.
        Run r = checkAlteredCopy("lib/slink/slink_frame.cpp", "namespace slink {",
                "namespace slink {\nstatic_assert(sizeof(long) == 8, \"64-bit long\");", Map.of());
        assertEquals(1, r.code(), r.stdout() + r.stderr());
        assertEquals("bridge-chip-check: FAILED: src/bridge/lib/slink/slink_frame.cpp does not compile for the ESP8266",
                r.lastErrorLine().replace(dir.resolve("bridge").toString(), "src/bridge"));
    }

    @Test
    void anUnpinnedPlatformFailsTheCheck() throws Exception {
        Run r = checkAlteredCopy("platformio.ini", "platform = espressif8266@4.2.1", "platform = espressif8266", Map.of());
        assertEquals(1, r.code(), r.stdout() + r.stderr());
        assertEquals("bridge-chip-check: FAILED: src/bridge/platformio.ini does not pin platform = espressif8266@4.2.1,"
                + " whose compiler flags this check uses", r.lastErrorLine());
    }

    @Test
    void aMissingPicolibcIsAnEnvironmentError() throws Exception {
        Path missing = dir.resolve("no-picolibc.specs");
        Run r = check(dir.resolve("out"), Map.of("PICOLIBC_SPECS", missing.toString()));
        assertEquals(3, r.code(), r.stderr());
        assertEquals(List.of("bridge-chip-check: " + missing + " not found (apt-get install picolibc-xtensa-lx106-elf)"),
                r.stderr().strip().lines().toList());
    }

    @Test
    void aBudgetThatIsNotANumberIsAUsageError() throws Exception {
        Run r = check(dir.resolve("out"), Map.of("BRIDGE_RAM_BUDGET", "12k"));
        assertEquals(2, r.code(), r.stderr());
        assertEquals(List.of("bridge-chip-check: budgets must be whole numbers of bytes, got '12k'"), r.stderr().strip().lines().toList());
    }
}
