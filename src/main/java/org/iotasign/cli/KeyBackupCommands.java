package org.iotasign.cli;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;

import org.iotasign.crypto.Hashes;
import org.iotasign.io.TerminalText;
import org.iotasign.EnvironmentException;
import org.iotasign.IotasignException;
import org.iotasign.RejectedException;
import org.iotasign.UsageException;
import org.iotasign.crypto.Ed25519PublicKey;
import org.iotasign.crypto.SoftwareEd25519Signer;
import org.iotasign.io.AtomicFile;
import org.iotasign.keybackup.KeyShare;
import org.iotasign.keybackup.SeedShares;
import org.iotasign.keybackup.ShareCode;
import org.iotasign.keybackup.ShareFile;
import org.iotasign.ledger.Ledger;
import org.iotasign.ledger.LedgerRecord;
import org.iotasign.token.KeyUri;
import org.iotasign.token.PinSource;
import org.iotasign.token.PinSources;
import org.iotasign.token.TokenContext;
import org.iotasign.token.TokenKey;
import org.iotasign.token.TokenKeys;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** key ceremony, key restore and key drill: a release key kept as m-of-n shares (docs/tokens.md, "Key backup by shares"). */
final class KeyBackupCommands {
    /** The message the tokens sign after an import, to prove they hold the seed's private key. */
    private static final byte[] CHALLENGE = "iotasign: this token holds the key born in the ceremony".getBytes(StandardCharsets.US_ASCII);

    private KeyBackupCommands() {
    }

    @Command(name = "ceremony", mixinStandardHelpOptions = true,
            header = "Make a release key that survives its token: split into shares, imported into tokens.",
            description = {"Make a release key that survives the loss of its token, on the air-gapped laptop: generate an Ed25519",
                    "seed in memory, split it into --shares N shares of which any --threshold M rebuild it, write each share to",
                    "its own --share-dir (one per share, e.g. one USB drive each), import the seed into --key and every",
                    "--also-token as a sensitive, non-extractable key, check each token signs as the seed does, and record the",
                    "ceremony in the ledger (never a share). The seed is never written to disk and is cleared when done."})
    static final class Ceremony implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--key", paramLabel = "URI", defaultValue = KeyUri.DEFAULT, description = KeyCommand.KEY_DESCRIPTION)
        String key;

        @Option(names = "--also-token", paramLabel = "URI",
                description = "Another token to import the same key into (repeatable), e.g. a spare kept in a safe.")
        List<String> alsoTokens = new ArrayList<>();

        @Option(names = "--shares", paramLabel = "N", required = true, description = "How many shares to make (2..16).")
        int count;

        @Option(names = "--threshold", paramLabel = "M", required = true, description = "How many shares rebuild the key (2..N).")
        int threshold;

        @Option(names = "--share-dir", paramLabel = "DIR", required = true,
                description = "The folder (medium) for one share; give it once per share, each a different folder.")
        List<Path> shareDirs = new ArrayList<>();

        @Option(names = "--show",
                description = "Also show each share on the screen, once, for writing it down by hand (press Enter after each).")
        boolean show;

        @Mixin
        LedgerCommand.LedgerPath where;

        @Mixin
        TokenOptions token;

