package org.iotasign.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.iotasign.crypto.Ed25519PublicKey;
import org.iotasign.io.JsonText;
import org.iotasign.release.ReleaseBlob;
import org.iotasign.release.ReleaseSummary;
import org.iotasign.release.ReleaseSummary.NamedKey;

import picocli.CommandLine.Model.CommandSpec;

/** {@code iotasign inspect}. Its picocli model is built in code ({@link #spec()}; see {@link Main#COMMANDS}). */
final class InspectCommand implements Callable<Integer> {
    CommandSpec spec;
    Path blobPath;
    List<String> pubkeys = new ArrayList<>();
    boolean json;
    FirmwareLimitOptions limits;

    static CommandSpec spec() {
        InspectCommand c = new InspectCommand();
        CommandSpec s = CodedOptions.command(c, "inspect", "Show what a release blob holds: header, entries, digest, signature, firmware.",
                "Show what a release blob (signed or unsigned) holds: header, entries, digest, signature,",
                "the firmware's ESP8266 image header, and which known public keys the firmware embeds.",
                "Exit 0 when the blob is well formed and has no problems, 1 otherwise.");
        c.spec = s;
        s.addPositional(CodedOptions.parameter(c, "blobPath", 0).paramLabel("BLOB").description("The release blob (.bin or .unsigned).").build());
        s.addOption(CodedOptions.option(c, "pubkeys", "--pubkey").auxiliaryTypes(String.class).paramLabel("KEY")
                .description("Also look for this public key in the firmware (repeatable; hex, PEM, C array or raw file).").build());
        s.addOption(CodedOptions.option(c, "json", "--json").description("Print the same information as JSON.").build());
        c.limits = FirmwareLimitOptions.addTo(s);
        CodedOptions.addStandardHelp(s);
        return s;
    }

    @Override
    public Integer call() throws Exception {
        List<NamedKey> keys = new ArrayList<>();
        keys.add(new NamedKey("stock IoTaWatt", Ed25519PublicKey.STOCK_IOTAWATT));
        for (String k : pubkeys) {
            keys.add(new NamedKey("--pubkey", KeyArguments.publicKey(k)));
        }
        ReleaseBlob blob = ReleaseBlob.read(CliFiles.existingFile(blobPath), limits.limit());
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(JsonText.forTerminal(ReleaseSummary.describe(blob, keys)));
        } else {
            ReleaseSummary.text(blob, keys).forEach(out::println);
        }
        out.flush();
        return blob.findings().hasProblems() ? Main.EXIT_REJECTED : Main.EXIT_OK;
    }
}
