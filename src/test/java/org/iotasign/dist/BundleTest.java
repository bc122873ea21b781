package org.iotasign.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipFile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.iotasign.cli.Main;
import org.iotasign.testing.Digests;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import picocli.CommandLine;

/**
 * The offline bundle as a laptop user gets it: built by scripts/bundle, unpacked with tar
 * into an empty folder and run from there with no source tree and no Maven on the PATH.
 */
@Timeout(300)
class BundleTest {
    private static final Duration RUN = Duration.ofSeconds(60);
    private static BuiltBundle bundle;
    private static Path work;
    private static Path root;

    @BeforeAll
    static void buildAndUnpack() throws IOException {
        bundle = BuiltBundle.get();
        work = BuiltBundle.testDir().resolve("bundle-run");
        Processes.deleteTree(work);
        root = bundle.unpackInto(work.resolve("unpacked"));
    }

    @AfterAll
    static void removeUnpackedBundle() throws IOException {
        Processes.deleteTree(work);
    }

    @Test
    void printedSha256IsTheBundlesAndMatchesItsSha256File() throws IOException {
        String actual = HexFormat.of().formatHex(Digests.sha256(Files.readAllBytes(bundle.tarball)));
        assertEquals(actual, bundle.printedSha256);
        assertEquals(actual + "  " + BuiltBundle.NAME + "-bundle.tar.gz\n",
                Files.readString(bundle.tarball.resolveSibling(bundle.tarball.getFileName() + ".sha256")));
    }

    @Test
    void bundleScriptRunsNoTests() {
        assertTrue(Files.isDirectory(bundle.buildDir.resolve("test-classes")), "the build folder holds compiled tests");
        assertFalse(Files.exists(bundle.buildDir.resolve("surefire-reports")), "yet none of them ran");
    }

    @Test
    void bundleHoldsLauncherJarProfilesDocsManPagesCompletionAndChecksums() throws IOException {
        assertTrue(Files.getPosixFilePermissions(root.resolve("bin/iotasign")).contains(PosixFilePermission.OTHERS_EXECUTE));
        for (String f : List.of("lib/iotasign.jar", "lib/iotasign-env.sh", "hsm-config/softhsm2.properties",
                "hsm-config/yubihsm2.properties", "docs/quickstart.md", "docs/offline-install.md", "scripts/offline-deps",
                "completion/iotasign.bash", "man/man1/iotasign.1")) {
            assertTrue(Files.isRegularFile(root.resolve(f)), f + " is in the bundle");
        }
        Processes.Result sums = Processes.run(List.of("sha256sum", "--check", "--strict", "SHA256SUMS"), root, Processes.cleanEnv(), RUN);
        assertEquals(0, sums.exit(), sums.toString());
        long listed = sums.out().lines().filter(l -> l.endsWith(": OK")).count();
        try (var files = Files.walk(root)) {
            assertEquals(files.filter(Files::isRegularFile).count() - 1, listed, "SHA256SUMS lists every other file");
        }
        String completion = Files.readString(root.resolve("completion/iotasign.bash"));
        List<CommandLine> commands = new ArrayList<>(Main.commandLine().getSubcommands().values());
        for (int i = 0; i < commands.size(); i++) {
            CommandLine c = commands.get(i);
            commands.addAll(c.getSubcommands().values());
            String page = c.getCommandSpec().qualifiedName("-");
            assertTrue(Files.isRegularFile(root.resolve("man/man1/" + page + ".1")), "man page for " + page);
            assertTrue(completion.contains(c.getCommandName()), "completion knows " + page);
        }
        String page = Files.readString(root.resolve("man/man1/iotasign-selftest.1"));
        assertTrue(page.contains(".TH \"IOTASIGN\\-SELFTEST\" \"1\" \"2026-01-01\" \"iotasign " + BuiltBundle.VERSION + "\""), page);
        try (ZipFile jar = new ZipFile(root.resolve("lib/iotasign.jar").toFile())) {
            for (String lib : List.of("Linux/x86_64/libjSerialComm.so", "Linux/armv8_64/libjSerialComm.so",
                    "OSX/aarch64/libjSerialComm.jnilib", "Windows/x86_64/jSerialComm.dll")) {
                assertNotNull(jar.getEntry(lib), "jSerialComm native library " + lib + " is in the jar");
            }
            assertNotNull(jar.getEntry("hsm-config/softhsm2.properties"));
        }
    }

    @Test
    void tarEntriesAreSortedOwnedByRootAndStampedWithTheOutputTimestamp() throws IOException {
        Processes.Result list = Processes.run(List.of("tar", "--list", "--verbose", "--full-time", "--numeric-owner", "-zf",
                bundle.tarball.toString()), work, Processes.cleanEnv(), RUN);
        assertEquals(0, list.exit(), list.toString());
        List<String> names = new ArrayList<>();
        for (String line : list.out().lines().toList()) {
            String[] f = line.trim().split("\\s+");
            assertEquals("0/0", f[1], line);
            assertEquals("2026-01-01 00:00:00", f[3] + " " + f[4], line);
            assertTrue(f[0].equals("drwxr-xr-x") || f[0].equals("-rw-r--r--") || f[0].equals("-rwxr-xr-x"), line);
            names.add(f[5]);
        }
        List<String> sorted = new ArrayList<>(names);
        sorted.sort(null);
        assertEquals(sorted, names);
        assertTrue(names.contains(BuiltBundle.NAME + "/bin/iotasign"));
    }

