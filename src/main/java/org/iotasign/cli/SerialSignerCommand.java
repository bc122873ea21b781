package org.iotasign.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import org.iotasign.EnvironmentException;
import org.iotasign.UsageException;
import org.iotasign.io.Progress;
import org.iotasign.io.TerminalText;
import org.iotasign.seriallink.DeskSigningService;
import org.iotasign.seriallink.SerialPortLink;
import org.iotasign.seriallink.SerialSigner;
import org.iotasign.seriallink.SignerConsole;
import org.iotasign.seriallink.SignerListener;
import org.iotasign.seriallink.SignerSettings;
import org.iotasign.seriallink.Verdict;
import org.iotasign.signing.Operator;
import org.iotasign.signing.SigningDesk;
import org.iotasign.token.TokenKey;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "serial-signer", mixinStandardHelpOptions = true,
        header = "Serve signing requests from a bridge on a serial port.",
        description = "Serve signing requests from a bridge on a serial port (docs/serial-link.md), one after another "
                + "until stopped with Ctrl-C. Each blob is hashed as it arrives, then gets the review, policy and ledger of "
                + "the USB workflow (compare the digest fingerprint with the build machine's); the operator confirms by "
                + "typing the version, or --yes signs unattended (recorded in the ledger). Only the 64-byte signature goes "
                + "back. The port is reopened when the adapter reappears; an interrupted transfer resumes.")
final class SerialSignerCommand implements Callable<Integer> {
    /** After the last verdict of --max-requests, keep answering a moment: the bridge may ask for it again. */
    private static final Duration LAST_VERDICT_GRACE = Duration.ofSeconds(2);

    @Spec
    CommandSpec spec;

    @Option(names = "--port", required = true, paramLabel = "DEV",
            description = "Serial port of the cable to the bridge, e.g. /dev/ttyUSB0 (a USB-serial adapter).")
    String port;

    @Option(names = "--baud", defaultValue = "921600", paramLabel = "B",
            description = "Line rate in bits per second; must match the bridge's (default: ${DEFAULT-VALUE}).")
    int baud;

    @Option(names = "--yes",
            description = "Unattended: sign everything the policy allows without asking. Recorded in the ledger as 'yes-flag'.")
    boolean yes;

    @Option(names = "--max-blob", defaultValue = "4194304", paramLabel = "BYTES",
            description = "Largest blob accepted; the signer never holds more (default: ${DEFAULT-VALUE}).")
    int maxBlob;

    @Option(names = "--max-requests", defaultValue = "0", paramLabel = "N",
            description = "Stop after N verdicts (default 0: serve until Ctrl-C).")
    int maxRequests;

    @Mixin
    SigningOptions signing;

    @Override
    public Integer call() {
        if (baud <= 0 || maxBlob <= 0 || maxRequests < 0) {
            throw new UsageException("--baud and --max-blob must be positive, --max-requests 0 or more");
        }
        PrintWriter out = spec.commandLine().getOut();
        boolean terminal = Progress.stdoutIsTerminal();
        Operator operator = yes ? Operator.unattended()
                : Operator.typingVersion(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)), out);
        // Fail now, with the port's own message, if it is missing: later losses are retried.
        SerialPortLink.open(port, baud).close();
        try (TokenKey key = signing.openKey()) {
            SignerConsole console = new SignerConsole(out, terminal);
            SigningDesk desk = signing.desk(key);
            desk.warmUp();
            DeskSigningService service = new DeskSigningService(desk, operator, out, "serial:" + port, console);
            AtomicInteger verdicts = new AtomicInteger();
            AtomicLong lastVerdictAt = new AtomicLong();
            AtomicBoolean stop = new AtomicBoolean();
            SignerListener counting = new SignerListener() {
                @Override
                public void verdict(int transfer, Verdict verdict) {
                    if (maxRequests > 0 && verdicts.incrementAndGet() >= maxRequests) {
                        lastVerdictAt.set(System.nanoTime());
                    }
                }
            };
            BooleanSupplier done = () -> stop.get()
                    || lastVerdictAt.get() != 0 && System.nanoTime() - lastVerdictAt.get() > LAST_VERDICT_GRACE.toNanos();
            SignerSettings settings = SignerSettings.defaults().withMaxBlobBytes(maxBlob);
            try (SerialSigner signer = new SerialSigner(service, service, key.publicKey(), settings,
                    SignerListener.both(console, counting))) {
                out.println("serial signer on " + TerminalText.quoted(port) + " at " + baud + " baud with key " + key.publicKey().fingerprint()
                        + (yes ? " (unattended: --yes)" : "") + "; waiting for a bridge (Ctrl-C to stop)");
                out.flush();
                serveUntilStopped(signer, done, stop);
            }
        }
        out.println("serial signer stopped");
        out.flush();
        return Main.EXIT_OK;
    }

    /** Ctrl-C ends the loop between frames, so a transfer is never cut inside the signer's own state. */
    private void serveUntilStopped(SerialSigner signer, BooleanSupplier done, AtomicBoolean stop) {
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.set(true);
            try {
                stopped.await(2, TimeUnit.SECONDS);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        });
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            signer.run(() -> {
                try {
                    return SerialPortLink.open(port, baud);
                } catch (EnvironmentException e) {
                    throw new IOException(Hints.message(e), e);
                }
            }, done, Duration.ofSeconds(1));
        } finally {
            // Closed before the hook lets the JVM exit: a transfer cut by Ctrl-C gets its ledger record.
            signer.close();
            stopped.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // The hook is running and has seen the latch.
            }
        }
    }
}
