package org.iotasign.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

import org.iotasign.io.TerminalText;
import org.iotasign.EnvironmentException;
import org.iotasign.RejectedException;
import org.iotasign.UsageException;
import org.iotasign.crypto.Ed25519PublicKey;
import org.iotasign.crypto.KeyFormats;
import org.iotasign.io.AtomicFile;
import org.iotasign.ledger.LedgerRecord;
import org.iotasign.policy.KeyBirth;
import org.iotasign.token.KeyUri;
import org.iotasign.token.PinSources;
import org.iotasign.token.TokenContext;
import org.iotasign.token.TokenKeys;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "key", mixinStandardHelpOptions = true,
        description = "Generate, list, export and import Ed25519 release keys on a PKCS#11 token.",
        subcommands = {KeyCommand.Generate.class, KeyCommand.ListKeys.class, KeyCommand.Export.class, KeyCommand.ImportSeed.class,
                KeyBackupCommands.Ceremony.class, KeyBackupCommands.Restore.class, KeyBackupCommands.Drill.class})
final class KeyCommand implements Callable<Integer> {
    static final String KEY_DESCRIPTION = "PKCS#11 URI of the key (RFC 7512), e.g. 'pkcs11:token=iotasign;object=release;id=%%01"
            + "?pin-source=file:/path/pin'. Default: ${DEFAULT-VALUE}, the release key in the tool's own SoftHSM2 token.";

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: generate, list, export, import-seed, ceremony, restore or drill");
    }

    @Command(name = "generate", mixinStandardHelpOptions = true,
            header = "Generate an Ed25519 release key pair inside the token; it never leaves it.",
            description = {"Generate an Ed25519 key pair on the token. The private key is token-resident, private, sensitive,",
                    "never extractable and may only sign. Refuses when an object with the label or id exists.",
                    "Prints the public key and its fingerprint."})
    static final class Generate implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--key", paramLabel = "URI", defaultValue = KeyUri.DEFAULT, description = KEY_DESCRIPTION)
        String key;

        @Option(names = "--so-pin-file", paramLabel = "FILE",
                description = "Security officer PIN file, for tokens whose key generation needs it (YubiKey PIV: the management key). "
                        + "Default: IOTASIGN_SO_PIN, else asked.")
        Path soPinFile;

        @Option(names = "--if-absent",
                description = "When the token already holds a public key under this URI, print it and succeed instead of refusing (for scripts).")
        boolean ifAbsent;

        @Mixin
        TokenOptions token;

        @Override
        public Integer call() {
            KeyUri uri = KeyUri.parse(key);
            TokenContext ctx = token.context();
            PrintWriter out = spec.commandLine().getOut();
            if (ifAbsent) {
                Optional<Ed25519PublicKey> existing = TokenKeys.existingPublicKey(uri, ctx);
                if (existing.isPresent()) {
                    out.println("key " + uri.describe() + " already exists");
                    out.println("public key " + existing.get().hex());
                    out.println("fingerprint " + existing.get().fingerprint());
                    return Main.EXIT_OK;
                }
            }
            TokenKeys.CreatedKey created = TokenKeys.generate(uri, ctx, PinSources.forUser(uri, ctx),
                    PinSources.forSecurityOfficer(soPinFile, ctx));
            out.println("generated Ed25519 key " + created.uri() + " (never extractable)");
            out.println("public key " + created.publicKey().hex());
            out.println("fingerprint " + created.publicKey().fingerprint());
            out.println("next: iotasign key export --key '" + created.uri() + "' --format c");
            return Main.EXIT_OK;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            header = "List the keys on a token with their fingerprints and how they were born.",
            description = {"List the keys on the token the URI selects: label, id, fingerprint, extractability, and the URI to use.",
                    "Logs in (PIN) to see private keys unless --no-login."})
    static final class ListKeys implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--key", paramLabel = "URI", defaultValue = "pkcs11:token=iotasign",
                description = "PKCS#11 URI of the token (object and id are ignored). Default: ${DEFAULT-VALUE}, the tool's own token.")
        String key;

        @Option(names = "--no-login", description = "Do not log in: list only the public objects (no PIN needed).")
        boolean noLogin;

        @Mixin
        TokenOptions token;

        @Mixin
        LedgerCommand.LedgerPath where;

        @Override
        public Integer call() {
            KeyUri uri = KeyUri.parse(key);
            TokenContext ctx = token.context();
            List<TokenKeys.KeyInfo> keys = TokenKeys.list(uri, ctx, noLogin ? Optional.empty() : Optional.of(PinSources.forUser(uri, ctx)));
            PrintWriter out = spec.commandLine().getOut();
            String tokenLabel = uri.token().orElse("iotasign");
            List<LedgerRecord> history = keys.stream().anyMatch(k -> k.hasPrivate() && !k.neverExtractable())
                    ? where.ledger().check().records() : List.of();
            String serial = history.isEmpty() ? null : TokenKeys.tokenSerial(uri, ctx);
            if (keys.isEmpty()) {
                out.println("no keys on token " + TerminalText.quoted(tokenLabel) + ": create one with 'iotasign key generate'");
            }
            for (TokenKeys.KeyInfo k : keys) {
                String fp = k.publicKey().map(Ed25519PublicKey::fingerprint).orElse(k.ed25519() ? "(no public key object)" : "(not Ed25519)");
                out.println(TerminalText.line(fp + "  " + k.uri(tokenLabel))); // labels come from the token
                StringBuilder flags = new StringBuilder("    ");
                flags.append(k.hasPrivate() ? "private+public" : noLogin ? "public key (private keys are listed after login)" : "public key only");
                if (k.hasPrivate()) {
                    flags.append(k.extractable() ? ", EXTRACTABLE" : ", not extractable");
                    flags.append(k.neverExtractable() ? ", never extractable" : ", was extractable or imported");
                    flags.append(k.sensitive() ? ", sensitive" : ", NOT sensitive");
                    if (k.alwaysAuthenticate()) {
                        flags.append(", PIN before every signature");
                    }
                }
                out.println(flags);
                if (k.hasPrivate() && k.publicKey().isPresent()) {
                    out.println("    " + TerminalText.line(KeyBirth.of(k.neverExtractable() && !k.extractable(), k.publicKey().get().hex(),
                            serial, history).describe()));
                }
            }
            out.flush();
            return Main.EXIT_OK;
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            header = "Export the public key as a C array for common.cpp, hex, PEM or raw bytes.",
            description = {"Export the public key: c (a drop-in replacement for 'const uint8_t publicKey[32] PROGMEM' in IoTaWatt's",
                    "common.cpp), hex, pem (SubjectPublicKeyInfo) or raw (32 bytes). Always prints the key fingerprint",
                    "(on standard error when the key itself goes to standard output). No PIN needed."})
    static final class Export implements Callable<Integer> {
        static final List<String> FORMATS = List.of("c", "hex", "pem", "raw");

        @Spec
        CommandSpec spec;

        @Option(names = "--key", paramLabel = "URI", defaultValue = KeyUri.DEFAULT, description = KEY_DESCRIPTION)
        String key;

        @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "hex",
                description = "c, hex, pem or raw (default: ${DEFAULT-VALUE}).")
        String format;

        @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the key to FILE (atomically) instead of standard output.")
        Path output;

        @Option(names = "--force", description = "Replace FILE if it exists.")
        boolean force;

        @Mixin
        TokenOptions token;

        @Override
        public Integer call() throws IOException {
            if (!FORMATS.contains(format)) {
                throw new UsageException("--format must be c, hex, pem or raw, not '" + format + "'");
            }
            Ed25519PublicKey k = TokenKeys.publicKey(KeyUri.parse(key), token.context());
            byte[] content = render(format, k);
            PrintWriter out = spec.commandLine().getOut();
            if (output != null) {
                AtomicFile.write(output, content, force);
                out.println("wrote " + format + " public key to " + output);
                out.println("fingerprint " + k.fingerprint());
            } else {
                if (format.equals("raw")) {
                    out.flush();
                    System.out.write(content);
                    System.out.flush();
                } else {
                    out.print(new String(content, StandardCharsets.US_ASCII));
                    out.flush();
                }
                PrintWriter err = spec.commandLine().getErr();
                err.println("fingerprint " + k.fingerprint());
                err.flush();
            }
            return Main.EXIT_OK;
        }

        static byte[] render(String format, Ed25519PublicKey k) {
            switch (format) {
                case "c":
                    return KeyFormats.toCArray(k).getBytes(StandardCharsets.US_ASCII);
                case "hex":
                    return KeyFormats.toHex(k).getBytes(StandardCharsets.US_ASCII);
                case "pem":
                    return KeyFormats.toPem(k).getBytes(StandardCharsets.US_ASCII);
                case "raw":
                    return k.bytes();
                default:
                    throw new IllegalStateException(format);
            }
        }
    }

    @Command(name = "import-seed", mixinStandardHelpOptions = true,
            description = {"Store an existing Ed25519 private seed (32 bytes) on the token, to migrate a key made elsewhere.",
                    "The object is sensitive and not extractable, but an imported key is only as safe as its past: every copy",
                    "of the seed must be destroyed. 'sign' refuses it unless --allow-extractable-key."})
    static final class ImportSeed implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--key", paramLabel = "URI", defaultValue = KeyUri.DEFAULT, description = KEY_DESCRIPTION)
        String key;

        @Option(names = "--seed", paramLabel = "FILE", required = true,
                description = "File holding the 32-byte seed, raw or as 64 hex digits.")
        Path seedFile;

        @Mixin
        TokenOptions token;

        @Override
        public Integer call() {
            KeyUri uri = KeyUri.parse(key);
            TokenContext ctx = token.context();
            byte[] seed = readSeed(seedFile);
            try {
                TokenKeys.CreatedKey created = TokenKeys.importSeed(uri, ctx, PinSources.forUser(uri, ctx), seed);
                PrintWriter out = spec.commandLine().getOut();
                out.println("imported Ed25519 key as " + uri.describe() + " on token '" + created.tokenLabel() + "'");
                out.println("public key " + created.publicKey().hex());
                out.println("fingerprint " + created.publicKey().fingerprint());
                PrintWriter err = spec.commandLine().getErr();
                err.println("warning: an imported key is only as safe as its past: destroy every other copy of " + seedFile
                        + "; 'sign' needs --allow-extractable-key for this key");
                err.flush();
                out.flush();
            } finally {
                Arrays.fill(seed, (byte) 0);
            }
            return Main.EXIT_OK;
        }

        static byte[] readSeed(Path file) {
            CliFiles.existingFile(file);
            byte[] content;
            try {
                if (Files.size(file) > 4096) {
                    throw new RejectedException(file + " is too large to be an Ed25519 seed: give a file holding the 32-byte seed");
                }
                content = Files.readAllBytes(file);
            } catch (IOException e) {
                throw new EnvironmentException("cannot read seed file " + file + ": " + AtomicFile.describe(e));
            }
            String text = new String(content, StandardCharsets.US_ASCII).trim();
            if (text.matches("[0-9a-fA-F]+") && text.length() % 2 == 0 && content.length != 32) {
                byte[] decoded = HexFormat.of().parseHex(text);
                Arrays.fill(content, (byte) 0);
                return decoded;
            }
            return content;
        }
    }
}
