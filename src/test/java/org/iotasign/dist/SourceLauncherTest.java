package org.iotasign.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.ZipFile;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * scripts/iotasign in a copy of the source tree (what it packs: pom.xml, src/main,
 * hsm-config, the build step that rewrites picocli's class files, and the launcher), whose version is bumped and which holds a test that does
 * not compile: two first calls at once build the bumped jar once and both run it; a changed
 * token profile rebuilds. Maven runs offline (.mvn/maven.config) from the local repository,
 * and the copy starts from this run's compiled classes, so the builds package rather than
 * compile.
 */
@Timeout(900)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SourceLauncherTest {
    private static final String BUMPED = "0.1.1";
    private static final Duration BUILD = Duration.ofMinutes(6);
    private static Path tree;

    @BeforeAll
    static void copyTree() throws IOException {
        tree = BuiltBundle.testDir().resolve("source-launcher");
        Processes.deleteTree(tree);
        Path src = BuiltBundle.projectRoot();
        Files.createDirectories(tree.resolve("scripts"));
        Files.createDirectories(tree.resolve("src/dist"));
        Files.createDirectories(tree.resolve("target"));
        for (String part : List.of("pom.xml", "hsm-config", "src/main", "scripts/iotasign", "src/dist/lib",
                "src/dist/ClassFileUpgrade.java")) {
            copy(src.resolve(part), tree.resolve(part));
        }
        Path build = Path.of(System.getProperty("iotasign.buildDir", "target")).toAbsolutePath();
        for (String part : List.of("classes", "maven-status")) {
            copy(build.resolve(part), tree.resolve("target").resolve(part));
        }
        // The compiler's record of its inputs names them by absolute path: point it at the copy.
        try (var lists = Files.walk(tree.resolve("target/maven-status"))) {
            for (Path lst : lists.filter(p -> p.toString().endsWith(".lst")).toList()) {
                Files.writeString(lst, Files.readString(lst).replace(src + "/", tree + "/"));
            }
        }
        Path pom = tree.resolve("pom.xml");
        String text = Files.readString(pom);
        String current = "<version>" + BuiltBundle.VERSION + "</version>";
        assertTrue(text.contains(current), "pom.xml has the version the tests expect");
        Files.writeString(pom, text.replaceFirst(current, "<version>" + BUMPED + "</version>"));
        Files.createDirectories(tree.resolve(".mvn"));
        Files.writeString(tree.resolve(".mvn/maven.config"), "-o\n");
        Path broken = Files.createDirectories(tree.resolve("src/test/java/org/iotasign")).resolve("BrokenTest.java");
        Files.writeString(broken, "package org.iotasign;\nclass BrokenTest { this does not compile }\n");
    }

    private static void copy(Path from, Path to) throws IOException {
        Processes.Result r = Processes.run(List.of("cp", "-a", from.toString(), to.toString()), tree, Processes.cleanEnv(),
                Duration.ofMinutes(1));
        assertEquals(0, r.exit(), r.toString());
    }

    private static Processes.Result launch(Map<String, String> env, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(tree.resolve("scripts/iotasign").toString()));
        cmd.addAll(List.of(args));
        return Processes.run(cmd, tree, env, BUILD);
    }

    private static Path jar() {
        return tree.resolve("target/iotasign-" + BUMPED + "-all.jar");
    }

    @Test
    @Order(1)
    void twoFirstCallsAtOnceAfterAVersionBumpBuildTheNewJarOnceDespiteABrokenTest() throws Exception {
        Map<String, String> env = Processes.cleanEnv();
        env.put("IOTASIGN_HOME", tree.resolve("home").toString());
        ExecutorService two = Executors.newFixedThreadPool(2);
        try {
            Future<Processes.Result> a = two.submit(() -> launch(env, "--version"));
            Future<Processes.Result> b = two.submit(() -> launch(env, "--version"));
            int builds = 0;
            for (Processes.Result r : List.of(a.get(), b.get())) {
                assertEquals(0, r.exit(), r.toString());
                assertEquals("iotasign " + BUMPED + "\n", r.out(), r.toString());
                for (String line : r.err().lines().toList()) {
                    assertEquals("iotasign: building iotasign-" + BUMPED + "-all.jar ...", line, r.toString());
                    builds++;
                }
            }
            assertEquals(1, builds, "one of the two calls builds, the other waits for it");
        } finally {
            two.shutdownNow();
        }
        assertTrue(Files.isRegularFile(jar()));
        assertFalse(Files.exists(tree.resolve("target/test-classes")), "tests are not compiled to run the tool");
        // The run after the build used the class archive this JVM made for the new jar.
        try (var archives = Files.list(tree.resolve("target/cds"))) {
            List<Path> made = archives.filter(p -> p.getFileName().toString().endsWith(".jsa")).toList();
            assertEquals(1, made.size(), made.toString());
            assertTrue(Files.isRegularFile(made.get(0).resolveSibling(made.get(0).getFileName() + ".jar")), "with its jar's stamp");
        }
        Map<String, String> logged = Processes.cleanEnv();
        Path classLog = tree.resolve("classes.log");
        logged.put("IOTASIGN_JAVA_OPTS", "-Xlog:class+load=info:file=" + classLog);
        Processes.Result again = launch(logged, "--version");
        assertEquals("iotasign " + BUMPED + "\n", again.out(), again.toString());
        assertEquals("", again.err(), "no rebuild, no archive message");
        assertTrue(Files.readString(classLog).contains("org.iotasign.cli.Main source: shared objects file"),
                "the tool's classes come from the archive");
        Processes.Result bad = launch(env, "verify", "--pubkey", "00", tree.resolve("no-such.bin").toString());
        assertEquals(2, bad.exit(), bad.toString());
        assertTrue(bad.err().startsWith("iotasign: public key '00' is neither 64 hex digits nor a readable file"),
                "the tool's one-line error reaches the terminal through the launcher: " + bad);
    }

    @Test
    @Order(2)
    void aChangedTokenProfileRebuildsAndTheJarCarriesIt() throws IOException {
        Map<String, String> env = Processes.cleanEnv();
        env.put("IOTASIGN_CDS", "off");
        assertTrue(Files.isRegularFile(jar()), "built by the test before");
        Path profile = tree.resolve("hsm-config/softhsm2.properties");
        Files.writeString(profile, Files.readString(profile) + "# changed for the launcher test\n");
        Files.setLastModifiedTime(profile, FileTime.fromMillis(Files.getLastModifiedTime(jar()).toMillis() + 2000));

        Processes.Result r = launch(env, "--version");
        assertEquals(0, r.exit(), r.toString());
        assertEquals("iotasign " + BUMPED + "\n", r.out());
        assertEquals("iotasign: building iotasign-" + BUMPED + "-all.jar ...\n", r.err());
        try (ZipFile zip = new ZipFile(jar().toFile())) {
            String packed = new String(zip.getInputStream(zip.getEntry("hsm-config/softhsm2.properties")).readAllBytes(),
                    StandardCharsets.UTF_8);
            assertTrue(packed.contains("# changed for the launcher test"), packed);
        }
        Processes.Result again = launch(env, "--version");
        assertEquals("", again.err(), "built once, then fresh: " + again);
    }
}
