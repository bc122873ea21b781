package org.iotasign.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Starts {@code iotasign} as a separate process: the built jar
 * ({@code target/iotasign-*-all.jar}) with {@code java -jar} when it is newer than every
 * compiled class file, else the classes this test JVM runs (the same code, before packaging).
 */
public final class IotasignProcess {
    private IotasignProcess() {
    }

    public static ProcessBuilder builder(Map<String, String> env, List<String> args) throws IOException {
        return builder(env, List.of(), args);
    }

    /** @param jvmOptions extra JVM options, e.g. a class-data-sharing archive for many short runs */
    public static ProcessBuilder builder(Map<String, String> env, List<String> jvmOptions, List<String> args) throws IOException {
        List<String> cmd = java(jvmOptions);
        Optional<Path> jar = freshJar();
        if (jar.isPresent()) {
            cmd.addAll(List.of("-jar", jar.get().toAbsolutePath().toString()));
        } else {
            cmd.addAll(List.of("--add-modules", "jdk.crypto.cryptoki",
                    "--add-exports", "jdk.crypto.cryptoki/sun.security.pkcs11.wrapper=ALL-UNNAMED",
                    "-cp", System.getProperty("java.class.path"), "org.iotasign.cli.Main"));
        }
        return start(cmd, env, args);
    }

    /**
     * As the launchers start a command that opens no token: from the class path, without
     * the export of the JDK's PKCS#11 wrapper that the jar's manifest gives {@code java -jar}.
     */
    public static ProcessBuilder withoutPkcs11Export(Map<String, String> env, List<String> jvmOptions, List<String> args) {
        List<String> cmd = java(jvmOptions);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "org.iotasign.cli.Main"));
        return start(cmd, env, args);
    }

    private static List<String> java(List<String> jvmOptions) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
        cmd.addAll(jvmOptions);
        return cmd;
    }

    private static ProcessBuilder start(List<String> cmd, Map<String, String> env, List<String> args) {
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(env);
        return pb;
    }

    /** True when the built jar is used (class-data-sharing archives work only with jars, not class folders). */
    public static boolean usesJar() throws IOException {
        return freshJar().isPresent();
    }

    /** How the process is started, for test reports. */
    public static String describe() throws IOException {
        return freshJar().map(j -> "java -jar " + j).orElse("java -cp <test classpath> org.iotasign.cli.Main");
    }

    static Optional<Path> freshJar() throws IOException {
        Path target = Path.of("target");
        Path classes = target.resolve("classes");
        if (!Files.isDirectory(classes)) {
            return Optional.empty();
        }
        Optional<Path> jar;
        try (Stream<Path> s = Files.list(target)) {
            jar = s.filter(p -> p.getFileName().toString().matches("iotasign-.*-all\\.jar")).findFirst();
        }
        if (jar.isEmpty()) {
            return Optional.empty();
        }
        long built = Files.getLastModifiedTime(jar.get()).toMillis();
        try (Stream<Path> s = Files.walk(classes)) {
            boolean newer = s.anyMatch(p -> {
                try {
                    return p.toString().endsWith(".class") && Files.getLastModifiedTime(p).toMillis() > built;
                } catch (IOException e) {
                    return true;
                }
            });
            return newer ? Optional.empty() : jar;
        }
    }
}
