package org.iotasign.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.iotasign.testing.Cli;
import org.iotasign.testing.IotasignProcess;
import org.iotasign.testing.TestKeys;
import org.iotasign.testing.TestReleases;
import org.iotasign.token.HsmProfile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The command registry of {@link Main}: a run builds only the command it names, and help still shows them all. */
class CommandTreeTest {
    @TempDir
    Path dir;

    private static List<String> names(List<Main.Entry> entries) {
        return entries.stream().map(Main.Entry::name).toList();
    }

    @Test
    void everyRegisteredNameIsItsClassesCommandNameAndTheFullTreeHoldsThemInOrder() {
        for (Main.Entry e : Main.COMMANDS) {
            String declared = e.coded() != null ? e.coded().get().name() : e.type().getAnnotation(Command.class).name();
            assertEquals(e.name(), declared, e.type().getName());
        }
        assertEquals(names(Main.COMMANDS), new ArrayList<>(Main.commandLine().getSubcommands().keySet()));
        assertEquals(Main.COMMANDS.size(), Main.COMMANDS.stream().map(Main.Entry::name).distinct().count());
    }

    @Test
    void aRunBuildsOnlyTheCommandItNames() {
        assertEquals(List.of("verify"), names(Main.commandsFor("verify", "--pubkey", "k.hex", "r.bin")));
        assertEquals(List.of("key"), names(Main.commandsFor("key", "export", "--format", "c")));
        assertEquals(List.of("sign"), new ArrayList<>(Main.commandLine("sign", "r.unsigned").getSubcommands().keySet()));
        assertEquals(List.of(), names(Main.commandsFor("--version")));
        assertEquals(List.of(), names(Main.commandsFor("-V")));
        assertEquals(List.of("verify"), names(Main.commandsFor("--version", "verify")));
        for (String[] args : new String[][] {{}, {"--help"}, {"-h"}, {"help"}, {"help", "verify"}, {"verfy"}, {"-x", "verify"}}) {
            assertEquals(Main.COMMANDS, Main.commandsFor(args), String.join(" ", args));
        }
    }

    @Test
    void noOptionHasATypeWhoseConverterPicocliIsToldToLeaveOut() {
        List<String> excluded = List.of(Main.PICOCLI_CONVERTER_EXCLUDES.split(","));
        List<String> offending = new ArrayList<>();
        List<CommandLine> todo = new ArrayList<>(List.of(Main.commandLine()));
        while (!todo.isEmpty()) {
            CommandLine cl = todo.remove(todo.size() - 1);
            todo.addAll(cl.getSubcommands().values());
            for (CommandLine.Model.ArgSpec arg : cl.getCommandSpec().args()) {
                for (Class<?> type : arg.auxiliaryTypes()) {
                    // Path is left out of picocli's converters because Main registers its own.
                    if (type != Path.class && excluded.stream().anyMatch(type.getName()::matches)) {
                        offending.add(cl.getCommandSpec().qualifiedName() + " " + arg + ": " + type.getName());
                    }
                }
            }
        }
        assertEquals(List.of(), offending, "register a converter for these types, or drop them from Main.PICOCLI_CONVERTER_EXCLUDES");
        assertTrue(excluded.stream().anyMatch("java.time.Duration"::matches), "the pattern list is read as picocli reads it");
    }

    @Test
    void helpListsEveryCommandWithItsSummary() {
        Cli.Result r = Cli.run("--help");
        assertEquals(0, r.exit(), r::toString);
        for (CommandLine c : Main.commandLine().getSubcommands().values()) {
            CommandLine.Model.UsageMessageSpec usage = c.getCommandSpec().usageMessage();
            String summary = (usage.header().length > 0 ? usage.header() : usage.description())[0];
            String start = summary.substring(0, Math.min(20, summary.length()));
            assertTrue(r.out().lines().anyMatch(l -> l.startsWith("  " + c.getCommandName() + " ") && l.contains(start)),
                    c.getCommandName() + " with its summary in\n" + r.out());
        }
    }

    @Test
    void anUnknownCommandIsAUsageErrorOnOneLine() {
        Cli.Result r = Cli.run("verfy", "x");
        assertEquals(2, r.exit(), r::toString);
        assertEquals(List.of("iotasign: Unmatched arguments from index 0: 'verfy', 'x' (see 'iotasign --help')"), r.err().lines().toList());
    }

