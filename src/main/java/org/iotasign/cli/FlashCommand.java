package org.iotasign.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

import org.iotasign.EnvironmentException;
import org.iotasign.RejectedException;
import org.iotasign.UsageException;
import org.iotasign.crypto.Ed25519PublicKey;
import org.iotasign.espflash.AfterMode;
import org.iotasign.espflash.FlashSession;
import org.iotasign.espflash.JSerialCommTransport;
import org.iotasign.espflash.ResetMode;
import org.iotasign.espflash.Timings;
import org.iotasign.espimage.FlashParams;
import org.iotasign.io.AtomicFile;
import org.iotasign.io.Progress;
import org.iotasign.io.TerminalText;
import org.iotasign.release.DeviceVerdict;
import org.iotasign.release.DeviceVerifier;
import org.iotasign.release.Finding;
import org.iotasign.release.Findings;
import org.iotasign.release.ReleaseBlob;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "flash", mixinStandardHelpOptions = true,
        description = {"Write firmware to an ESP8266 through its serial ROM loader (no stub, like esptool --no-stub).",
                "With RELEASE: writes the release's iotawatt.bin at 0x0, only after the release verifies the device's way",
                "against KEY and its firmware embeds KEY. With --raw: writes a plain file at --offset.",
                "Ends with what was written: offset, size and the MD5 of the bytes sent (after any header rewrite).",
                "Exit 0 written, 1 release refused, 2 usage error, 3 port/chip/transfer problem."})
