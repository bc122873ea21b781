package org.iotasign.dist;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The offline bundle as {@code scripts/bundle} makes it, built once per test JVM into a
 * build folder of its own ({@code <build>/bundle-test/build}), so it never touches the
 * classes the running tests were loaded from.
 */
final class BuiltBundle {
    static final String VERSION = "0.1.0";
    static final String NAME = "iotasign-" + VERSION;
    static final Duration BUILD_TIMEOUT = Duration.ofMinutes(4);

    private static BuiltBundle built;

    final Path buildDir;
    final Path tarball;
    final String printedSha256;

    private BuiltBundle(Path buildDir, Path tarball, String printedSha256) {
        this.buildDir = buildDir;
        this.tarball = tarball;
        this.printedSha256 = printedSha256;
    }

    static Path projectRoot() {
        return Path.of("").toAbsolutePath();
    }

    /** The folder for this package's test outputs, under the build directory. */
    static Path testDir() throws IOException {
        Path build = Path.of(System.getProperty("iotasign.buildDir", "target"));
        return Files.createDirectories(build.toAbsolutePath().resolve("bundle-test"));
    }

    static synchronized BuiltBundle get() throws IOException {
        if (built == null) {
            Path dir = testDir().resolve("build");
            Processes.deleteTree(dir);
            seedWithCompiledClasses(dir);
            built = build(dir);
        }
        return built;
    }

    /**
     * Copies the classes this test run was compiled from (with the compiler's
     * bookkeeping) into {@code dir}, so the nested build finds them up to date and spends
     * its time on what packaging adds: resources, jars, man pages, completion, tar. Keeps
     * the bundle tests within their time budget on a 2-core machine; javac's own output is
     * deterministic, and a from-scratch build gives the same bundle (docs/offline-install.md).
     */
    private static void seedWithCompiledClasses(Path dir) throws IOException {
        Path build = Path.of(System.getProperty("iotasign.buildDir", "target")).toAbsolutePath();
        Files.createDirectories(dir);
        // test-classes too: scripts/bundle must not run them (BundleTest checks no test report appears).
        for (String part : List.of("classes", "test-classes", "maven-status", "generated-sources")) {
            Path from = build.resolve(part);
            if (Files.isDirectory(from)) {
                Processes.Result r = Processes.run(List.of("cp", "-a", from.toString(), dir.resolve(part).toString()),
                        projectRoot(), Processes.cleanEnv(), Duration.ofMinutes(1));
                if (r.exit() != 0) {
                    throw new IllegalStateException("copying " + from + " failed: " + r);
                }
            }
        }
    }

    /** Runs scripts/bundle into {@code buildDir}; fails with Maven's output when it fails. */
    static BuiltBundle build(Path buildDir) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(projectRoot().resolve("scripts/bundle").toString(),
                "-Diotasign.buildDir=" + buildDir));
        Processes.Result r = Processes.run(cmd, projectRoot(), Processes.cleanEnv(), BUILD_TIMEOUT);
        if (r.exit() != 0) {
            throw new IllegalStateException("scripts/bundle failed: " + r);
        }
        Matcher path = Pattern.compile("(?m)^bundle: (.+)$").matcher(r.out());
        Matcher sha = Pattern.compile("(?m)^SHA-256: ([0-9a-f]{64})$").matcher(r.out());
        if (!path.find() || !sha.find()) {
            throw new IllegalStateException("scripts/bundle did not print the bundle path and SHA-256: " + r);
        }
        return new BuiltBundle(buildDir, Path.of(path.group(1)), sha.group(1));
    }

    /** Unpacks the bundle with the system's tar into {@code dir}, as on the laptop; returns the bundle's root. */
    Path unpackInto(Path dir) throws IOException {
        Files.createDirectories(dir);
        Processes.Result r = Processes.run(List.of("tar", "-xzf", tarball.toString()), dir, Processes.cleanEnv(), Duration.ofMinutes(1));
        if (r.exit() != 0) {
            throw new IllegalStateException("tar failed: " + r);
        }
        return dir.resolve(NAME);
    }
}
