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

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "inspect", mixinStandardHelpOptions = true,
        header = "Show what a release blob holds: header, entries, digest, signature, firmware.",
        description = {"Show what a release blob (signed or unsigned) holds: header, entries, digest, signature,",
                "the firmware's ESP8266 image header, and which known public keys the firmware embeds.",
                "Exit 0 when the blob is well formed and has no problems, 1 otherwise."})
final class InspectCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "BLOB", description = "The release blob (.bin or .unsigned).")
    Path blobPath;

    @Option(names = "--pubkey", paramLabel = "KEY",
            description = "Also look for this public key in the firmware (repeatable; hex, PEM, C array or raw file).")
    List<String> pubkeys = new ArrayList<>();

    @Option(names = "--json", description = "Print the same information as JSON.")
    boolean json;

    @Mixin
    FirmwareLimitOptions limits;

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