    @Test
    void aSecondBuildOfTheSameSourcesIsByteIdentical() throws IOException {
        // Rebuild everything that is packaged (jar, shaded jar, man pages, completion, tar)
        // from the same compiled classes in a second folder: javac itself is deterministic.
        Path second = BuiltBundle.testDir().resolve("build2");
        Processes.deleteTree(second);
        Processes.Result copy = Processes.run(List.of("cp", "-a", bundle.buildDir.toString(), second.toString()),
                work, Processes.cleanEnv(), RUN);
        assertEquals(0, copy.exit(), copy.toString());
        try (var files = Files.list(second)) {
            for (Path p : files.filter(p -> p.getFileName().toString().matches(".*\\.(jar|tar\\.gz|sha256)")).toList()) {
                Files.delete(p);
            }
        }
        BuiltBundle again = BuiltBundle.build(second);
        assertEquals(bundle.printedSha256, again.printedSha256);
        assertEquals(-1L, Files.mismatch(bundle.tarball, again.tarball));
        Processes.deleteTree(second);
    }

    @Test
    void runsFromTheUnpackedFolderWithoutSourceTreeOrMaven() throws IOException {
        Map<String, String> env = laptopEnv();
        Processes.Result version = iotasign(env, "--version");
        assertEquals(0, version.exit(), version.toString());
        assertEquals("iotasign " + BuiltBundle.VERSION + "\n", version.out());
        assertEquals("", version.err(), "the first run makes the class archive silently");
        try (var cds = Files.list(work.resolve("home/cds"))) {
            assertTrue(cds.anyMatch(p -> p.getFileName().toString().matches("iotasign-.+\\.jsa")), "class archive made on the first run");
        }

        ok(iotasign(env, "token", "init"));
        ok(iotasign(env, "key", "generate"));
        ok(iotasign(env, "key", "export", "--format", "hex", "-o", "key.hex"));
        String keyHex = Files.readString(work.resolve("key.hex")).trim();
        ok(iotasign(env, "sample-firmware", "--label", "02_09_01", "--embed-key", "key.hex", "-o", "firmware.bin"));
        ok(iotasign(env, "pack", "--version", "02_09_01", "--firmware", "firmware.bin", "-o", "r.unsigned"));
        Processes.Result sign = ok(iotasign(env, "sign", "r.unsigned", "-o", "r.bin"));
        assertTrue(sign.out().contains("signed version 02_09_01"), sign.toString());
        Processes.Result verify = ok(iotasign(env, "verify", "r.bin", "--pubkey", "key.hex"));
        assertTrue(verify.out().contains("Updater: signature verified"), verify.toString());

        Processes.Result selftest = iotasign(env, "selftest", "--json");
        JsonNode report = new ObjectMapper().readTree(selftest.out());
        assertTrue(report.get("signingReady").asBoolean(), selftest.toString());
        assertTrue(report.get("key").get("found").asBoolean());
        assertEquals(keyHex, report.get("key").get("publicKeyHex").asText());
        boolean tokenListed = false;
        for (JsonNode module : report.get("modules")) {
            for (JsonNode token : module.get("tokens")) {
                if (token.get("label").asText().equals("iotasign")) {
                    tokenListed = true;
                    assertTrue(token.get("eddsa").asBoolean() && token.get("keyGeneration").asBoolean(), selftest.toString());
                    assertEquals("user PIN ok", token.get("pinState").asText());
                }
            }
        }
        assertTrue(tokenListed, selftest.toString());
        boolean airGapped = report.get("networkInterfacesUp").isEmpty();
        assertEquals(airGapped, report.get("airGapped").asBoolean());
        // This machine is online, so without --allow-network the check fails with the reason.
        assertEquals(airGapped ? 0 : 1, selftest.exit(), selftest.toString());
        assertEquals(airGapped, report.get("ready").asBoolean());
        if (!airGapped) {
            assertTrue(report.get("problems").get(0).asText().contains("an air-gapped signer must have none"), selftest.toString());
        }
        assertEquals(1, report.get("ledger").get("records").asInt(), "the signature is in the ledger: " + selftest);
        assertTrue(report.get("ledger").get("intact").asBoolean());
        Processes.Result allowed = iotasign(env, "selftest", "--allow-network");
        assertEquals(0, allowed.exit(), allowed.toString());
        assertTrue(allowed.out().contains("result   READY"), allowed.toString());

        // An edited ledger stops signing, so the check fails whatever the network.
        Path ledger = work.resolve("home/ledger.jsonl");
        Files.writeString(ledger, Files.readString(ledger).replace("02_09_01", "02_09_00"));
        Processes.Result tampered = iotasign(env, "selftest", "--allow-network");
        assertEquals(1, tampered.exit(), tampered.toString());
        assertTrue(tampered.out().contains("ledger   " + ledger + ": DOES NOT VERIFY"), tampered.toString());
    }

