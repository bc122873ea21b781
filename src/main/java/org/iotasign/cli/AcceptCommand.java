package org.iotasign.cli;

import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.iotasign.RejectedException;
import org.iotasign.UsageException;
import org.iotasign.crypto.Ed25519PublicKey;
import org.iotasign.espflash.AcceptanceRun;
import org.iotasign.espflash.AfterMode;
import org.iotasign.espflash.FlashSession;
import org.iotasign.espflash.JSerialCommTransport;
import org.iotasign.espflash.ResetMode;
import org.iotasign.espflash.Timings;
import org.iotasign.io.AtomicFile;
import org.iotasign.io.Progress;
import org.iotasign.io.TerminalText;
import org.iotasign.release.DeviceVerdict;
import org.iotasign.release.DeviceVerifier;
import org.iotasign.release.ReleaseBlob;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "accept", mixinStandardHelpOptions = true,
        header = "Check a release on a test ESP8266 end to end: flash, boot, update over the air.",
        description = {"Device-in-the-loop acceptance of a release on a test ESP8266 (or 'iotasign devsim'):",
                "check the update site offers NEW to the device's class, flash OLD over serial, watch it boot with its",
                "version, then watch it download NEW, verify the signature, upgrade and reboot into NEW. Each step is",
                "reported with its time. With --expect-refusal, NEW is a tampered release the device must refuse",
                "('Signature does not verify'). Exit 0 accepted, 1 a step failed, 2 usage, 3 port/site problem."})
final class AcceptCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--port", required = true, paramLabel = "DEV", description = "Serial port of the test device (or the devsim pty).")
    String port;

    @Option(names = "--baud", defaultValue = "115200", paramLabel = "BAUD", description = "Serial rate for flashing and the console (default 115200).")
    int baud;

    @Option(names = "--before", defaultValue = "default_reset", paramLabel = "MODE",
            description = "default_reset (DTR/RTS) or no_reset (chip already in the loader; on a devsim pty the SYNC resets it).")
    String before;

    @Option(names = "--after", defaultValue = "hard_reset", paramLabel = "MODE",
            description = "How OLD is started after flashing: hard_reset (RTS) or soft_reset (loader command; needed on a pty).")
    String after;

    @Option(names = "--site", required = true, paramLabel = "DIR", description = "The update site folder the test bench's update host serves.")
    Path site;

    @Option(names = "--update-server", paramLabel = "URL",
            description = "The update host the device asks (http://HOST:PORT); when given, it must serve NEW too.")
    URI server;

    @Option(names = "--class", defaultValue = "MINOR", paramLabel = "CLASS", description = "The device's auto-update class (default MINOR).")
    String updateClass;

    @Option(names = "--from", required = true, paramLabel = "OLD.bin", description = "Signed release flashed first.")
    Path from;

    @Option(names = "--to", required = true, paramLabel = "NEW.bin", description = "Signed release the device must take over the air.")
    Path to;

    @Option(names = "--pubkey", required = true, paramLabel = "KEY", description = "The release key (hex, or a file in hex, PEM, C-array or raw form).")
    String pubkey;

    @Option(names = "--expect-refusal", description = "NEW is tampered: pass only if the device refuses it.")
    boolean expectRefusal;

    @Option(names = "--timeout", defaultValue = "180", paramLabel = "S", description = "Seconds to watch the console after flashing (default 180).")
    long timeout;

    @Option(names = "--transcript", paramLabel = "FILE", description = "Save the console bytes received to FILE (new file, or --force).")
    Path transcript;

    @Option(names = "--force", description = "Replace an existing --transcript file.")
    boolean force;

    @Mixin
    FirmwareLimitOptions limits;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        ResetMode beforeMode;
        AfterMode afterMode;
        try {
            beforeMode = ResetMode.parse(before);
            afterMode = AfterMode.parse(after);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        if (afterMode == AfterMode.NO_RESET) {
            throw new UsageException("--after no_reset would leave OLD unstarted: use hard_reset or soft_reset");
        }
        if (transcript != null && Files.exists(transcript) && !force) {
            throw new UsageException(transcript + " already exists: choose another --transcript or pass --force to replace it");
        }
        Ed25519PublicKey key = KeyArguments.publicKey(pubkey);
        CliFiles.existingFile(from);
        CliFiles.existingFile(to);
        DeviceVerdict old = DeviceVerifier.verify(from, key, null, limits.limit());
        if (!old.deviceAccepts() || old.blob().isEmpty()) {
            throw new RejectedException("--from " + from + " does not verify with key " + key.fingerprint() + ": " + old.explanation());
        }
        ReleaseBlob oldBlob = old.blob().get();
        if (!oldBlob.firmwareEmbeds(key)) {
            throw new RejectedException("--from " + from + ": its firmware does not embed key " + key.fingerprint()
                    + ", so the device could not verify NEW: give a release built with this key");
        }
        byte[] newBytes = ReleaseBlob.readBytes(to);
        DeviceVerdict next = DeviceVerifier.verify(to, key, null, limits.limit());
        String newVersion = newVersion(to, next);
        if (expectRefusal == next.deviceAccepts()) {
            throw new UsageException(expectRefusal
                    ? "--to " + to + " verifies with key " + key.fingerprint() + ": --expect-refusal needs a tampered release"
                    : "--to " + to + " is refused by the device's own check (" + next.explanation() + "): fix the release, or pass --expect-refusal");
        }
        AcceptanceRun.Plan plan = new AcceptanceRun.Plan(oldBlob.version(), newVersion, newBytes, updateClass, site, server,
                expectRefusal, timeout * 1000);
        FlashSession.Request request = new FlashSession.Request(port, baud, beforeMode, afterMode, 0, oldBlob.firmware(), Timings.ESPTOOL);
        AcceptanceRun.Report report = AcceptanceRun.run(plan, request, JSerialCommTransport::open, out, Progress.stdoutIsTerminal());
        if (transcript != null) {
            AtomicFile.write(transcript, report.transcript(), force);
        }
        out.println(report.passed()
                ? "ACCEPTED: " + (expectRefusal ? "the device refused the tampered " + newVersion : "the device took " + newVersion + " over the air")
                : "NOT ACCEPTED: " + TerminalText.line(report.reason()));
        out.flush();
        return report.passed() ? 0 : 1;
    }

    /** NEW's version from its header; a tampered blob still walks, so the header is readable. */
    private static String newVersion(Path to, DeviceVerdict verdict) {
        if (verdict.blob().isPresent()) {
            return verdict.blob().get().version();
        }
        return ReleaseBlob.read(to, org.iotasign.release.FirmwareLimit.DEFAULT).version();
    }
}
