package org.iotasign.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The bundle launcher (src/dist/bin/iotasign with src/dist/lib/iotasign-env.sh) in a
 * bundle-shaped folder, run against stand-in "java" programs that print what they were
 * given: how it picks Java, what it says when there is none or it is too old, and the
 * environment it hands over.
 */
@Timeout(60)
class LauncherTest {
    private static final Duration RUN = Duration.ofSeconds(20);
    /** A stand-in JVM's dump that writes the archive it is asked for, as a real one does. */
    private static final String WRITE_ARCHIVE = "for b in \"$@\"; do case \"$b\" in -XX:SharedArchiveFile=*) echo archive > \"${b#*=}\" ;; esac; done; exit 0";
    private Path dir;
    private Path launcher;

    @BeforeEach
    void layOutBundle() throws IOException {
        dir = BuiltBundle.testDir().resolve("launcher");
        Processes.deleteTree(dir);
        Path src = BuiltBundle.projectRoot().resolve("src/dist");
        Path bundle = dir.resolve("bundle");
        Files.createDirectories(bundle.resolve("bin"));
        Files.createDirectories(bundle.resolve("lib"));
        launcher = bundle.resolve("bin/iotasign");
        Files.copy(src.resolve("bin/iotasign"), launcher);
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.copy(src.resolve("lib/iotasign-env.sh"), bundle.resolve("lib/iotasign-env.sh"));
        Files.writeString(bundle.resolve("lib/iotasign.jar"), "stand-in jar");
    }

    /** A JDK folder whose bin/java prints its arguments and SOFTHSM2_CONF; {@code release} null: no release file. */
    private Path fakeJdk(String name, String release, String versionLine) throws IOException {
        return fakeJdk(name, release, versionLine, "");
    }