    @Test
    void launcherSaysSoWhenNoJavaIsFound() throws IOException {
        Path empty = Files.createDirectories(work.resolve("empty-path"));
        Map<String, String> env = Processes.cleanEnv();
        env.remove("JAVA_HOME");
        env.put("PATH", empty.toString());
        Processes.Result r = Processes.run(List.of(root.resolve("bin/iotasign").toString(), "--version"), work, env, RUN);
        assertEquals(3, r.exit(), r.toString());
        assertEquals("", r.out());
        assertTrue(r.err().startsWith("iotasign: no Java found (JAVA_HOME is not set and there is no java on PATH): install a JDK 17"),
                r.err());
        assertEquals(1, r.err().lines().count(), r.err());
    }

    @Test
    void anArchiveTheJvmRefusesChangesNothingAndPrintsNothing() throws IOException {
        Path temurin = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64");
        Assumptions.assumeTrue(Files.isExecutable(temurin.resolve("bin/java")), "Temurin 25 is not installed");
        // A JDK 17 archive of this bundle, made by a first run on a home of its own...
        Map<String, String> env = laptopEnv();
        Path home17 = work.resolve("home-jdk17");
        env.put("IOTASIGN_HOME", home17.toString());
        assertEquals("iotasign " + BuiltBundle.VERSION + "\n", ok(iotasign(env, "--version")).out());
        Path archive17;
        try (var cds = Files.list(home17.resolve("cds"))) {
            archive17 = cds.filter(p -> p.getFileName().toString().matches("iotasign-17.*\\.jsa")).findFirst().orElseThrow();
        }
        // ...found by Temurin 25 under its own name, newer than the jar, so the launcher hands it over.
        String build25 = Files.readAllLines(temurin.resolve("release")).stream().filter(l -> l.startsWith("JAVA_RUNTIME_VERSION="))
                .findFirst().orElseThrow().replaceAll(".*=\"(.*)\"", "$1");
        Path home25 = work.resolve("home-jdk25");
        Path planted = Files.createDirectories(home25.resolve("cds")).resolve("iotasign-" + build25 + ".jsa");
        Files.copy(archive17, planted);
        env.put("IOTASIGN_HOME", home25.toString());
        env.put("JAVA_HOME", temurin.toString());
        for (String[] args : List.of(new String[] {"--version"}, new String[] {"verify", "--pubkey", "nothing", "missing.bin"})) {
            Processes.Result on = iotasign(env, args);
            env.put("IOTASIGN_CDS", "off");
            Processes.Result off = iotasign(env, args);
            env.remove("IOTASIGN_CDS");
            assertEquals(off.toString(), on.toString(), "same exit, output and errors with the refused archive as without");
            assertFalse(on.err().contains("cds") || on.err().contains("shared archive") || on.out().contains("shared archive"), on.toString());
        }
        assertEquals(-1L, Files.mismatch(archive17, planted), "the launcher trusted the newer archive and the JVM refused it");
    }

    /**
     * A fresh token store, PINs for the scripted steps, and a PATH with java, softhsm2-util
     * and the core utilities the launcher uses for its class archive (any laptop has them),
     * but no Maven.
     */
    private static Map<String, String> laptopEnv() throws IOException {
        Path tools = Files.createDirectories(work.resolve("tools"));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<Path> wanted = new ArrayList<>(List.of(java, Path.of("/usr/bin/softhsm2-util")));
        for (String util : List.of("mkdir", "mv", "rm", "readlink")) {
            wanted.add(Files.exists(Path.of("/usr/bin", util)) ? Path.of("/usr/bin", util) : Path.of("/bin", util));
        }
        for (Path tool : wanted) {
            Path link = tools.resolve(tool.getFileName());
            Files.deleteIfExists(link);
            Files.createSymbolicLink(link, tool.toRealPath());
        }
        Map<String, String> env = Processes.cleanEnv();
        env.remove("JAVA_HOME");
        env.remove("MAVEN_HOME");
        env.put("PATH", tools.toString());
        env.put("IOTASIGN_HOME", work.resolve("home").toString());
        env.put("IOTASIGN_SO_PIN", "so-pin-8765");
        env.put("IOTASIGN_PIN", "user-pin-4321");
        return env;
    }

    private static Processes.Result iotasign(Map<String, String> env, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(root.resolve("bin/iotasign").toString());
        cmd.addAll(List.of(args));
        return Processes.run(cmd, work, env, RUN);
    }

    private static Processes.Result ok(Processes.Result r) {
        assertEquals(0, r.exit(), r.toString());
        assertFalse(r.err().contains("internal error"), r.toString());
        return r;
    }
}
