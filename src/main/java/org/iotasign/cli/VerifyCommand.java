package org.iotasign.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

import org.iotasign.crypto.Ed25519PublicKey;
import org.iotasign.io.JsonText;
import org.iotasign.io.TerminalText;
import org.iotasign.release.DeviceVerdict;
import org.iotasign.release.DeviceVerifier;
import org.iotasign.release.ReleaseBlob;
import org.iotasign.release.ReleaseExtractor;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "verify",
        header = "Give the device's verdict on a signed release blob, computed the device's way.",
        description = {"Give the device's verdict on a signed release blob, computed the device's way and in its order:",
                "header, entry walk, trailing 64-byte signature, signature, iotawatt.bin present. Prints the device's own",
                "log line and a plain explanation. Also fails blobs the device would accept but that are unsafe.",
                "Exit 0 only when a device would install it and nothing about it is unsafe."})
final class VerifyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    // Not mixinStandardHelpOptions: its --version would clash with the release --version option.
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Option(names = "--pubkey", required = true, paramLabel = "KEY",
            description = "The public key compiled into the devices' firmware: 64 hex digits, or a file in hex, PEM, C-array or raw form.")
    String pubkey;

    @Parameters(paramLabel = "BLOB", description = "The signed release blob.")
    Path blobPath;

    @Option(names = "--version", paramLabel = "VERSION",
            description = "The version the device would ask for (default: the header's own).")
    String requestedVersion;

    @Option(names = "--extract", paramLabel = "DIR",
            description = "After a successful verification only, write the release's files into DIR (a new or empty folder), all or nothing.")
    Path extractDir;

    @Option(names = "--json", description = "Print the verdict as JSON.")
    boolean json;

    @Mixin
    FirmwareLimitOptions limits;

    @Override
    public Integer call() throws Exception {
        Ed25519PublicKey key = KeyArguments.publicKey(pubkey);
        CliFiles.existingFile(blobPath);
        DeviceVerdict verdict;
        byte[] bytes = null;
        if (extractDir != null) {
            // Extract exactly the bytes that were verified, never a second read of the file.
            bytes = ReleaseBlob.readBytes(blobPath);
            verdict = DeviceVerifier.verify(bytes, key, requestedVersion, limits.limit());
        } else {
            verdict = DeviceVerifier.verify(blobPath, key, requestedVersion, limits.limit());
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("ok", verdict.ok());
            m.put("deviceAccepts", verdict.deviceAccepts());
            m.put("deviceLog", verdict.deviceLog());
            m.put("explanation", verdict.explanation());
            m.put("key", key.fingerprint());
            verdict.blob().ifPresent(b -> {
                m.put("version", b.version());
                m.put("fingerprint", b.digestFingerprint());
            });
            m.put("problems", verdict.findings().problems());
            m.put("warnings", verdict.findings().warnings());
            out.println(JsonText.forTerminal(m));
        } else {
            verdict.deviceLog().forEach(line -> out.println("device: " + TerminalText.line(line)));
            out.println((verdict.deviceAccepts() ? "device accepts: " : "device rejects: ") + TerminalText.line(verdict.explanation()));
            verdict.blob().ifPresent(b -> out.printf("version %s, digest fingerprint %s, key %s%n", TerminalText.quoted(b.version()), b.digestFingerprint(), key.fingerprint()));
            verdict.findings().problems().forEach(p -> out.println("problem: " + TerminalText.line(p)));
            verdict.findings().warnings().forEach(w -> out.println("warning: " + TerminalText.line(w)));
            out.println(verdict.ok() ? "OK" : "REJECTED");
        }
        out.flush();
        if (!verdict.ok()) {
            return Main.EXIT_REJECTED;
        }
        if (extractDir != null) {
            ReleaseExtractor.extract(bytes, verdict.blob().orElseThrow(), extractDir);
            if (!json) {
                out.println("extracted " + verdict.blob().get().entries().size() + " files into " + extractDir);
                out.flush();
            }
        }
        return Main.EXIT_OK;
    }
}