final class FlashCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--port", required = true, paramLabel = "DEV",
            description = "Serial port of the USB-serial adapter (e.g. /dev/ttyUSB0), or the pty of 'iotasign devsim'.")
    String port;

    @Option(names = "--baud", defaultValue = "115200", paramLabel = "BAUD",
            description = "Rate to sync at (default 115200). The ROM measures the rate on SYNC, so a higher rate is tried "
                    + "directly, falling back to 115200 when the chip does not answer.")
    int baud;

    @Option(names = "--before", defaultValue = "default_reset", paramLabel = "MODE",
            description = "default_reset (default): reset into the loader with DTR (GPIO0) and RTS (EN); "
                    + "no_reset: the chip is already in the loader (needed on pseudo-terminals).")
    String before;

    @Option(names = "--after", defaultValue = "hard_reset", paramLabel = "MODE",
            description = "hard_reset (default): pulse RTS (EN) to run the new firmware; soft_reset: ask the loader "
                    + "to run it (works without modem lines); no_reset: stay in the loader.")
    String after;

    @Option(names = "--flash-mode", defaultValue = "keep", paramLabel = "MODE",
            description = "Rewrite header byte 2 at offset 0: keep (default), qio, qout, dio, dout.")
    String flashMode;

    @Option(names = "--flash-size", defaultValue = "keep", paramLabel = "SIZE",
            description = "Rewrite the size nibble of header byte 3 at offset 0: keep (default), 256KB, 512KB, 1MB, 2MB, "
                    + "4MB, 2MB-c1, 4MB-c1, 8MB, 16MB.")
    String flashSize;

    @Option(names = "--flash-freq", defaultValue = "keep", paramLabel = "FREQ",
            description = "Rewrite the frequency nibble of header byte 3 at offset 0: keep (default), 40m, 26m, 20m, 80m.")
    String flashFreq;

    @Option(names = "--pubkey", paramLabel = "KEY",
            description = "Key the release must verify against (64 hex digits, or a file in hex, PEM, C-array or raw form). "
                    + "Required with RELEASE.")
    String pubkey;

    @Option(names = "--allow-missing-key",
            description = "Flash even when the release's firmware does not embed KEY. Such a device cannot verify later "
                    + "updates signed with KEY; use only to install a deliberately different key.")
    boolean allowMissingKey;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    static final class Source {
        @Parameters(paramLabel = "RELEASE", description = "Signed release blob whose iotawatt.bin is written at 0x0.")
        Path release;

        @ArgGroup(exclusive = false)
        Raw raw;
    }

    static final class Raw {
        @Option(names = "--raw", required = true, paramLabel = "FILE", description = "Plain file to write as is (no release checks).")
        Path file;

        @Option(names = "--offset", defaultValue = "0", paramLabel = "ADDR",
                description = "Flash offset for --raw, decimal or 0x-hex, a multiple of 4096 (default 0).")
        String offset;
    }

    @Mixin
    FirmwareLimitOptions limits;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        ResetMode beforeMode = parse(() -> ResetMode.parse(before), "--before");
        AfterMode afterMode = parse(() -> AfterMode.parse(after), "--after");
        if (baud < 300 || baud > 4_000_000) {
            throw new UsageException("--baud " + baud + " is out of range: give a rate such as 115200 or 460800");
        }
        byte[] image;
        int offset;
        String what;
        if (source.release != null) {
            image = verifiedFirmware(source.release, out);
            offset = 0;
            what = "iotawatt.bin of " + source.release.getFileName();
        } else {
            if (pubkey != null || allowMissingKey) {
                throw new UsageException("--pubkey and --allow-missing-key apply to a RELEASE, not to --raw");
            }
            offset = parseOffset(source.raw.offset);
            image = readRaw(source.raw.file);
            what = source.raw.file.getFileName().toString();
        }
        image = fixHeader(image, offset, out);
        out.printf(Locale.ROOT, "flashing %s (%d bytes) at 0x%05x over %s%n", what, image.length, offset, port);
        out.flush();
        FlashSession.Request request = new FlashSession.Request(port, baud, beforeMode, afterMode, offset, image, Timings.ESPTOOL);
        FlashSession.Summary s = FlashSession.run(request, JSerialCommTransport::open, out, Progress.stdoutIsTerminal());
        out.println(TerminalText.line(s.describe()));
        out.printf(Locale.ROOT, "%d bytes on the wire in %.1f s%n", s.wireBytes(), s.result().nanos() / 1e9);
        out.flush();
        return 0;
    }

    private byte[] verifiedFirmware(Path release, PrintWriter out) {
        if (pubkey == null) {
            throw new UsageException("flashing a release needs --pubkey KEY, the key it must verify against");
        }
        CliFiles.existingFile(release);
        Ed25519PublicKey key = KeyArguments.publicKey(pubkey);
        DeviceVerdict verdict = DeviceVerifier.verify(release, key, null, limits.limit());
        if (!verdict.deviceAccepts() || verdict.blob().isEmpty()) {
            throw new RejectedException("release " + release + " refused: " + verdict.explanation());
        }
        ReleaseBlob blob = verdict.blob().get();
        boolean embeds = blob.firmwareEmbeds(key);
        refusal(verdict.findings(), allowMissingKey).ifPresent(why -> {
            throw new RejectedException("release " + release + " refused: " + why);
        });
        if (!embeds && !allowMissingKey) {
            throw new RejectedException("release " + release + " refused: its firmware does not embed key " + key.fingerprint()
                    + ": the device could never verify a later update from this key (pass --allow-missing-key to flash it anyway)");
        }
        out.println("release " + TerminalText.of(blob.version()) + " verified with key " + key.fingerprint()
                + (embeds ? "; its firmware embeds the key" : "; WARNING: its firmware does not embed the key"));
        return blob.firmware();
    }

    /**
     * Why the release must not be flashed, from its problems: every problem refuses it,
     * except firmware that lacks the key when {@code --allow-missing-key} was given.
     */
    static Optional<String> refusal(Findings findings, boolean allowMissingKey) {
        for (Finding p : findings.problemFindings()) {
            boolean isMissingKey = p.code() == Finding.Code.FIRMWARE_LACKS_KEY;
            if (!(isMissingKey && allowMissingKey)) {
                return Optional.of(p.text() + (isMissingKey ? " (pass --allow-missing-key to flash it anyway)" : ""));
            }
        }
        return Optional.empty();
    }

    /** Header bytes 2-3, exactly as esptool rewrites them: offset 0 and a valid image only. */
    private byte[] fixHeader(byte[] image, int offset, PrintWriter out) {
        boolean asked = !(FlashParams.KEEP.equals(flashMode) && FlashParams.KEEP.equals(flashSize) && FlashParams.KEEP.equals(flashFreq));
        FlashParams.Result r;
        try {
            r = FlashParams.apply(image, flashMode, flashSize, flashFreq);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        if (!asked) {
            return image;
        }
        if (offset != 0) {
            out.println("flash parameters apply only to the image at offset 0: image left unchanged");
            return image;
        }
        out.println(TerminalText.line(r.reason()));
        return r.bytes();
    }

    private static int parseOffset(String s) {
        long v;
        try {
            v = s.startsWith("0x") || s.startsWith("0X") ? Long.parseLong(s.substring(2), 16) : Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new UsageException("--offset '" + s + "' is not a number: give decimal or 0x-hex, e.g. 0x100000");
        }
        if (v < 0 || v >= 16L * 1024 * 1024 || v % 4096 != 0) {
            throw new UsageException("--offset " + s + " must be a multiple of 4096 (0x1000) inside the 16 MB flash space");
        }
        return (int) v;
    }

    private static byte[] readRaw(Path file) {
        CliFiles.existingFile(file);
        try {
            byte[] b = Files.readAllBytes(file);
            if (b.length == 0) {
                throw new UsageException(file + " is empty: nothing to flash");
            }
            if (b.length > 16 * 1024 * 1024) {
                throw new UsageException(file + " is larger than 16 MB, the largest ESP8266 flash");
            }
            return b;
        } catch (IOException e) {
            throw new EnvironmentException("cannot read " + file + ": " + AtomicFile.describe(e));
        }
    }

    private interface Parser<T> {
        T get();
    }

    private static <T> T parse(Parser<T> p, String option) {
        try {
            return p.get();
        } catch (IllegalArgumentException e) {
            throw new UsageException(option + " " + e.getMessage());
        }
    }
}
