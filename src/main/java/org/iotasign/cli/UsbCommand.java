package org.iotasign.cli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.iotasign.UsageException;
import org.iotasign.io.TerminalText;
import org.iotasign.signing.Operator;
import org.iotasign.signing.SigningDesk;
import org.iotasign.token.TokenKey;
import org.iotasign.usb.DriveProcessor;
import org.iotasign.usb.DriveReport;
import org.iotasign.usb.DriveWatcher;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "usb", mixinStandardHelpOptions = true,
        header = "Sign the unsigned blobs on a signing drive, with review, policy and receipts.",
        description = {"Sign the unsigned blobs on a signing drive: iotasign/outbox/*.unsigned in, iotasign/signed/<version>.bin",
                "plus <version>.bin.receipt.json out, iotasign/rejected/<name>.reason.txt for refusals (docs/usb-workflow.md).",
                "Each blob is reviewed on the terminal (version, entries, digest fingerprint to compare with 'iotasign pack',",
                "image header, OTA space, embedded keys, previous version signed and what changed, policy) and signed only when",
                "the operator types its version (or with --yes). Inputs are never modified; nothing is overwritten; a blob",
                "already signed is not offered again. Every signature and refusal goes to the signing ledger first. The drive is",
                "safe to remove once every output was re-read and verified. Exit 0: all signed; 1: something was refused,",
                "declined or ignored; 3: the pass stopped (drive, token or ledger problem) and can be run again to finish."})
final class UsbCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    static final class Source {
        @Option(names = "--drive", paramLabel = "PATH", required = true,
                description = "Process the drive (or folder standing in for one) mounted at PATH, once.")
        Path drive;

        @Option(names = "--watch", required = true,
                description = "Wait for drives to be mounted under the mount roots and process each one as it appears.")
        boolean watch;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--mount-root", paramLabel = "DIR",
            description = "With --watch: where drives appear as DIR/<drive> (repeatable). Default: /media/$USER and /run/media/$USER.")
    List<Path> mountRoots = new ArrayList<>();

    @Option(names = "--interval", paramLabel = "MS", defaultValue = "1000",
            description = "With --watch: milliseconds between looks at the mount roots (default ${DEFAULT-VALUE}).")
    long intervalMs;

    @Option(names = "--max-drives", paramLabel = "N", defaultValue = "0",
            description = "With --watch: stop after N drives (default 0: until Ctrl-C).")
    int maxDrives;

    @Option(names = "--yes",
            description = "Unattended batch: sign everything the policy allows without asking. Recorded in the ledger as 'yes-flag'.")
    boolean yes;

    @Mixin
    SigningOptions signing;

    @Override
    public Integer call() throws InterruptedException {
        if (source.drive != null && (!mountRoots.isEmpty() || maxDrives != 0)) {
            throw new UsageException("--mount-root and --max-drives go with --watch, not --drive");
        }
        if (intervalMs < 10 || maxDrives < 0) {
            throw new UsageException("--interval must be at least 10 ms and --max-drives 0 or more");
        }
        PrintWriter out = spec.commandLine().getOut();
        Operator operator = yes ? Operator.unattended()
                : Operator.typingVersion(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)), out);
        try (TokenKey key = signing.openKey()) {
            SigningDesk desk = signing.desk(key);
            DriveProcessor processor = new DriveProcessor(desk, operator, out);
            if (source.drive != null) {
                DriveReport report = processor.process(source.drive);
                if (report.fault().isPresent()) {
                    spec.commandLine().getErr().println("iotasign: " + TerminalText.line(report.fault().get()));
                    spec.commandLine().getErr().flush();
                    return Main.EXIT_ENVIRONMENT;
                }
                return report.hasRejections() ? Main.EXIT_REJECTED : Main.EXIT_OK;
            }
            String user = System.getenv().getOrDefault("USER", System.getProperty("user.name"));
            List<Path> roots = mountRoots.isEmpty() ? DriveWatcher.defaultRoots(user) : mountRoots;
            new DriveWatcher(roots, Duration.ofMillis(intervalMs), out).run(processor::process, maxDrives);
            return Main.EXIT_OK;
        }
    }
}
