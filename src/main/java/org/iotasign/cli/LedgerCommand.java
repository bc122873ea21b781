package org.iotasign.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;

import org.iotasign.EnvironmentException;
import org.iotasign.RejectedException;
import org.iotasign.io.TerminalText;
import org.iotasign.ledger.AnchorStatus;
import org.iotasign.ledger.Ledger;
import org.iotasign.ledger.LedgerCheck;
import org.iotasign.ledger.LedgerRecord;
import org.iotasign.policy.SigningPolicy;
import org.iotasign.release.FirmwareLimit;
import org.iotasign.signing.SigningDesk;
import org.iotasign.signing.SigningKey;
import org.iotasign.token.KeyUri;
import org.iotasign.token.PinSources;
import org.iotasign.token.SoftHsmStore;
import org.iotasign.token.TokenContext;
import org.iotasign.token.TokenKey;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "ledger", mixinStandardHelpOptions = true,
        header = "Show, verify or recover the signing ledger.",
        description = {"Show, verify or recover the signing ledger: one JSON line per signature, repeat, refusal, declined or abandoned",
                "request or recovery, each holding the SHA-256 of the one before, anchored on the signing token (docs/usb-workflow.md)."},
        subcommands = {LedgerCommand.Show.class, LedgerCommand.Verify.class, LedgerCommand.Recover.class})
