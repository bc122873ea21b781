package org.iotasign.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.iotasign.UsageException;
import org.iotasign.crypto.Ed25519PublicKey;
import org.iotasign.io.AtomicFile;
import org.iotasign.io.TerminalText;
import org.iotasign.release.ReleaseEntry;
import org.iotasign.release.ReleasePacker;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "pack",
        description = {"Pack a firmware image and web files into an unsigned release blob.",
                "The output is exactly the bytes whose SHA-256 gets signed; the same inputs always give the same bytes.",
                "Needs no token: run it on the build machine and carry the .unsigned file to the signer."})
final class PackCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    // Not mixinStandardHelpOptions: its --version would clash with the release --version option.
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Option(names = "--version", required = true, paramLabel = "VERSION",
            description = "Release version: exactly 8 printable characters, by convention NN_NN_NN (e.g. 02_08_05).")
    String version;

    @Option(names = "--firmware", required = true, paramLabel = "FILE",
            description = "The PlatformIO firmware.bin; stored in the release as iotawatt.bin.")
    Path firmware;

    @Option(names = "--web-dir", paramLabel = "DIR",
            description = "Folder of web files to include (plain files only; each is copied to the device's SD root).")
    Path webDir;

    @Option(names = "--file", paramLabel = "NAME=PATH", mapFallbackValue = "",
            description = "An extra file stored under NAME (repeatable).")
    Map<String, Path> files = new LinkedHashMap<>();

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT", description = "Where to write the unsigned blob.")
    Path output;

    @Option(names = "--force", description = "Replace OUT if it exists.")
    boolean force;

    @Mixin
    FirmwareLimitOptions limits;

    @Override
    public Integer call() {
        for (Map.Entry<String, Path> f : files.entrySet()) {
            if (f.getValue() == null || f.getValue().toString().isEmpty()) {
                throw new UsageException("--file takes NAME=PATH, e.g. --file index.htm=web/index.htm");
            }
        }
        List<ReleaseEntry> entries = ReleaseInputs.collect(firmware, webDir, files);
        ReleasePacker.PackResult result = ReleasePacker.pack(version, entries, limits.limit());
        AtomicFile.write(output, result.bytes(), force);

        PrintWriter out = spec.commandLine().getOut();
        out.printf("packed %s: %d entries, %d bytes -> %s%n", result.blob().version(), result.blob().entries().size(), result.bytes().length, output);
        out.printf("digest       %s%n", java.util.HexFormat.of().formatHex(result.blob().bodyDigest()));
        out.printf("fingerprint  %s  (the signer shows the same; compare before signing)%n", result.blob().digestFingerprint());
        if (result.blob().firmwareEmbeds(Ed25519PublicKey.STOCK_IOTAWATT)) {
            out.println("warning: the firmware embeds the stock IoTaWatt key: devices running it trust only iotawatt.com, and the signer refuses it by default");
        }
        for (String w : result.warnings()) {
            out.println("warning: " + TerminalText.line(w));
        }
        out.flush();
        return Main.EXIT_OK;
    }
}
