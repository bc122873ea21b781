package org.iotasign.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** scripts/offline-deps: which packages it carries and in what order (--list downloads nothing). */
@Timeout(120)
class OfflineDepsTest {
    private static final Path SCRIPT = BuiltBundle.projectRoot().resolve("scripts/offline-deps");

    @Test
    void carriesTheToolsAndTheirLibrariesInDependencyOrderButNotTheBaseSystem() throws IOException {
        assumeAptKnowsTheTools();
        Processes.Result r = Processes.run(List.of(SCRIPT.toString(), "--list"), BuiltBundle.projectRoot(),
                Processes.cleanEnv(), Duration.ofSeconds(100));
        assertEquals(0, r.exit(), r.toString());
        List<String> names = r.out().lines().map(l -> l.split(" ")[0]).toList();
        for (String p : List.of("softhsm2", "libsofthsm2", "softhsm2-common", "opensc", "opensc-pkcs11", "socat")) {
            assertTrue(names.contains(p), p + " is carried: " + names);
        }
        for (String p : List.of("libc6", "dpkg", "tar", "bash", "coreutils")) {
            assertFalse(names.contains(p), p + " is on every system and is not carried: " + names);
        }
        assertTrue(names.indexOf("libsofthsm2") < names.indexOf("softhsm2"), "the library is installed before its user: " + names);
        assertTrue(names.indexOf("opensc-pkcs11") < names.indexOf("opensc"), names.toString());
        r.out().lines().forEach(l -> assertTrue(l.matches("[a-z0-9][a-z0-9+.-]+ [0-9A-Za-z.+~:-]+"), "NAME VERSION: " + l));
    }

    /** The one reason to skip: this machine is no Debian/Ubuntu or apt has no package lists yet (the tool's state, not the script's). */
    private static void assumeAptKnowsTheTools() throws IOException {
        assumeTrue(Files.exists(Path.of("/usr/bin/apt-get")), "a Debian/Ubuntu machine");
        Processes.Result lists = Processes.run(List.of("apt-cache", "show", "softhsm2"), BuiltBundle.projectRoot(),
                Processes.cleanEnv(), Duration.ofSeconds(30));
        assumeTrue(lists.exit() == 0, "apt's package lists know softhsm2 (apt-get update has run)");
    }

    @Test
    void aPackageAptCannotPlanIsAnErrorNotAnEmptyList() throws IOException {
        assumeAptKnowsTheTools();
        Processes.Result r = Processes.run(List.of(SCRIPT.toString(), "--list", "--add", "no-such-package-iotasign"),
                BuiltBundle.projectRoot(), Processes.cleanEnv(), Duration.ofSeconds(100));
        assertEquals(3, r.exit(), r.toString());
        assertEquals("", r.out());
        assertTrue(r.err().startsWith("offline-deps: apt could not plan softhsm2 opensc socat no-such-package-iotasign: "), r.err());
        assertTrue(r.err().contains("no-such-package-iotasign"), r.err());
    }

    @Test
    void refusesAFolderThatIsNotEmpty() throws IOException {
        Path dir = Files.createDirectories(BuiltBundle.testDir().resolve("offline-deps-full"));
        Files.writeString(dir.resolve("something"), "x");
        Processes.Result r = Processes.run(List.of(SCRIPT.toString(), dir.toString()), BuiltBundle.projectRoot(),
                Processes.cleanEnv(), Duration.ofSeconds(30));
        assertEquals(2, r.exit(), r.toString());
        assertEquals("offline-deps: " + dir + " is not empty: give a new or empty folder\n", r.err());
        Processes.deleteTree(dir);
    }

    @Test
    void withoutAFolderItShowsUsage() throws IOException {
        Processes.Result r = Processes.run(List.of(SCRIPT.toString()), BuiltBundle.projectRoot(), Processes.cleanEnv(),
                Duration.ofSeconds(30));
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().startsWith("usage: scripts/offline-deps"), r.err());
    }
}