        @Override
        public Integer call() {
            SeedShares.checkScheme(threshold, count);
            if (shareDirs.size() != count) {
                throw new UsageException("--shares " + count + " needs " + count + " --share-dir folders, one per share; "
                        + shareDirs.size() + " were given");
            }
            checkDistinctFolders(shareDirs);
            List<KeyUri> targets = new ArrayList<>();
            targets.add(KeyUri.parse(key));
            alsoTokens.forEach(u -> targets.add(KeyUri.parse(u)));
            TokenContext ctx = token.context();
            Set<String> named = new HashSet<>();
            for (KeyUri uri : targets) {
                if (!named.add(uri.describe())) {
                    throw new UsageException(uri.describe() + " is given twice: name each token once (--key, then --also-token)");
                }
            }
            for (KeyUri uri : targets) {
                uri.object().orElseThrow(() -> new UsageException("key URI " + uri.describe() + " has no object=LABEL: name the key"));
                if (TokenKeys.existingPublicKey(uri, ctx).isPresent()) {
                    throw new RejectedException("token of " + uri.describe() + " already holds that key: choose another object= "
                            + "label (keys are never replaced)");
                }
            }
            Ledger ledger = where.ledger();
            ledger.records(); // a damaged ledger stops the ceremony before a key exists
            PrintWriter out = spec.commandLine().getOut();
            byte[] seed = new byte[KeyShare.VALUE_LENGTH];
            List<KeyShare> shares = List.of();
            try {
                SecureRandom random = strongRandom();
                random.nextBytes(seed);
                Ed25519PublicKey publicKey = new SoftwareEd25519Signer(seed).publicKey();
                shares = SeedShares.split(seed, threshold, count, random);
                String ceremonyId = shares.get(0).ceremonyId();
                out.println("ceremony " + ceremonyId + ": key " + publicKey.fingerprint() + ", " + count + " shares, any "
                        + threshold + " rebuild it");
                List<Integer> indexes = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    Path written = ShareFile.write(shareDirs.get(i), shares.get(i), publicKey.fingerprint());
                    indexes.add(shares.get(i).index());
                    out.println("share " + shares.get(i).index() + " of " + count + " written and read back: " + written);
                    out.flush();
                }
                if (show) {
                    showForHandwriting(shares, publicKey, out);
                }
                List<LedgerRecord.TokenWritten> written = new ArrayList<>();
                try {
                    for (KeyUri uri : targets) {
                        written.add(importChecked(uri, ctx, seed, publicKey, out));
                    }
                } catch (IotasignException e) {
                    record(ledger, LedgerRecord.Outcome.CEREMONY, publicKey, "ceremony " + ceremonyId + " (import failed)",
                            new LedgerRecord.KeyEvent(ceremonyId, threshold, count, indexes, written));
                    throw e;
                }
                Ledger.Appended a = record(ledger, LedgerRecord.Outcome.CEREMONY, publicKey, "ceremony " + ceremonyId,
                        new LedgerRecord.KeyEvent(ceremonyId, threshold, count, indexes, written));
                out.println("public key " + publicKey.hex());
                out.println("fingerprint " + publicKey.fingerprint());
                out.println("recorded as ledger record " + a.seq() + "; give each share to its keeper and store them apart "
                        + "(docs/tokens.md, 'Key backup by shares')");
                out.flush();
                return Main.EXIT_OK;
            } finally {
                Arrays.fill(seed, (byte) 0);
                shares.forEach(KeyShare::clear);
            }
        }

        private void showForHandwriting(List<KeyShare> shares, Ed25519PublicKey key, PrintWriter out) {
            Console console = System.console();
            for (KeyShare s : shares) {
                out.println();
                out.println("share " + s.index() + " of " + s.count() + " (any " + s.threshold() + " rebuild key "
                        + key.fingerprint() + "), ceremony " + s.ceremonyId() + ": write it down exactly, for its keeper only");
                String code = ShareCode.encode(s);
                for (int at = 0; at < code.length(); at += 30) {
                    out.println("    " + code.substring(at, Math.min(code.length(), at + 29)));
                }
                out.flush();
                if (console != null && PinSources.isTerminal(console)) {
                    console.readLine("press Enter when share %d is written down and checked: ", s.index());
                    out.print("\033[2J\033[3J\033[H");
                    out.flush();
                }
            }
        }
    }

    @Command(name = "restore", mixinStandardHelpOptions = true,
            header = "Rebuild a ceremony's key from its shares and import it into a new token.",
            description = {"Rebuild a ceremony's key from any M of its shares and import it into the token of --key (a new or",
                    "replacement token). Refuses shares of different ceremonies, shares that fail their checksum, and a key",
                    "whose fingerprint differs from the one the ledger recorded for the ceremony. Recorded in the ledger."})
    static final class Restore implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--key", paramLabel = "URI", defaultValue = KeyUri.DEFAULT, description = KeyCommand.KEY_DESCRIPTION)
        String key;

        @Mixin
        ShareInputs inputs;

        @Mixin
        LedgerCommand.LedgerPath where;

        @Mixin
        TokenOptions token;

        @Override
        public Integer call() {
            KeyUri uri = KeyUri.parse(key);
            uri.object().orElseThrow(() -> new UsageException("key URI " + uri.describe() + " has no object=LABEL: name the key"));
            TokenContext ctx = token.context();
            Ledger ledger = where.ledger();
            List<SeedShares.NamedShare> shares = inputs.read();
            byte[] seed = null;
            try {
                seed = SeedShares.combine(shares);
                Ed25519PublicKey publicKey = new SoftwareEd25519Signer(seed).publicKey();
                KeyShare first = shares.get(0).share();
                inputs.checkRecorded(ledger, first.ceremonyId(), publicKey);
                PrintWriter out = spec.commandLine().getOut();
                LedgerRecord.TokenWritten written = importChecked(uri, ctx, seed, publicKey, out);
                Ledger.Appended a = record(ledger, LedgerRecord.Outcome.RESTORE, publicKey, "restore of ceremony " + first.ceremonyId()
                        + " from shares " + indexes(shares), new LedgerRecord.KeyEvent(first.ceremonyId(), first.threshold(),
                        first.count(), indexes(shares), List.of(written)));
                out.println("restored key " + publicKey.fingerprint() + " of ceremony " + first.ceremonyId() + " into " + written.uri());
                out.println("recorded as ledger record " + a.seq());
                out.flush();
                return Main.EXIT_OK;
            } finally {
                if (seed != null) {
                    Arrays.fill(seed, (byte) 0);
                }
                shares.forEach(s -> s.share().clear());
            }
        }
    }

    @Command(name = "drill", mixinStandardHelpOptions = true,
            header = "Prove the key backup still works: rebuild from shares and check, import nothing.",
            description = {"Prove the backup still works: rebuild the key from M shares and check its fingerprint against the",
                    "ceremony's ledger record, importing nothing. Recorded in the ledger. Run it once a year with the keepers."})
    static final class Drill implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ShareInputs inputs;

        @Mixin
        LedgerCommand.LedgerPath where;

        @Override
        public Integer call() {
            Ledger ledger = where.ledger();
            List<SeedShares.NamedShare> shares = inputs.read();
            byte[] seed = null;
            try {
                seed = SeedShares.combine(shares);
                Ed25519PublicKey publicKey = new SoftwareEd25519Signer(seed).publicKey();
                Arrays.fill(seed, (byte) 0);
                KeyShare first = shares.get(0).share();
                inputs.checkRecorded(ledger, first.ceremonyId(), publicKey);
                Ledger.Appended a = record(ledger, LedgerRecord.Outcome.DRILL, publicKey, "drill of ceremony " + first.ceremonyId()
                        + " with shares " + indexes(shares), new LedgerRecord.KeyEvent(first.ceremonyId(), first.threshold(),
                        first.count(), indexes(shares), List.of()));
                PrintWriter out = spec.commandLine().getOut();
                out.println("drill passed: shares " + indexes(shares) + " of ceremony " + first.ceremonyId() + " rebuild key "
                        + publicKey.fingerprint() + "; nothing was imported");
                out.println("recorded as ledger record " + a.seq());
                out.flush();
                return Main.EXIT_OK;
            } finally {
                if (seed != null) {
                    Arrays.fill(seed, (byte) 0);
                }
                shares.forEach(s -> s.share().clear());
            }
        }
    }

    /** The --share and --expect-fingerprint options of restore and drill. */
    static final class ShareInputs {
        @Option(names = "--share", paramLabel = "FILE|-", required = true,
                description = "A share file (repeatable, one per share); '-' reads one typed share from the terminal (without echo).")
        List<String> shareArgs = new ArrayList<>();

        @Option(names = "--expect-fingerprint", paramLabel = "FP",
                description = "The key fingerprint the shares must rebuild, for a ledger that has no record of the ceremony "
                        + "(a new laptop): take it from the ceremony's paper record.")
        String expectFingerprint;

        private BufferedReader stdin;

        List<SeedShares.NamedShare> read() {
            List<SeedShares.NamedShare> out = new ArrayList<>();
            int typed = 0;
            for (String arg : shareArgs) {
                if (arg.equals("-")) {
                    typed++;
                    out.add(new SeedShares.NamedShare("typed share " + typed, readTyped(typed)));
                } else {
                    out.add(new SeedShares.NamedShare(arg, ShareFile.read(Path.of(arg))));
                }
            }
            return out;
        }

        private KeyShare readTyped(int n) {
            Console console = System.console();
            String line;
            if (console != null && PinSources.isTerminal(console)) {
                char[] chars = console.readPassword("type share %d (the code, groups of 4): ", n);
                if (chars == null) {
                    throw new UsageException("no share was typed: run the command again");
                }
                line = new String(chars);
                Arrays.fill(chars, '\0');
            } else {
                try {
                    if (stdin == null) {
                        stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
                    }
                    line = stdin.readLine();
                } catch (IOException e) {
                    throw new EnvironmentException("cannot read a typed share: " + AtomicFile.describe(e));
                }
                if (line == null) {
                    throw new UsageException("typed share " + n + " is missing: standard input ended; give one line per '-'");
                }
            }
            String code = line.strip();
            if (code.toLowerCase(Locale.ROOT).startsWith("code ")) {
                code = code.substring(5);
            }
            try {
                return ShareCode.decode(code);
            } catch (RejectedException e) {
                throw new RejectedException("typed share " + n + ": " + e.getMessage());
            }
        }

        /** The rebuilt key must be the one the ledger recorded for the ceremony, or the one the operator expects. */
        void checkRecorded(Ledger ledger, String ceremonyId, Ed25519PublicKey rebuilt) {
            Optional<LedgerRecord> ceremony = ledger.records().stream()
                    .filter(r -> r.outcome() == LedgerRecord.Outcome.CEREMONY && r.keyEvent() != null
                            && ceremonyId.equals(r.keyEvent().ceremonyId()))
                    .reduce((a, b) -> b);
            if (ceremony.isPresent()) {
                if (!rebuilt.hex().equals(ceremony.get().publicKey())) {
                    throw new RejectedException("the shares rebuild key " + rebuilt.fingerprint() + " but ceremony " + ceremonyId
                            + " recorded key " + ceremony.get().key() + " (ledger record " + ceremony.get().seq()
                            + "): one share is not genuine; nothing was imported");
                }
            } else if (expectFingerprint == null) {
                throw new UsageException("ledger " + ledger.path() + " has no record of ceremony " + ceremonyId
                        + ": pass --expect-fingerprint FP from the ceremony's paper record, or --ledger PATH of the ceremony's ledger");
            }
            if (expectFingerprint != null && !rebuilt.fingerprint().equalsIgnoreCase(expectFingerprint.strip())) {
                throw new RejectedException("the shares rebuild key " + rebuilt.fingerprint() + ", not the expected "
                        + TerminalText.quoted(expectFingerprint) + ": nothing was imported");
            }
        }
    }

    /** Imports the seed and proves the token now signs as the seed does; returns the token for the ledger. */
    static LedgerRecord.TokenWritten importChecked(KeyUri uri, TokenContext ctx, byte[] seed, Ed25519PublicKey publicKey,
                                                   PrintWriter out) {
        try (RememberedPin pins = new RememberedPin(PinSources.forUser(uri, ctx))) {
            TokenKeys.CreatedKey created = TokenKeys.importSeed(uri, ctx, pins, seed);
            try (TokenKey k = TokenKey.open(uri, ctx, pins)) {
                if (!k.publicKey().equals(publicKey)) {
                    throw new EnvironmentException("token '" + created.tokenLabel() + "' shows public key " + k.publicKey().fingerprint()
                            + " after importing key " + publicKey.fingerprint() + ": remove " + created.uri() + " and check the token");
                }
                if (k.extractable()) {
                    throw new EnvironmentException("token '" + created.tokenLabel() + "' made the imported key extractable: "
                            + "remove " + created.uri() + " and use a token that honours CKA_EXTRACTABLE=false");
                }
                byte[] digest = Hashes.sha256(CHALLENGE);
                if (!publicKey.verify(digest, k.signer().sign(digest))) {
                    throw new EnvironmentException("token '" + created.tokenLabel() + "' does not sign as the imported key: remove "
                            + created.uri() + " and check the token");
                }
                out.println("imported into token '" + created.tokenLabel() + "' serial " + k.tokenSerial() + " as " + created.uri()
                        + " (sensitive, not extractable; signs as the seed)");
                out.flush();
                return new LedgerRecord.TokenWritten(k.tokenSerial(), created.tokenLabel(), created.uri());
            }
        }
    }

    static Ledger.Appended record(Ledger ledger, LedgerRecord.Outcome outcome, Ed25519PublicKey key, String source,
                                  LedgerRecord.KeyEvent event) {
        return ledger.append(history -> LedgerRecord.keyEvent(outcome, key.fingerprint(), key.hex(), source, event));
    }

    static List<Integer> indexes(List<SeedShares.NamedShare> shares) {
        return shares.stream().map(s -> s.share().index()).toList();
    }

    private static void checkDistinctFolders(List<Path> dirs) {
        Set<Path> seen = new HashSet<>();
        for (Path d : dirs) {
            if (!Files.isDirectory(d)) {
                throw new UsageException("share folder " + d + " does not exist: mount the medium or create the folder first");
            }
            Path real;
            try {
                real = d.toRealPath();
            } catch (IOException e) {
                throw new EnvironmentException("cannot resolve share folder " + d + ": " + AtomicFile.describe(e));
            }
            if (!seen.add(real)) {
                throw new UsageException("share folder " + d + " is given twice: each share needs its own medium");
            }
        }
    }

    private static SecureRandom strongRandom() {
        try {
            return SecureRandom.getInstanceStrong();
        } catch (NoSuchAlgorithmException e) {
            throw new EnvironmentException("this Java has no strong random source (securerandom.strongAlgorithms): fix the JDK");
        }
    }

    /** Asks its source once and hands out copies, so a typed PIN is typed once per token; cleared on close. */
    private static final class RememberedPin implements PinSource, AutoCloseable {
        private final PinSource source;
        private byte[] pin;

        RememberedPin(PinSource source) {
            this.source = source;
        }

        @Override
        public byte[] pin(String what) {
            if (pin == null) {
                pin = source.pin(what);
            }
            return pin.clone();
        }

        @Override
        public void close() {
            if (pin != null) {
                Arrays.fill(pin, (byte) 0);
            }
        }
    }
}
