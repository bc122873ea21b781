package org.iotasign.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import org.iotasign.RejectedException;
import org.iotasign.io.TerminalText;
import org.iotasign.ledger.Ledger;
import org.iotasign.ledger.LedgerCheck;
import org.iotasign.ledger.LedgerRecord;
import org.iotasign.token.SoftHsmStore;
import org.iotasign.token.TokenContext;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "ledger", mixinStandardHelpOptions = true,
        description = {"Show or verify the signing ledger: one JSON line per signature, repeat, refusal, declined or abandoned request,",
                "each holding the SHA-256 of the one before (docs/usb-workflow.md)."},
        subcommands = {LedgerCommand.Show.class, LedgerCommand.Verify.class})
final class LedgerCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: show or verify");
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
            check.verdict().ifPresent(v -> out.println("ledger does not verify: " + TerminalText.line(v)));
            out.flush();
            return check.verdict().isPresent() ? Main.EXIT_REJECTED : Main.EXIT_OK;
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = {"Walk the hash chain and name the first bad record: an edited, removed, reordered, duplicated or",
                    "truncated record. With --head (the ledgerHead of a receipt or a published head) also prove that the ledger",
                    "still contains that record, which detects records removed from the end. Exit 0 intact, 1 not."})
    static final class Verify implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @CommandLine.Mixin
        LedgerPath where;

        @Option(names = "--head", paramLabel = "HASH",
                description = "A ledger head hash the ledger must contain (from a receipt's ledgerHead, repeatable).")
        List<String> heads = List.of();

        @Override
        public Integer call() {
            Ledger ledger = where.ledger();
            LedgerCheck check = ledger.check();
            if (check.verdict().isPresent()) {
                throw new RejectedException("ledger " + ledger.path() + " does not verify: " + check.verdict().get());
            }
            for (String head : heads) {
                if (check.records().stream().noneMatch(r -> r.hash().equalsIgnoreCase(head))) {
                    throw new RejectedException("ledger " + ledger.path() + " does not contain head " + head
                            + ": records were removed from its end or it was rewritten (it has " + check.records().size() + " records)");
                }
            }
            PrintWriter out = spec.commandLine().getOut();
            out.println("ledger " + ledger.path() + " verifies: " + check.records().size() + " records, head " + check.headHash()
                    + (heads.isEmpty() ? "" : ", contains " + heads.size() + " given head(s)"));
            out.flush();
            return Main.EXIT_OK;
        }
    }
}