    @Test
    void verifyLoadsNeitherTheFlasherNorTheServerNorTheSerialLink() throws Exception {
        Path blob = Files.write(dir.resolve("02_08_05.bin"), TestReleases.signed("02_08_05", TestKeys.test1()));
        Path log = dir.resolve("classes.log");
        ProcessBuilder pb = IotasignProcess.builder(Map.of(), List.of("-Xlog:class+load=info:file=" + log),
                List.of("verify", "--pubkey", TestKeys.test1().publicKey().hex(), blob.toString()));
        pb.redirectErrorStream(true).redirectOutput(dir.resolve("out.txt").toFile());
        Process p = pb.start();
        assertTrue(p.waitFor(Duration.ofSeconds(60).toSeconds(), TimeUnit.SECONDS), "verify finished");
        String out = Files.readString(dir.resolve("out.txt"));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("device: Updater: signature verified"), out);
        List<String> loaded = Files.readAllLines(log).stream()
                .filter(l -> l.contains("[class,load]")).map(l -> l.replaceFirst(".*\\[class,load\\] (\\S+).*", "$1")).toList();
        assertTrue(loaded.contains("org.iotasign.cli.VerifyCommand"), "the log names loaded classes");
        // The registry names every command's class, so those are loaded (not initialised); what
        // they would pull in is not.
        for (String unwanted : List.of("org.iotasign.espflash.", "org.iotasign.seriallink.", "org.iotasign.devsim.",
                "org.iotasign.site.", "org.iotasign.usb.", "org.eclipse.jetty.", "com.fazecast.", "com.fasterxml.")) {
            List<String> hits = loaded.stream().filter(c -> c.startsWith(unwanted)).toList();
            assertTrue(hits.isEmpty(), "verify loaded " + hits);
        }
    }

    /**
     * The commands the launchers start from the class path (src/dist/lib/iotasign-env.sh),
     * where the jar manifest's Add-Exports does not apply: each runs to its end without the
     * JDK's PKCS#11 wrapper, as long as no argument names a token.
     */
    @Test
    void theCommandsStartedFromTheClassPathRunWithoutThePkcs11Wrapper() throws Exception {
        Path signed = Files.write(dir.resolve("02_08_05.bin"), TestReleases.signed("02_08_05", TestKeys.test1()));
        Path firmware = dir.resolve("fw.bin");
        String hex = TestKeys.test1().publicKey().hex();
        List<List<String>> runs = List.of(List.of("--version"), List.of("-V"), List.of("--help"), List.of("help", "sign"),
                List.of("sample-firmware", "--label", "02_08_06", "--embed-key", hex, "--size", "300000", "-o", firmware.toString()),
                List.of("pack", "--version", "02_08_06", "--firmware", firmware.toString(), "-o", dir.resolve("r.unsigned").toString()),
                List.of("inspect", "--pubkey", hex, signed.toString()),
                List.of("verify", "--pubkey", hex, signed.toString()));
        for (List<String> args : runs) {
            Path log = dir.resolve("classes.log");
            Run r = withoutTheExport(args, log, Map.of());
            assertEquals(0, r.exit(), args + ": " + r.out());
            List<String> wrapper = Files.readAllLines(log).stream()
                    .filter(l -> l.contains("sun.security.pkcs11.") || l.contains("org.iotasign.token.Pkcs11Wrapper")).toList();
            assertTrue(wrapper.isEmpty(), args + " loaded " + wrapper);
        }
    }

    @Test
    void aTokenNamedWithoutThePkcs11WrapperOpenIsOneLineSayingHowToStart() throws Exception {
        assumeTrue(HsmProfile.softHsm().installedModule().isPresent(), "SoftHSM2 is not installed (apt-get install softhsm2)");
        Path signed = Files.write(dir.resolve("02_08_05.bin"), TestReleases.signed("02_08_05", TestKeys.test1()));
        Files.createDirectories(dir.resolve("tokens"));
        Files.writeString(dir.resolve("softhsm2.conf"), "directories.tokendir = " + dir.resolve("tokens") + "\n");
        Run r = withoutTheExport(List.of("verify", "--pubkey", "pkcs11:token=iotasign;object=release", signed.toString()),
                dir.resolve("classes.log"), Map.of("SOFTHSM2_CONF", dir.resolve("softhsm2.conf").toString()));
        assertEquals(Main.EXIT_ENVIRONMENT, r.exit(), r.out());
        assertTrue(r.out().startsWith("iotasign: this Java runtime does not open sun.security.pkcs11.wrapper to iotasign"), r.out());
        assertEquals(1, r.out().lines().count(), r.out());
    }

    private record Run(int exit, String out) {
    }

    /** iotasign as the launchers start a token-free command: from the class path, no --add-exports. */
    private Run withoutTheExport(List<String> args, Path classLog, Map<String, String> env) throws Exception {
        Path out = dir.resolve("out.txt");
        Process p = IotasignProcess.withoutPkcs11Export(env, List.of("-Xlog:class+load=info:file=" + classLog), args)
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), args + " finished");
        return new Run(p.exitValue(), Files.readString(out));
    }
}
