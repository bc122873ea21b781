package org.iotasign.token;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real SoftHSM2 store of a test class's own: a configuration and token folder under
 * the build directory, with tokens created by softhsm2-util before the module is loaded.
 *
 * <p>SoftHSM reads the file named by SOFTHSM2_CONF once, when this JVM first loads the
 * module. The Maven execution "softhsm-tests" gives every class tagged {@code softhsm} a
 * JVM of its own with SOFTHSM2_CONF set; this fixture rewrites that file so that it
 * points at {@code <build>/softhsm/<TestClass>/tokens}. Create the fixture in
 * {@code @BeforeAll}, before anything touches the module.
 */
public final class SoftHsmFixture {
    public static final String SO_PIN = "so-secret-1234";
    public static final String USER_PIN = "user-secret-5678";
    public static final String TAG = "softhsm";

    private final Path conf;
    private final Path dir;
    private final Path pinFile;

    private SoftHsmFixture(Path conf, Path dir, Path pinFile) {
        this.conf = conf;
        this.dir = dir;
        this.pinFile = pinFile;
    }

    /** A fresh store for {@code testClass} holding tokens with the given labels (user PIN {@link #USER_PIN}). */
    public static SoftHsmFixture create(Class<?> testClass, String... tokenLabels) throws IOException {
        String set = System.getenv(SoftHsmStore.CONF_VARIABLE);
        if (set == null) {
            throw new IllegalStateException("SOFTHSM2_CONF is not set: run SoftHSM tests through Maven (execution softhsm-tests)");
        }
        Path module = HsmProfile.softHsm().installedModule().orElseThrow(
                () -> new IllegalStateException("libsofthsm2.so not found: apt-get install softhsm2"));
        if (Pkcs11Wrapper.isLoaded(module.toRealPath())) {
            throw new IllegalStateException("SoftHSM is already loaded in this JVM: tag the class '" + TAG
                    + "' so that it gets a JVM of its own");
        }
        Path conf = Path.of(set).toAbsolutePath();
        // The signing ledger under IOTASIGN_HOME is shared by every class of the run: start each class with none.
        String home = System.getenv(SoftHsmStore.HOME_VARIABLE);
        if (home != null) {
            Files.deleteIfExists(Path.of(home).resolve("ledger.jsonl"));
        }
        Path dir = conf.getParent().resolve(testClass.getSimpleName());
        deleteTree(dir);
        Path tokens = Files.createDirectories(dir.resolve("tokens"));
        Files.writeString(conf, "directories.tokendir = " + tokens + "\nobjectstore.backend = file\nlog.level = ERROR\n"
                + "slots.removable = false\n");
        SoftHsmFixture f = new SoftHsmFixture(conf, dir, dir.resolve("user.pin"));
        Files.writeString(f.pinFile, USER_PIN + "\n");
        for (String label : tokenLabels) {
            f.run(List.of("softhsm2-util", "--init-token", "--free", "--label", label, "--so-pin", SO_PIN, "--pin", USER_PIN));
        }
        return f;
    }

    /** Runs a command with this store's SOFTHSM2_CONF; returns its output, failing on a non-zero exit. */
    public String run(List<String> command) throws IOException {
        Result r = runAllowingFailure(command, Map.of());
        if (r.exit() != 0) {
            throw new IllegalStateException(String.join(" ", command.subList(0, Math.min(2, command.size()))) + " failed: " + r.output());
        }
        return r.output();
    }

    /** Exit code and merged output of a child process. */
    public record Result(int exit, String output) {
    }

    public Result runAllowingFailure(List<String> command, Map<String, String> extraEnv) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put(SoftHsmStore.CONF_VARIABLE, conf.toString());
        pb.environment().putAll(extraEnv);
        Process p = pb.start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(command.get(0) + " did not finish in 120 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    public Path dir() {
        return dir;
    }

    public Path conf() {
        return conf;
    }

    public Path pinFile() {
        return pinFile;
    }

    public Path module() {
        return HsmProfile.softHsm().installedModule().orElseThrow();
    }

    /** A key URI on {@code token} whose PIN comes from this fixture's PIN file. */
    public String uri(String token, String object) {
        return "pkcs11:token=" + token + ";object=" + object + "?pin-source=file:" + pinFile;
    }

    public KeyUri keyUri(String token, String object) {
        return KeyUri.parse(uri(token, object));
    }

    /** This JVM's environment, in which SOFTHSM2_CONF names this fixture's configuration. */
    public TokenContext context() {
        return new TokenContext(System.getenv(), Optional.empty(), Optional.empty());
    }

    /** A PIN source that hands out the user PIN and counts how often it was asked. */
    public static final class CountingPins implements PinSource {
        private final String pin;
        private int asked;

        public CountingPins(String pin) {
            this.pin = pin;
        }

        @Override
        public byte[] pin(String what) {
            asked++;
            return pin.getBytes(StandardCharsets.UTF_8);
        }

        public int asked() {
            return asked;
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        List<Path> all = new ArrayList<>();
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(all::add);
        }
        for (Path p : all) {
            Files.delete(p);
        }
    }
}
