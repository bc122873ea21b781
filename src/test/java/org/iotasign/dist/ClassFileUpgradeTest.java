package org.iotasign.dist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The build step that rewrites picocli's Java 5 class files (src/dist/ClassFileUpgrade.java),
 * run as the build runs it, on picocli's own jar: what comes out is Java 8 class files the
 * JVM verifies with its type-checking verifier, a program that behaves as before, and the
 * same bytes every time; a jar it cannot rewrite is left as it was.
 */
@Timeout(120)
class ClassFileUpgradeTest {
    private static final Duration RUN = Duration.ofSeconds(60);
    private static final Path PROGRAM = Path.of("src/dist/ClassFileUpgrade.java");
    private static Path picocliJar;
    private static Path asmJar;

    @TempDir
    Path dir;

    @BeforeAll
    static void findJars() throws URISyntaxException {
        picocliJar = jarOf(picocli.CommandLine.class);
        asmJar = jarOf(org.objectweb.asm.ClassReader.class);
    }

    @Test
    void picocliComesOutAsJava8ClassFilesInTheSameEntriesAndTheSameBytesEachTime() throws IOException {
        Path first = dir.resolve("first.jar");
        Path second = dir.resolve("second.jar");
        Files.copy(picocliJar, first);
        Files.copy(picocliJar, second);
        assertEquals(0, upgrade(first).exit());
        assertEquals(0, upgrade(second).exit());

        Map<String, byte[]> before = entries(picocliJar);
        Map<String, byte[]> after = entries(first);
        assertEquals(new ArrayList<>(before.keySet()), new ArrayList<>(after.keySet()), "entries and their order");
        int classes = 0;
        for (Map.Entry<String, byte[]> e : after.entrySet()) {
            if (e.getKey().endsWith(".class") && e.getKey().startsWith("picocli/")) {
                assertEquals(49, major(before.get(e.getKey())), e.getKey() + " was a Java 5 class file");
                assertEquals(52, major(e.getValue()), e.getKey());
                classes++;
            } else {
                assertArrayEquals(before.get(e.getKey()), e.getValue(), e.getKey() + " is not a class to rewrite");
            }
        }
        assertTrue(classes > 200, "picocli has over 200 classes; found " + classes);
        assertArrayEquals(Files.readAllBytes(first), Files.readAllBytes(second), "the build is reproducible");
    }

    @Test
    void theRewrittenPicocliIsVerifiedAsNewClassFilesAndPrintsTheSameHelp() throws IOException {
        Path upgraded = dir.resolve("picocli.jar");
        Files.copy(picocliJar, upgraded);
        assertEquals(0, upgrade(upgraded).exit());
        String rest = System.getProperty("java.class.path");

        Processes.Result original = java(List.of("-cp", rest, "org.iotasign.cli.Main", "verify", "--help"));
        Processes.Result rewritten = java(List.of("-Xlog:verification=info:stderr", "-cp", upgraded + java.io.File.pathSeparator + rest,
                "org.iotasign.cli.Main", "verify", "--help"));
        assertEquals(0, original.exit(), original.toString());
        assertEquals(0, rewritten.exit(), rewritten.toString());
        assertEquals(original.out(), rewritten.out());
        assertTrue(rewritten.err().contains("Verifying class picocli.CommandLine with new format"), rewritten.err());
        assertFalse(rewritten.err().contains("picocli.CommandLine with old format"), rewritten.err());
    }

    @Test
    void aJarWithAClassItCannotRewriteIsLeftAsItWas() throws IOException {
        Path jar = dir.resolve("broken.jar");
        byte[] truncatedJava5Class = Arrays.copyOf(entries(picocliJar).get("picocli/CommandLine$Range.class"), 40);
        try (OutputStream file = Files.newOutputStream(jar); ZipOutputStream zip = new ZipOutputStream(file)) {
            zip.putNextEntry(new ZipEntry("picocli/CommandLine$Range.class"));
            zip.write(truncatedJava5Class);
            zip.closeEntry();
        }
        byte[] before = Files.readAllBytes(jar);

        Processes.Result r = upgrade(jar);
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().startsWith("ClassFileUpgrade: " + jar + " left as it was: "), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertArrayEquals(before, Files.readAllBytes(jar));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(jar), files.toList(), "no temporary file is left behind");
        }
    }

    private Processes.Result upgrade(Path jar) throws IOException {
        return java(List.of("-cp", asmJar + java.io.File.pathSeparator + picocliJar, PROGRAM.toAbsolutePath().toString(), jar.toString()));
    }

    private Processes.Result java(List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(args);
        return Processes.run(cmd, Path.of("").toAbsolutePath(), Processes.cleanEnv(), RUN);
    }

    private static Map<String, byte[]> entries(Path jar) throws IOException {
        Map<String, byte[]> m = new LinkedHashMap<>();
        try (ZipFile z = new ZipFile(jar.toFile())) {
            for (Enumeration<? extends ZipEntry> e = z.entries(); e.hasMoreElements();) {
                ZipEntry entry = e.nextElement();
                m.put(entry.getName(), z.getInputStream(entry).readAllBytes());
            }
        }
        return m;
    }

    private static int major(byte[] classFile) {
        return (classFile[6] & 0xff) << 8 | (classFile[7] & 0xff);
    }

    private static Path jarOf(Class<?> c) throws URISyntaxException {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
    }
}