    /**
     * As above, with {@code dump} the shell run for a class-data-sharing dump (-Xshare:dump),
     * and the release file naming the runtime build; every call is logged to {@code calls.log}.
     */
    private Path fakeJdk(String name, String release, String versionLine, String dump) throws IOException {
        Path home = Files.createDirectories(dir.resolve(name));
        Path java = Files.createDirectories(home.resolve("bin")).resolve("java");
        Files.writeString(java, "#!/bin/sh\n"
                + "echo \"$*\" >> '" + home.resolve("calls.log") + "'\n"
                + "if [ \"$1\" = -version ]; then echo '" + versionLine + "' >&2; exit 0; fi\n"
                + "for a in \"$@\"; do if [ \"$a\" = -Xshare:dump ]; then " + (dump.isEmpty() ? "exit 0" : dump) + "; fi; done\n"
                // The training's throwaway token: made where it is told, and what it was given noted.
                + "prev=; for a in \"$@\"; do if [ \"$prev\" = --token-home ]; then mkdir -p \"$a/softhsm\"; "
                + "echo \"$IOTASIGN_HOME|$SOFTHSM2_CONF|$IOTASIGN_PIN|$IOTASIGN_SO_PIN\" > '" + home.resolve("training-env") + "'; fi; prev=\"$a\"; done\n"
                + "echo \"java=$0\"\necho \"SOFTHSM2_CONF=$SOFTHSM2_CONF\"\nfor a in \"$@\"; do echo \"arg=$a\"; done\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        if (release != null) {
            Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"Test\"\nJAVA_VERSION=\"" + release + "\"\n"
                    + "JAVA_RUNTIME_VERSION=\"" + release + "+7-Test\"\n");
        }
        return home;
    }

    private Processes.Result launch(Map<String, String> env, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(launcher.toString()));
        cmd.addAll(List.of(args));
        return Processes.run(cmd, dir, env, RUN);
    }

    private Map<String, String> env(String path) {
        Map<String, String> env = Processes.cleanEnv();
        env.remove("JAVA_HOME");
        env.put("PATH", path);
        env.put("HOME", dir.resolve("home").toString());
        return env;
    }

    @Test
    void noJavaAnywhereIsOneLineSayingWhatToInstallAndExit3() throws IOException {
        Processes.Result r = launch(env(Files.createDirectories(dir.resolve("empty")).toString()), "--version");
        assertEquals(3, r.exit(), r.toString());
        assertEquals(List.of("iotasign: no Java found (JAVA_HOME is not set and there is no java on PATH): install a JDK 17 or newer "
                + "(Debian/Ubuntu: apt-get install openjdk-17-jre-headless; offline: see docs/offline-install.md) or set JAVA_HOME to one"),
                r.err().lines().toList());
    }

    @Test
    void javaHomeWithoutJavaIsNamed() throws IOException {
        Map<String, String> env = env(Files.createDirectories(dir.resolve("empty")).toString());
        env.put("JAVA_HOME", dir.resolve("nowhere").toString());
        Processes.Result r = launch(env, "--version");
        assertEquals(3, r.exit(), r.toString());
        assertTrue(r.err().startsWith("iotasign: JAVA_HOME is " + dir.resolve("nowhere") + " but it has no bin/java"), r.err());
    }

    @Test
    void javaOlderThan17IsRefusedWithItsVersion() throws IOException {
        Path old = fakeJdk("jdk11", "11.0.22", "unused");
        Processes.Result r = launch(env(old.resolve("bin").toString()), "--version");
        assertEquals(3, r.exit(), r.toString());
        assertTrue(r.err().startsWith("iotasign: " + old.resolve("bin/java") + " (from PATH) is Java 11, iotasign needs 17 or newer"), r.err());
        Path java8 = fakeJdk("jre8", null, "java version \"1.8.0_392\"");
        Processes.Result r8 = launch(env(java8.resolve("bin").toString()), "--version");
        assertEquals(3, r8.exit(), r8.toString());
        assertTrue(r8.err().contains("is Java 8, iotasign needs 17"), r8.err());
    }

    @Test
    void javaHomeWinsOverPathAndArgumentsPassUnchanged() throws IOException {
        Path onPath = fakeJdk("jdk-path", "17.0.1", "unused");
        Path home = fakeJdk("jdk-home", "25.0.1", "unused");
        Map<String, String> env = env(onPath.resolve("bin").toString());
        env.put("JAVA_HOME", home.toString());
        Processes.Result r = launch(env, "sign", "my release.unsigned", "-o", "");
        assertEquals(0, r.exit(), r.toString());
        List<String> lines = r.out().lines().toList();
        assertEquals("java=" + home.resolve("bin/java"), lines.get(0));
        int jar = lines.indexOf("arg=-jar");
        assertTrue(jar > 0, r.out());
        assertEquals(List.of("arg=" + dir.resolve("bundle/lib/iotasign.jar"), "arg=sign", "arg=my release.unsigned", "arg=-o", "arg="),
                lines.subList(jar + 1, lines.size()));
    }

    @Test
    void javaFoundByVersionOutputWhenThereIsNoReleaseFile() throws IOException {
        Path jdk = fakeJdk("jdk-norelease", null, "openjdk version \"21.0.2\" 2024-01-16");
        Processes.Result r = launch(env(jdk.resolve("bin").toString()), "--version");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("arg=--version"), r.out());
    }

    @Test
    void softHsmConfPointsAtTheEmbeddedStoreUnlessTheUserSetIt() throws IOException {
        Path jdk = fakeJdk("jdk17", "17.0.15", "unused");
        Map<String, String> env = env(jdk.resolve("bin").toString());
        env.put("IOTASIGN_HOME", "/srv/signer");
        assertTrue(launch(env).out().contains("SOFTHSM2_CONF=/srv/signer/softhsm/softhsm2.conf\n"));
        env.remove("IOTASIGN_HOME");
        env.put("XDG_DATA_HOME", "/data");
        assertTrue(launch(env).out().contains("SOFTHSM2_CONF=/data/iotasign/softhsm/softhsm2.conf\n"));
        env.remove("XDG_DATA_HOME");
        assertTrue(launch(env).out().contains("SOFTHSM2_CONF=" + dir.resolve("home") + "/.local/share/iotasign/softhsm/softhsm2.conf\n"));
        env.put("SOFTHSM2_CONF", "/etc/softhsm/softhsm2.conf");
        assertTrue(launch(env).out().contains("SOFTHSM2_CONF=/etc/softhsm/softhsm2.conf\n"));
    }

    @Test
    void aSymlinkToTheLauncherFindsTheBundle() throws IOException {
        Path jdk = fakeJdk("jdk17", "17.0.15", "unused");
        Path link = Files.createDirectories(dir.resolve("usr-local-bin")).resolve("iotasign");
        Files.createSymbolicLink(link, launcher);
        // readlink comes from the system (coreutils); java from the stand-in JDK.
        Processes.Result r = Processes.run(List.of(link.toString(), "--version"), dir, env(jdk.resolve("bin") + ":/usr/bin:/bin"), RUN);
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("arg=" + dir.resolve("bundle/lib/iotasign.jar")), r.out());
    }

    /** With no locale Java decodes every non-ASCII byte of a file name to U+FFFD: the launcher sets a UTF-8 one. */
    @Test
    void aUtf8LocaleIsSetWhenNoneIsAndAnyOtherIsLeftAlone() throws IOException {
        Path home = Files.createDirectories(dir.resolve("jdk-locale"));
        Path java = Files.createDirectories(home.resolve("bin")).resolve("java");
        Files.writeString(java, "#!/bin/sh\necho \"LC_ALL=${LC_ALL-unset} LC_CTYPE=${LC_CTYPE-unset} LANG=${LANG-unset}\"\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(home.resolve("release"), "JAVA_VERSION=\"17.0.15\"\n");
        Map<Map<String, String>, String> cases = Map.of(
                Map.of(), "LC_ALL=unset LC_CTYPE=C.UTF-8 LANG=unset",
                Map.of("LANG", "C"), "LC_ALL=unset LC_CTYPE=C.UTF-8 LANG=C",
                Map.of("LC_ALL", "POSIX", "LANG", "de_DE.UTF-8"), "LC_ALL=C.UTF-8 LC_CTYPE=unset LANG=de_DE.UTF-8",
                Map.of("LC_CTYPE", "C", "LANG", "fr_FR.UTF-8"), "LC_ALL=unset LC_CTYPE=C.UTF-8 LANG=fr_FR.UTF-8",
                Map.of("LANG", "de_DE.UTF-8"), "LC_ALL=unset LC_CTYPE=unset LANG=de_DE.UTF-8",
                Map.of("LC_ALL", "en_GB.ISO-8859-1"), "LC_ALL=en_GB.ISO-8859-1 LC_CTYPE=unset LANG=unset");
        for (Map.Entry<Map<String, String>, String> c : cases.entrySet()) {
            Map<String, String> env = env(home.resolve("bin").toString());
            env.keySet().removeIf(k -> k.equals("LANG") || k.startsWith("LC_"));
            env.putAll(c.getKey());
            env.put("IOTASIGN_CDS", "off"); // this fake java answers every call the same
            Processes.Result r = launch(env, "--version");
            assertEquals(0, r.exit(), r.toString());
            assertEquals(c.getValue(), r.out().strip(), "with " + c.getKey());
        }
    }

    @Test
    void usbWatchIsLongRunningAndGetsTheFullJitLikeTheServer() throws IOException {
        Path jdk = fakeJdk("jdk17", "17.0.15", "unused");
        Map<String, String> env = env(jdk.resolve("bin").toString());
        env.put("IOTASIGN_CDS", "off");
        for (List<String> longRunning : List.of(List.of("serve", "--site", "s"), List.of("usb", "--watch"),
                List.of("usb", "--key", "k", "--watch", "--yes"))) {
            Processes.Result r = launch(env, longRunning.toArray(String[]::new));
            assertEquals(0, r.exit(), r.toString());
            assertFalse(r.out().contains("arg=-XX:TieredStopAtLevel=1"), longRunning + ":\n" + r.out());
            assertTrue(r.out().contains("arg=-XX:+UseSerialGC"), r.out());
        }
        Processes.Result once = launch(env, "usb", "--drive", "/media/stick");
        assertTrue(once.out().contains("arg=-XX:TieredStopAtLevel=1"), once.out());
    }

    @Test
    void commandsThatOpenNoTokenStartFromTheClassPathAndAnyOtherFromTheJar() throws IOException {
        Path jdk = fakeJdk("jdk17", "17.0.15", "unused");
        Map<String, String> env = env(jdk.resolve("bin").toString());
        env.put("IOTASIGN_CDS", "off");
        String jar = "arg=" + dir.resolve("bundle/lib/iotasign.jar");
        for (List<String> args : List.<List<String>>of(List.of(), List.of("--version"), List.of("-V"), List.of("--help"), List.of("help", "sign"),
                List.of("inspect", "r.bin"), List.of("verify", "--pubkey", "key.hex", "r.bin"), List.of("pack", "-o", "x"),
                List.of("sample-firmware", "-o", "fw.bin"))) {
            List<String> lines = ok(launch(env, args.toArray(String[]::new))).out().lines().toList();
            int cp = lines.indexOf("arg=-cp");
            assertTrue(cp > 0 && !lines.contains("arg=-jar"), args + ":\n" + lines);
            List<String> expected = new ArrayList<>(List.of(jar, "arg=org.iotasign.cli.Main"));
            args.forEach(a -> expected.add("arg=" + a));
            assertEquals(expected, lines.subList(cp + 1, lines.size()), args.toString());
        }
        for (List<String> args : List.of(List.of("sign", "r.unsigned"), List.of("token", "list"), List.of("usb"), List.of("ledger", "verify"),
                List.of("verify", "--pubkey", "pkcs11:token=iotasign;object=release", "r.bin"),
                List.of("inspect", "--pubkey=PKCS11:token=x", "r.bin"), List.of("sample-firmware", "--embed-key", "pkcs11:object=release"),
                List.of("no-such-command"))) {
            List<String> lines = ok(launch(env, args.toArray(String[]::new))).out().lines().toList();
            int j = lines.indexOf("arg=-jar");
            assertTrue(j > 0 && !lines.contains("arg=-cp"), args + ":\n" + lines);
            assertEquals(jar, lines.get(j + 1), args.toString());
        }
    }

    @Test
    void theFirstRunMakesTheClassArchiveUnderIotasignHomeAndLaterRunsUseIt() throws IOException {
        Path jdk = fakeJdk("jdk17", "17.0.15", "unused", WRITE_ARCHIVE);
        Map<String, String> env = env(jdk.resolve("bin") + ":/usr/bin:/bin");
        Path home = dir.resolve("my home");
        env.put("IOTASIGN_HOME", home.toString());
        Path archive = home.resolve("cds/iotasign-17.0.15+7-Test.jsa");
        env.put("IOTASIGN_PIN", "the user's PIN");

        Processes.Result first = launch(env, "sign", "r.unsigned");
        assertEquals(0, first.exit(), first.toString());
        assertEquals("", first.err());
        assertTrue(Files.isRegularFile(archive), "archive made");
        List<String> lines = first.out().lines().toList();
        int jar = lines.indexOf("arg=-jar");
        assertTrue(lines.subList(0, jar).contains("arg=-XX:SharedArchiveFile=" + archive), first.out());
        assertTrue(lines.subList(0, jar).contains("arg=-Xlog:cds=off"), "a refused archive is never reported: " + first.out());
        assertEquals(List.of("arg=" + dir.resolve("bundle/lib/iotasign.jar"), "arg=sign", "arg=r.unsigned"), lines.subList(jar + 1, lines.size()));
        List<String> calls = Files.readAllLines(jdk.resolve("calls.log"));
        assertTrue(calls.get(0).contains("org.iotasign.cli.StartupTraining") && calls.get(0).contains("-XX:DumpLoadedClassList="), calls.toString());
        assertTrue(calls.get(1).contains("-Xshare:dump"), calls.toString());
        // The training signs on a throwaway token in a folder beside the archive, with PINs
        // of its own, never the user's; the folder is gone after (checked just below).
        java.util.regex.Matcher tokenHome = java.util.regex.Pattern.compile("--token-home (.+\\.token)").matcher(calls.get(0));
        assertTrue(tokenHome.find(), calls.get(0));
        String token = tokenHome.group(1);
        assertTrue(token.matches(java.util.regex.Pattern.quote(archive.toString()) + "\\.[0-9]+\\.token"), token);
        assertTrue(calls.get(0).contains(" jdk.crypto.cryptoki/sun.security.pkcs11.wrapper=ALL-UNNAMED "), calls.get(0));
        assertEquals(token + "|" + token + "/softhsm/softhsm2.conf|training-only|training-only-so",
                Files.readString(jdk.resolve("training-env")).strip());
        try (var left = Files.list(archive.getParent())) {
            assertEquals(List.of(archive, archive.resolveSibling(archive.getFileName() + ".jar")), left.sorted().toList(),
                    "the archive and its jar's stamp, no temporary files");
        }

        Processes.Result second = launch(env, "verify", "r.bin");
        assertEquals(0, second.exit(), second.toString());
        assertTrue(second.out().contains("arg=-XX:SharedArchiveFile=" + archive), second.out());
        assertEquals(calls.size() + 1, Files.readAllLines(jdk.resolve("calls.log")).size(), "the second run trains nothing");

        // A new jar with the same time (as every bundle's files have): the archive of the old one is replaced.
        Path bundleJar = dir.resolve("bundle/lib/iotasign.jar");
        var time = Files.getLastModifiedTime(bundleJar);
        Files.writeString(bundleJar, "another stand-in jar");
        Files.setLastModifiedTime(bundleJar, time);
        ok(launch(env, "--version"));
        List<String> after = Files.readAllLines(jdk.resolve("calls.log"));
        assertTrue(after.get(after.size() - 2).contains("-Xshare:dump"), after.toString());

        // A jar rebuilt within the minute with the same size (a comment changed): ls shows the
        // same line for it, but it is newer than the archive, so the archive is made again.
        var made = java.nio.file.attribute.FileTime.fromMillis(1_790_000_000_000L);
        Files.setLastModifiedTime(archive, made);
        Files.writeString(bundleJar, "another stand-in JAR");
        Files.setLastModifiedTime(bundleJar, java.nio.file.attribute.FileTime.fromMillis(made.toMillis() + 20_000));
        // The stamp matches the jar's ls line exactly, as it does within the minute.
        Files.writeString(archive.resolveSibling(archive.getFileName() + ".jar"), stampOf(bundleJar) + "\n");
        ok(launch(env, "--version"));
        List<String> rebuilt = Files.readAllLines(jdk.resolve("calls.log"));
        assertTrue(rebuilt.get(rebuilt.size() - 2).contains("-Xshare:dump"), "a newer jar of the same size is trained again: " + rebuilt);
    }

    /** The stamp the launcher writes: the jar's line as {@code ls -lnL} shows it. */
    private static String stampOf(Path jar) throws IOException {
        Process p = new ProcessBuilder("ls", "-lnL", jar.toString()).redirectErrorStream(true).start();
        try {
            p.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new String(p.getInputStream().readAllBytes()).strip();
    }

    @Test
    void aJvmThatCannotDumpCostsOneAttemptPerJarAndNothingIsPrinted() throws IOException {
        Path jdk = fakeJdk("jdk17", "17.0.15", "unused", "echo 'dump failed' >&2; exit 1");
        Map<String, String> env = env(jdk.resolve("bin") + ":/usr/bin:/bin");
        env.put("IOTASIGN_HOME", dir.resolve("home").toString());
        for (int i = 0; i < 2; i++) {
            Processes.Result r = ok(launch(env, "--version"));
            assertFalse(r.out().contains("SharedArchiveFile"), r.out());
        }
        long dumps = Files.readAllLines(jdk.resolve("calls.log")).stream().filter(l -> l.contains("-Xshare:dump")).count();
        assertEquals(1, dumps, "the failure is remembered");
        try (var left = Files.list(dir.resolve("home/cds"))) {
            assertEquals(List.of(dir.resolve("home/cds/iotasign-17.0.15+7-Test.jsa.failed")), left.toList());
        }
    }

    @Test
    void anUnwritableHomeOrCdsOffOrAnUnknownJvmBuildMeansNoArchiveAndNoMessage() throws IOException {
        Path jdk = fakeJdk("jdk17", "17.0.15", "unused", WRITE_ARCHIVE);
        Map<String, String> env = env(jdk.resolve("bin") + ":/usr/bin:/bin");
        Path readOnly = Files.createDirectories(dir.resolve("read-only"));
        env.put("IOTASIGN_HOME", readOnly.resolve("home").toString());
        Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            Processes.Result r = ok(launch(env, "--version"));
            boolean root = "root".equals(System.getProperty("user.name"));
            // root writes anywhere, so there the archive is made; anyone else gets none, silently.
            assertEquals(root, r.out().contains("arg=-XX:SharedArchiveFile="), r.out());
        } finally {
            Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        env.put("IOTASIGN_HOME", dir.resolve("home2").toString());
        env.put("IOTASIGN_CDS", "off");
        assertFalse(ok(launch(env, "--version")).out().contains("SharedArchiveFile"));
        assertFalse(Files.exists(dir.resolve("home2/cds")));
        env.remove("IOTASIGN_CDS");
        Path noBuild = fakeJdk("jdk-norelease", null, "openjdk version \"21.0.2\" 2024-01-16");
        env.put("PATH", noBuild.resolve("bin") + ":/usr/bin:/bin");
        assertFalse(ok(launch(env, "--version")).out().contains("SharedArchiveFile"));
    }

    private static Processes.Result ok(Processes.Result r) {
        assertEquals(0, r.exit(), r.toString());
        assertEquals("", r.err(), r.toString());
        return r;
    }
}
