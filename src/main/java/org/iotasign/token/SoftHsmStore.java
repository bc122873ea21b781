package org.iotasign.token;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.iotasign.EnvironmentException;
import org.iotasign.Hint;
import org.iotasign.RejectedException;
import org.iotasign.io.AtomicFile;

/**
 * The SoftHSM2 configuration the tool runs with, and the tool's own embedded store.
 *
 * <p>SoftHSM reads the file named by the SOFTHSM2_CONF environment variable once, when
 * the module is initialized, and a JVM cannot change its own environment. So the
 * variable must be set before the JVM starts: {@code scripts/iotasign} exports
 * {@code SOFTHSM2_CONF=$IOTASIGN_HOME/softhsm/softhsm2.conf} when it is unset, and
 * this class creates that file and its token folder on first use. A SOFTHSM2_CONF set
 * by the user is used as it is. Without the variable the tool refuses to load SoftHSM,
 * which would otherwise fall back to the system-wide store.
 *
 * <p>SoftHSM also reads the token folder only at initialization, so tokens created by
 * {@code token init} (through {@code softhsm2-util}) are seen by the next process, or by
 * this one if it has not loaded the module yet.
 */
public final class SoftHsmStore {
    public static final String CONF_VARIABLE = "SOFTHSM2_CONF";
    public static final String HOME_VARIABLE = "IOTASIGN_HOME";

    private final Path conf;

    private SoftHsmStore(Path conf) {
        this.conf = conf;
    }

    /** {@code $IOTASIGN_HOME}, else {@code ${XDG_DATA_HOME:-~/.local/share}/iotasign}. */
    public static Path home(TokenContext ctx) {
        return ctx.getenv(HOME_VARIABLE).map(Path::of).orElseGet(() -> ctx.getenv("XDG_DATA_HOME")
                .map(Path::of)
                .orElseGet(() -> Path.of(ctx.getenv("HOME").orElse(System.getProperty("user.home")), ".local", "share"))
                .resolve("iotasign")).toAbsolutePath();
    }

    /** The embedded store's configuration file: {@code $IOTASIGN_HOME/softhsm/softhsm2.conf}. */
    public static Path embeddedConf(TokenContext ctx) {
        return home(ctx).resolve("softhsm").resolve("softhsm2.conf");
    }

    /**
     * The store SoftHSM will use in this process; creates the embedded store's files when
     * SOFTHSM2_CONF points at them and they do not exist yet.
     */
    public static SoftHsmStore current(TokenContext ctx) {
        Path embedded = embeddedConf(ctx);
        String set = ctx.getenv(CONF_VARIABLE).orElseThrow(() -> new EnvironmentException(
                "SOFTHSM2_CONF is not set, so SoftHSM would use the system token store: run iotasign through scripts/iotasign, "
                        + "or export SOFTHSM2_CONF=" + embedded + " (the embedded store under IOTASIGN_HOME)"));
        Path conf = Path.of(set).toAbsolutePath().normalize();
        if (conf.equals(embedded.normalize()) && !Files.exists(conf)) {
            createEmbedded(conf);
        }
        if (!Files.isRegularFile(conf)) {
            throw new EnvironmentException("SoftHSM configuration " + conf + " (from SOFTHSM2_CONF) does not exist: "
                    + "create it, or unset SOFTHSM2_CONF and run through scripts/iotasign to use the embedded store");
        }
        return new SoftHsmStore(conf);
    }

    private static void createEmbedded(Path conf) {
        Path dir = conf.getParent();
        Path tokens = dir.resolve("tokens");
        try {
            Files.createDirectories(tokens);
            restrict(dir.getParent());
            restrict(dir);
            restrict(tokens);
            String text = "# SoftHSM2 store of iotasign (created by iotasign; see docs/tokens.md)\n"
                    + "directories.tokendir = " + tokens + "\n"
                    + "objectstore.backend = file\n"
                    + "log.level = ERROR\n"
                    + "slots.removable = false\n";
            AtomicFile.write(conf, text.getBytes(StandardCharsets.UTF_8), false);
        } catch (IOException e) {
            throw new EnvironmentException("cannot create the embedded token store in " + dir + ": " + AtomicFile.describe(e)
                    + ": check IOTASIGN_HOME points to a writable folder", e);
        }
    }

    private static void restrict(Path dir) throws IOException {
        try {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        } catch (UnsupportedOperationException ignored) {
            // Not a POSIX file system: permissions are the platform's business.
        }
    }

    public Path conf() {
        return conf;
    }

    /** Labels of the initialized tokens in this store, read with softhsm2-util (the module stays unloaded). */
    public List<String> tokenLabels() {
        List<String> labels = new ArrayList<>();
        boolean inTokenInfo = false;
        for (String line : softhsmUtil(List.of("--show-slots")).split("\n")) {
            String t = line.trim();
            if (t.startsWith("Token info:")) {
                inTokenInfo = true;
            } else if (inTokenInfo && t.startsWith("Initialized:")) {
                inTokenInfo = t.endsWith("yes");
            } else if (inTokenInfo && t.startsWith("Label:")) {
                labels.add(t.substring("Label:".length()).trim());
                inTokenInfo = false;
            }
        }
        return labels;
    }

    /**
     * Creates a token with {@code label} in this store. softhsm2-util takes the PINs as
     * arguments (it reads them only from a terminal otherwise); they are visible in the
     * process list for the few milliseconds it runs, which is why the tool is meant for
     * a single-user, air-gapped machine.
     */
    public void initToken(String label, byte[] soPin, byte[] userPin) {
        if (tokenLabels().contains(label)) {
            throw new RejectedException("a token labelled '" + label + "' already exists in " + conf, Hint.ACCEPT_EXISTING_TOKEN);
        }
        softhsmUtil(List.of("--init-token", "--free", "--label", label,
                "--so-pin", new String(soPin, StandardCharsets.UTF_8), "--pin", new String(userPin, StandardCharsets.UTF_8)));
    }

    private String softhsmUtil(List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add("softhsm2-util");
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put(CONF_VARIABLE, conf.toString());
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new EnvironmentException("softhsm2-util did not finish within 60 s: check the token folder of " + conf);
            }
            String text = new String(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                String last = text.strip();
                last = last.substring(last.lastIndexOf('\n') + 1);
                throw new EnvironmentException("softhsm2-util failed: " + last + ": check " + conf + " and its token folder");
            }
            return text;
        } catch (IOException e) {
            throw new EnvironmentException("cannot run softhsm2-util: " + AtomicFile.describe(e)
                    + ": install the softhsm2 package (apt-get install softhsm2)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EnvironmentException("interrupted while running softhsm2-util: run the command again", e);
        }
    }
}
