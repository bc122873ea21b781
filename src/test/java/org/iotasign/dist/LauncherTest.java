package org.iotasign.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
        Path home = Files.createDirectories(dir.resolve(name));
        Path java = Files.createDirectories(home.resolve("bin")).resolve("java");
        Files.writeString(java, "#!/bin/sh\n"
                + "if [ \"$1\" = -version ]; then echo '" + versionLine + "' >&2; exit 0; fi\n"
                + "echo \"java=$0\"\necho \"SOFTHSM2_CONF=$SOFTHSM2_CONF\"\nfor a in \"$@\"; do echo \"arg=$a\"; done\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        if (release != null) {
            Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"Test\"\nJAVA_VERSION=\"" + release + "\"\n");
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
            Processes.Result r = launch(env, "--version");
            assertEquals(0, r.exit(), r.toString());
            assertEquals(c.getValue(), r.out().strip(), "with " + c.getKey());
        }
    }
}
