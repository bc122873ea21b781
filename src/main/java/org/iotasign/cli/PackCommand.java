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

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** {@code iotasign pack}. Its picocli model is built in code ({@link #spec()}; see {@link Main#COMMANDS}). */
final class PackCommand implements Callable<Integer> {
    CommandSpec spec;
    boolean help;
    String version;
    Path firmware;
    Path webDir;
    Map<String, Path> files = new LinkedHashMap<>();
    Path output;
    boolean force;
    FirmwareLimitOptions limits;

    static CommandSpec spec() {
        PackCommand c = new PackCommand();
        CommandSpec s = CodedOptions.command(c, "pack", null, "Pack a firmware image and web files into an unsigned release blob.",
                "The output is exactly the bytes whose SHA-256 gets signed; the same inputs always give the same bytes.",
                "Needs no token: run it on the build machine and carry the .unsigned file to the signer.");
        c.spec = s;
        // Not the standard help options: their --version would clash with the release --version option.
        s.addOption(CodedOptions.help(c, "help"));
        s.addOption(CodedOptions.option(c, "version", "--version").required(true).paramLabel("VERSION")
                .description("Release version: exactly 8 printable characters, by convention NN_NN_NN (e.g. 02_08_05).").build());
        s.addOption(CodedOptions.option(c, "firmware", "--firmware").required(true).paramLabel("FILE")
                .description("The PlatformIO firmware.bin; stored in the release as iotawatt.bin.").build());
        s.addOption(CodedOptions.option(c, "webDir", "--web-dir").paramLabel("DIR")
                .description("Folder of web files to include (plain files only; each is copied to the device's SD root).").build());
        OptionSpec.Builder file = CodedOptions.option(c, "files", "--file").auxiliaryTypes(String.class, Path.class)
                .paramLabel("NAME=PATH").description("An extra file stored under NAME (repeatable).");
        file.mapFallbackValue(""); // NAME alone: the empty path call() refuses with a reason; returns another builder type
        s.addOption(file.build());
        s.addOption(CodedOptions.option(c, "output", "-o", "--output").required(true).paramLabel("OUT")
                .description("Where to write the unsigned blob.").build());
        s.addOption(CodedOptions.option(c, "force", "--force").description("Replace OUT if it exists.").build());
        c.limits = FirmwareLimitOptions.addTo(s);
        return s;
    }

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
