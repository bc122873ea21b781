package org.iotasign.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.iotasign.EnvironmentException;
import org.iotasign.UsageException;
import org.iotasign.crypto.Ed25519PublicKey;
import org.iotasign.io.AtomicFile;
import org.iotasign.io.Progress;
import org.iotasign.io.TerminalText;
import org.iotasign.release.DeviceVerdict;
import org.iotasign.release.DeviceVerifier;
import org.iotasign.release.ReleaseBlob;
import org.iotasign.seriallink.BridgeListener;
import org.iotasign.seriallink.BridgeResult;
import org.iotasign.seriallink.BridgeSettings;
import org.iotasign.seriallink.Protocol;
import org.iotasign.seriallink.SerialBridge;
import org.iotasign.seriallink.SerialPortLink;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "bridge", mixinStandardHelpOptions = true,
        header = "Hand unsigned blobs to a serial signer over a cable and get signatures back.",
        description = "The build-machine side of the serial link: hand unsigned blobs over a serial cable to a "
                + "signer running 'iotasign serial-signer' and get signatures back (docs/serial-link.md).",
        subcommands = BridgeCommand.Submit.class)
final class BridgeCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Option(names = "--port", paramLabel = "DEV",
            description = "Serial port connected to the signer, e.g. /dev/ttyUSB0 (a USB-serial adapter) or a pseudo-terminal (required).")
    String port;

    @Option(names = "--baud", defaultValue = "921600", paramLabel = "B",
            description = "Line rate in bits per second; must match the signer's --baud (default: ${DEFAULT-VALUE}).")
    int baud;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a bridge command is required (submit)");
    }

    @Command(name = "submit", mixinStandardHelpOptions = true,
            header = "Send an unsigned blob to the serial signer and write the signed blob.",
            description = "Send IN (an unsigned blob made by 'iotasign pack') to the signer, wait for its review and "
                    + "verdict, append the signature, check the result the device's way against the signer's key, "
                    + "and write OUT atomically. Interrupted transfers resume when the same blob is submitted again. "
                    + "Exit 1 when the signer refuses (its reason is printed), 3 when it cannot be reached.")
    static final class Submit implements Callable<Integer> {
        @ParentCommand
        BridgeCommand parent;

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "IN", description = "The unsigned release blob.")
        Path in;

        @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT",
                description = "Where to write the signed blob (not overwritten unless --force).")
        Path out;

        @Option(names = "--pubkey", paramLabel = "KEY",
                description = "Expect the signer to hold this key (hex or a key file); without it the key the signer presents is used and shown.")
        String pubkey;

        @Option(names = "--force", description = "Replace OUT if it exists.")
        boolean force;

        @Option(names = "--window", paramLabel = "N",
                description = "Chunks in flight before an acknowledgement (1 = stop-and-wait; default: 16 KiB in flight, e.g. 16 chunks"
                        + " of 1 KiB at 115200 baud, 2 of 8 KiB at 921600).")
        Integer window;

        @Mixin
        FirmwareLimitOptions limits;

        @Override
        public Integer call() {
            if (parent.port == null) {
                throw new UsageException("--port is required: give the serial port connected to the signer, e.g. 'iotasign bridge --port /dev/ttyUSB0 submit ...'");
            }
            if (parent.baud <= 0) {
                throw new UsageException("--baud must be a positive line rate, e.g. 921600");
            }
            if (window != null && (window < 1 || window > Protocol.MAX_WINDOW)) {
                throw new UsageException("--window must be between 1 and 32");
            }
            Ed25519PublicKey pinned = pubkey == null ? null : KeyArguments.publicKey(pubkey);
            CliFiles.existingFile(in);
            if (!force && Files.exists(out, LinkOption.NOFOLLOW_LINKS)) {
                // Checked before the transfer too, so no signature is spent on a file that cannot be written.
                throw new UsageException(out + " already exists: choose another output name or pass --force to replace it");
            }
            byte[] unsigned = ReleaseBlob.readBytes(in);
            ReleaseBlob parsed = ReleaseBlob.parseUnsigned(unsigned, limits.limit());
            PrintWriter stdout = spec.commandLine().getOut();
            Progress progress = new Progress("sending", unsigned.length, stdout, Progress.stdoutIsTerminal(), System::nanoTime);
            stdout.println("blob " + TerminalText.quoted(in.getFileName().toString()) + ": version " + TerminalText.quoted(parsed.version()) + ", " + unsigned.length
                    + " bytes, digest " + parsed.digestFingerprint());
            stdout.flush();
            BridgeListener listener = new BridgeListener() {
                @Override
                public void status(String line) {
                    progress.line(TerminalText.line(line)); // may quote the signer's words
                }

                @Override
                public void progress(long acknowledgedBytes, long totalBytes) {
                    progress.update(acknowledgedBytes);
                }
            };
            BridgeSettings line = BridgeSettings.forLine(parent.baud);
            AtomicBoolean openedOnce = new AtomicBoolean();
            SerialBridge bridge = new SerialBridge(() -> {
                try {
                    SerialPortLink link = SerialPortLink.open(parent.port, parent.baud);
                    openedOnce.set(true);
                    return link;
                } catch (EnvironmentException e) {
                    if (!openedOnce.get()) {
                        throw e;
                    }
                    // The adapter was unplugged mid-transfer: keep trying until the bridge gives up.
                    throw new IOException(Hints.message(e), e);
                }
            },
                    window == null ? line : line.withWindow(window), listener, pinned);
            BridgeResult result = submitCancellable(bridge, unsigned);
            progress.finish();

            byte[] signed = ReleaseBlob.withSignature(unsigned, result.signature());
            DeviceVerdict check = DeviceVerifier.verify(signed, result.signerKey(), null, limits.limit());
            if (!check.deviceAccepts()) {
                throw new EnvironmentException("the signed blob does not pass the device's check under key "
                        + result.signerKey().fingerprint() + " (" + check.explanation() + "): nothing was written");
            }
            AtomicFile.write(out, signed, force);
            stdout.println("signed " + TerminalText.of(parsed.version()) + " (digest " + parsed.digestFingerprint() + ") with key "
                    + result.signerKey().fingerprint() + "; verified the device's way; wrote " + out);
            for (String w : check.findings().problems()) {
                stdout.println("warning: " + TerminalText.line(w));
            }
            stdout.flush();
            return 0;
        }

        /** Ctrl-C tells the signer to drop the partial transfer before the process ends. */
        private static BridgeResult submitCancellable(SerialBridge bridge, byte[] blob) {
            CountDownLatch finished = new CountDownLatch(1);
            Thread hook = new Thread(() -> {
                bridge.cancel();
                try {
                    finished.await(2, TimeUnit.SECONDS);
                } catch (InterruptedException ignored) {
                    Thread.currentThread().interrupt();
                }
            });
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                return bridge.submit(blob);
            } finally {
                finished.countDown();
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // The hook is running: it has seen the latch.
                }
            }
        }
    }
}
