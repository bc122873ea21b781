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

import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code iotasign verify}. Its picocli model is built in code ({@link #spec()}), not read
 * from annotations: it is the command run most often for its answer alone (see
 * {@link Main#COMMANDS}).
 */
final class VerifyCommand implements Callable<Integer> {
    CommandSpec spec;
    boolean help;
    String pubkey;
    Path blobPath;
    String requestedVersion;
    Path extractDir;
    boolean json;
    FirmwareLimitOptions limits;

    static CommandSpec spec() {
        VerifyCommand c = new VerifyCommand();
        CommandSpec s = CodedOptions.command(c, "verify", "Give the device's verdict on a signed release blob, computed the device's way.",
                "Give the device's verdict on a signed release blob, computed the device's way and in its order:",
                "header, entry walk, trailing 64-byte signature, signature, iotawatt.bin present. Prints the device's own",
                "log line and a plain explanation. Also fails blobs the device would accept but that are unsafe.",
                "Exit 0 only when a device would install it and nothing about it is unsafe.");
        c.spec = s;
        // Not the standard help options: their --version would clash with the release --version option.
        s.addOption(CodedOptions.help(c, "help"));
        s.addOption(CodedOptions.option(c, "pubkey", "--pubkey").required(true).paramLabel("KEY")
                .description("The public key compiled into the devices' firmware: 64 hex digits, or a file in hex, PEM, C-array or raw form.")
                .build());
        s.addPositional(CodedOptions.parameter(c, "blobPath", 0).paramLabel("BLOB").description("The signed release blob.").build());
        s.addOption(CodedOptions.option(c, "requestedVersion", "--version").paramLabel("VERSION")
                .description("The version the device would ask for (default: the header's own).").build());
        s.addOption(CodedOptions.option(c, "extractDir", "--extract").paramLabel("DIR")
                .description("After a successful verification only, write the release's files into DIR (a new or empty folder), all or nothing.")
                .build());
        s.addOption(CodedOptions.option(c, "json", "--json").description("Print the verdict as JSON.").build());
        c.limits = FirmwareLimitOptions.addTo(s);
        return s;
    }

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