final class LedgerCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: show, verify or recover");
    }

    static final class LedgerPath {
        @Option(names = "--ledger", paramLabel = "PATH",
                description = "The ledger file. Default: ledger.jsonl in IOTASIGN_HOME (~/.local/share/iotasign when unset).")
        Path path;

        Ledger ledger() {
            return new Ledger(path != null ? path : Ledger.defaultPath(SoftHsmStore.home(TokenContext.fromEnvironment())));
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            header = "List the ledger's records, one line each.",
            description = "List the ledger's records, one line each (seq, time, outcome, version, blob fingerprint, key, confirmation, overrides, reasons).")
    static final class Show implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @CommandLine.Mixin
        LedgerPath where;

        @Option(names = "--last", paramLabel = "N", description = "Show only the last N records.")
        Integer last;

        @Override
        public Integer call() {
            if (last != null && last < 1) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--last takes a number of records of 1 or more, not "
                        + last + ": e.g. --last 5");
            }
            Ledger ledger = where.ledger();
            LedgerCheck check = ledger.check();
            PrintWriter out = spec.commandLine().getOut();
            List<LedgerRecord> records = check.records();
            int from = last == null ? 0 : Math.max(0, records.size() - last);
            out.println("ledger " + ledger.path() + ": " + records.size() + " records, head " + check.headHash());
            for (LedgerRecord r : records.subList(from, records.size())) {
                StringBuilder sb = new StringBuilder();
                sb.append(String.format("%5d  %s  %-9s %-8s %s  key %s  token %s", r.seq(), r.time(), r.outcome().id(),
                        r.version() == null ? "-" : TerminalText.quoted(r.version()), r.digest() == null ? "-" : r.digest().substring(0, 16),
                        r.key(), TerminalText.quoted(r.tokenSerial())));
                if (r.confirmation() != null) {
                    sb.append("  confirmed ").append(r.confirmation());
                }
                if (r.repeatOf() != null) {
                    sb.append("  repeat of ").append(r.repeatOf());
                }
                if (r.count() != null) {
                    sb.append("  x").append(r.count()).append(" requests");
                }
                if (r.continues() != null) {
                    sb.append("  lost records ").append(r.continues().lostFrom()).append("..").append(r.continues().lostTo())
                            .append(" (anchor ").append(r.continues().anchorCount()).append(" records, head ")
                            .append(r.continues().anchorHead(), 0, 16).append(")");
                }
                if (!r.overrides().isEmpty()) {
                    sb.append("  overrides ").append(String.join(" ", r.overrides()));
                }
                out.println(sb);
                r.reasons().forEach(x -> out.println("       reason: " + TerminalText.line(x)));
                if (r.keyEvent() != null) {
                    LedgerRecord.KeyEvent e = r.keyEvent();
                    out.println(TerminalText.line("       ceremony " + e.ceremonyId() + ": " + e.threshold() + " of " + e.shares()
                            + " shares, shares " + e.shareIndexes() + ", tokens " + (e.tokens().isEmpty() ? "none" : String.join(", ",
                            e.tokens().stream().map(t -> TerminalText.quoted(t.label()) + " serial " + TerminalText.quoted(t.serial())).toList()))));
                }
                out.println("       source: " + TerminalText.quoted(r.source()));
            }
            check.verdict().ifPresent(v -> out.println("ledger does not verify: " + TerminalText.line(v) + fix(ledger, check)));
            out.flush();
            return check.verdict().isPresent() ? Main.EXIT_REJECTED : Main.EXIT_OK;
        }
    }

    /** The exact repair for a torn last line, appended to its verdict. */
    static String fix(Ledger ledger, LedgerCheck check) {
        if (check.problem().isPresent() || check.tornTail().length == 0) {
            return "";
        }
        long complete;
        try {
            complete = java.nio.file.Files.size(ledger.path()) - check.tornTail().length;
        } catch (java.io.IOException e) {
            return "";
        }
        return "; fix: free space on the ledger's disk and the next record keeps these bytes (nothing to do by hand), or drop them"
                + " now with 'truncate -s " + complete + " " + ledger.path() + "'";
    }

    /** Where the token that anchors the ledger is: the signing key's URI and the token options. */
    static final class AnchorToken {
        @Option(names = "--key", paramLabel = "URI", defaultValue = KeyUri.DEFAULT, description = KeyCommand.KEY_DESCRIPTION
                + " Its token holds the ledger's anchor.")
        String key;

        @CommandLine.Mixin
        TokenOptions token;

        TokenKey open() {
            KeyUri uri = KeyUri.parse(key);
            TokenContext ctx = token.context();
            return TokenKey.open(uri, ctx, PinSources.forUser(uri, ctx));
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            header = "Check the ledger's hash chain and its anchor on the token.",
            description = {"Walk the hash chain and name the first bad record: an edited, removed, reordered, duplicated or",
                    "truncated record. With the signing token present (--key; asks for its PIN) also check the file against the",
                    "token's anchor: a deleted, truncated, replaced or forked ledger. With --head (the ledgerHead of a receipt)",
                    "also prove that the ledger still contains that record. Exit 0 intact, 1 not."})
    static final class Verify implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @CommandLine.Mixin
        LedgerPath where;

        @CommandLine.Mixin
        AnchorToken anchorToken;

        @Option(names = "--no-token", description = "Check the file alone, without looking for the token's anchor.")
        boolean noToken;

        @Option(names = "--head", paramLabel = "HASH",
                description = "A ledger head hash the ledger must contain (from a receipt's ledgerHead, repeatable).")
        List<String> heads = List.of();

        @Override
        public Integer call() {
            for (String head : heads) {
                if (!head.matches("[0-9a-fA-F]{64}")) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "--head takes a record hash of 64 hex digits (a "
                            + "receipt's ledgerHead); one of the values given is not");
                }
            }
            Ledger ledger = where.ledger();
            LedgerCheck check = ledger.check();
            if (check.verdict().isPresent()) {
                throw new RejectedException("ledger " + ledger.path() + " does not verify: " + check.verdict().get() + fix(ledger, check));
            }
            String anchorNote = "";
            boolean exists = ledger.exists();
            if (noToken) {
                anchorNote = "not checked against the token's anchor (--no-token)";
            } else {
                TokenKey key;
                try {
                    key = anchorToken.open();
                } catch (EnvironmentException e) {
                    key = null;
                    anchorNote = "not checked against the token's anchor: " + e.getMessage();
                }
                if (key != null) {
                    try (TokenKey k = key) {
                        AnchorStatus status = ledger.anchoredTo(SigningKey.of(k).anchor()).anchorStatus(check);
                        if (!status.consistent()) {
                            throw new RejectedException("ledger " + ledger.path() + " does not verify against its token: " + status.message());
                        }
                        if (!exists && status.state() != AnchorStatus.State.NO_STORE) {
                            PrintWriter out = spec.commandLine().getOut();
                            out.println("ledger " + ledger.path() + " does not exist and " + status.finding()
                                    + ": nothing was recorded with this token yet");
                            out.flush();
                            return Main.EXIT_OK;
                        }
                        anchorNote = status.finding();
                    }
                }
            }
            if (!exists) {
                throw new RejectedException("ledger " + ledger.path() + " does not exist: nothing was verified (" + anchorNote
                        + "); if this laptop has signed before, the ledger was deleted: check with the signing token present");
            }
            for (String head : heads) {
                if (check.records().stream().noneMatch(r -> r.hash().equalsIgnoreCase(head))) {
                    throw new RejectedException("ledger " + ledger.path() + " does not contain head " + head
                            + ": records were removed from its end or it was rewritten (it has " + check.records().size() + " records)");
                }
            }
            PrintWriter out = spec.commandLine().getOut();
            out.println("ledger " + ledger.path() + " verifies: " + check.records().size() + " records, head " + check.headHash()
                    + (heads.isEmpty() ? "" : ", contains " + heads.size() + " given head(s)") + "; " + anchorNote);
            out.flush();
            return Main.EXIT_OK;
        }
    }

    @Command(name = "recover", mixinStandardHelpOptions = true,
            header = "Record, on the token's authority, that ledger records were lost.",
            description = {"Record that the ledger lost records its signing token anchors (the file was deleted, truncated,",
                    "replaced or forked) and continue it: asks for the token's PIN, appends a 'recovered' record naming the",
                    "anchor and the lost records to what the file still holds (a new file when it is gone), and moves the",
                    "anchor to it. Put the ledger back from a backup instead when you have one that holds the anchored record."})
    static final class Recover implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @CommandLine.Mixin
        LedgerPath where;

        @CommandLine.Mixin
        AnchorToken anchorToken;

        @Override
        public Integer call() {
            Ledger ledger = where.ledger();
            PrintWriter out = spec.commandLine().getOut();
            try (TokenKey key = anchorToken.open()) {
                SigningDesk desk = new SigningDesk(SigningKey.of(key), ledger, new SigningPolicy(Set.of()), FirmwareLimit.DEFAULT);
                Optional<Ledger.Appended> done = desk.recover("ledger recover");
                if (done.isEmpty()) {
                    out.println("ledger " + ledger.path() + " holds what " + key.tokenLabel() + " anchors: nothing to recover ("
                            + desk.ledger().anchorStatus(ledger.check()).finding() + ")");
                } else {
                    LedgerRecord r = done.get().record();
                    out.println("recorded the loss of ledger records " + r.continues().lostFrom() + ".." + r.continues().lostTo()
                            + " as record " + r.seq() + " (recovered) of " + ledger.path() + "; the token now anchors "
                            + r.seq() + " records, head " + r.hash() + "; signing may continue");
                }
                out.flush();
                return Main.EXIT_OK;
            }
        }
    }
}
