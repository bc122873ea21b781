package org.iotasign.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import org.iotasign.crypto.Hashes;
import org.iotasign.crypto.KeyFormats;
import org.iotasign.crypto.SoftwareEd25519Signer;
import org.iotasign.ledger.Ledger;
import org.iotasign.policy.SigningPolicy;
import org.iotasign.release.FirmwareLimit;
import org.iotasign.signing.Confirmation;
import org.iotasign.signing.Review;
import org.iotasign.signing.SigningDesk;
import org.iotasign.signing.SigningKey;

import picocli.CommandLine;

/**
 * The training run behind the launchers' class-data-sharing archive: a JVM started with
 * {@code -XX:DumpLoadedClassList} runs this, and {@code -Xshare:dump} archives every class it
 * loaded, so later runs map them instead of reading, parsing and verifying them from the jar.
 *
 * <p>It loads every class of the tool and picocli, and runs the quick commands in-process
 * (help of every command, sample-firmware, pack, inspect and verify, as text and JSON, and
 * the signing desk's review and signature into a ledger of its own) so the library classes
 * they use are archived too. It touches nothing outside a temporary folder: no token, no
 * ledger of the user's, no network; a throwaway software key signs the sample. When the
 * launcher gives it a throwaway SoftHSM2 token ({@link #givenThrowawayToken}), it also signs on
 * that token, so the token code's classes and lambdas are archived for {@code sign} and
 * {@code usb}. Prints nothing; exits 0.
 */
public final class StartupTraining {
    private StartupTraining() {
    }

    public static void main(String[] args) throws IOException {
        PrintStream out = System.out;
        PrintStream err = System.err;
        PrintStream none = new PrintStream(OutputStream.nullOutputStream());
        System.setOut(none);
        System.setErr(none);
        Path dir = Files.createTempDirectory("iotasign-training");
        try {
            loadOwnClasses();
            train(dir);
            if (givenThrowawayToken(args)) {
                trainOnToken(dir);
            }
        } finally {
            System.setOut(out);
            System.setErr(err);
            try (Stream<Path> walk = Files.walk(dir)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static void train(Path dir) throws IOException {
        run("--version");
        run("--help");
        for (Main.Entry e : Main.COMMANDS) {
            run(e.name(), "--help");
        }
        SoftwareEd25519Signer key = new SoftwareEd25519Signer(new byte[32]);
        Path hex = Files.writeString(dir.resolve("key.hex"), KeyFormats.toHex(key.publicKey()));
        Path firmware = dir.resolve("firmware.bin");
        Path unsigned = dir.resolve("r.unsigned");
        Path signed = dir.resolve("r.bin");
        run("sample-firmware", "--label", "02_00_00", "--embed-key", hex.toString(), "--size", "300000", "-o", firmware.toString());
        run("pack", "--version", "02_00_00", "--firmware", firmware.toString(), "-o", unsigned.toString());
        if (Files.isRegularFile(unsigned)) {
            byte[] blob = Files.readAllBytes(unsigned);
            byte[] signature = key.sign(Hashes.sha256(blob));
            try (OutputStream o = Files.newOutputStream(signed)) {
                o.write(blob);
                o.write(signature);
            }
        }
        if (Files.isRegularFile(unsigned)) {
            // The signing desk's review, ledger and post-signature check, with the throwaway
            // key and a ledger of the training's own: what sign, usb and the serial signer run
            // besides the token. Nothing of the user's is read or written.
            SigningDesk desk = new SigningDesk(new SigningKey(key.publicKey(), key, "training", "training key", true),
                    new Ledger(dir.resolve("ledger.jsonl")), new SigningPolicy(Set.of()), FirmwareLimit.DEFAULT);
            try {
                Review review = desk.review(Files.readAllBytes(unsigned), "training");
                review.lines();
                desk.sign(review, Confirmation.YES_FLAG);
            } catch (RuntimeException e) {
                // A training step that fails only means fewer classes in the archive.
            }
        }
        for (Path p : List.of(unsigned, signed)) {
            run("inspect", p.toString());
            run("inspect", "--json", p.toString());
            run("verify", "--pubkey", hex.toString(), p.toString());
            run("verify", "--json", "--pubkey", hex.toString(), p.toString());
        }
    }

    /**
     * Whether the launcher made a throwaway SoftHSM2 token for this run: {@code --token-home
     * DIR}, with IOTASIGN_HOME set to DIR and SOFTHSM2_CONF to the embedded store's
     * configuration inside it, its PINs set, and DIR not yet there. Anything else (a user's own
     * IOTASIGN_HOME, a configuration elsewhere) and the training stays off tokens.
     */
    static boolean givenThrowawayToken(String[] args) {
        if (args.length != 2 || !args[0].equals("--token-home")) {
            return false;
        }
        Path home = Path.of(args[1]).toAbsolutePath();
        Map<String, String> env = System.getenv();
        return home.toString().equals(env.get("IOTASIGN_HOME"))
                && home.resolve("softhsm").resolve("softhsm2.conf").toString().equals(env.get("SOFTHSM2_CONF"))
                && env.get("IOTASIGN_PIN") != null && env.get("IOTASIGN_SO_PIN") != null
                && !Files.exists(home, LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * Signs with the token code on a token of the training's own, as {@code sign} does: token
     * set-up, key generation, the key's export and the signature, with the ledger and anchor
     * in that token's folder. Without SoftHSM2 (or the JDK's PKCS#11 wrapper) the steps fail
     * and only the token classes are missing from the archive.
     */
    private static void trainOnToken(Path dir) {
        String key = "pkcs11:token=iotasign;object=release";
        Path firmware = dir.resolve("token-firmware.bin");
        Path unsigned = dir.resolve("token.unsigned");
        run("token", "init", "--if-absent");
        run("key", "generate", "--if-absent");
        run("key", "export", "--format", "hex", "-o", dir.resolve("token-key.hex").toString());
        run("sample-firmware", "--label", "03_00_00", "--embed-key", key, "--size", "300000", "-o", firmware.toString());
        run("pack", "--version", "03_00_00", "--firmware", firmware.toString(), "-o", unsigned.toString());
        run("sign", unsigned.toString(), "-o", dir.resolve("token.bin").toString());
    }

    private static void run(String... args) {
        try {
            CommandLine cl = Main.commandLine(args);
            PrintWriter none = new PrintWriter(OutputStream.nullOutputStream(), true);
            cl.setOut(none);
            cl.setErr(none);
            cl.execute(args);
        } catch (RuntimeException | LinkageError e) {
            // A training step that fails only means fewer classes in the archive.
        }
    }

    /** Loads (without initialising) every class of the tool and of picocli from the jar this class came from. */
    private static void loadOwnClasses() {
        Path jar;
        try {
            jar = Path.of(StartupTraining.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            return;
        }
        if (!Files.isRegularFile(jar)) {
            return;
        }
        ClassLoader loader = StartupTraining.class.getClassLoader();
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                String name = entries.nextElement().getName();
                if ((name.startsWith("org/iotasign/") || name.startsWith("picocli/")) && name.endsWith(".class")) {
                    try {
                        Class.forName(name.substring(0, name.length() - 6).replace('/', '.'), false, loader);
                    } catch (ClassNotFoundException | LinkageError e) {
                        // Not loadable here (e.g. needs a module this JVM lacks): left out of the archive.
                    }
                }
            }
        } catch (IOException e) {
            // No jar to list: the commands run below still fill the archive.
        }
    }
}
