package org.iotasign.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.iotasign.UsageException;
import org.iotasign.io.AtomicFile;
import org.iotasign.io.TerminalText;
import org.iotasign.release.ReleaseBlob;
import org.iotasign.signing.Confirmation;
import org.iotasign.signing.Review;
import org.iotasign.signing.SignedRelease;
import org.iotasign.signing.SigningDesk;
import org.iotasign.token.TokenKey;

import picocli.CommandLine.Model.CommandSpec;

/** {@code iotasign sign}. Its picocli model is built in code ({@link #spec()}; see {@link Main#COMMANDS}). */
final class SignCommand implements Callable<Integer> {
    CommandSpec spec;
    Path input;
    Path output;
    boolean force;
    SigningOptions signing;

    static CommandSpec spec() {
        SignCommand c = new SignCommand();
        CommandSpec s = CodedOptions.command(c, "sign", "Sign an unsigned release blob on a PKCS#11 token, after review and policy.",
                "Sign an unsigned release blob with a key on a PKCS#11 token. The blob is checked with the same code as",
                "'verify' first (nothing verify would reject is signed) and against the signing policy (docs/usb-workflow.md):",
                "the firmware must embed the signing key and not the stock IoTaWatt key, no version lower than one already signed",
                "with the key, never two blobs under one version. A record goes to the signing ledger (and is fsynced) before the",
                "token signs; the digest is computed from the full bytes and signed on the token (CKM_EDDSA); the signature is",
                "checked against the token's public key and the signed blob gets the device's verdict before it is written",
                "atomically. Prints the review, the version, digest fingerprint and key fingerprint.",
                "Refuses a key that is or ever was extractable unless --allow-extractable-key.");
        c.spec = s;
        s.addOption(CodedOptions.option(c, "output", "-o", "--output").paramLabel("OUT.bin").required(true)
                .description("Where to write the signed blob.").build());
        // After a required option: picocli then names both when both are missing, as it did for the annotated command.
        s.addPositional(CodedOptions.parameter(c, "input", 0).paramLabel("IN.unsigned")
                .description("The unsigned release blob made by 'iotasign pack'.").build());
        s.addOption(CodedOptions.option(c, "force", "--force").description("Replace OUT.bin if it exists.").build());
        c.signing = SigningOptions.addTo(s);
        CodedOptions.addStandardHelp(s);
        return s;
    }

    @Override
    public Integer call() {
        CliFiles.existingFile(input);
        if (!force && Files.exists(output, LinkOption.NOFOLLOW_LINKS)) {
            throw new UsageException(output + " already exists: choose another output name or pass --force to replace it");
        }
        // Before the ledger record and the signature, which cannot be taken back.
        AtomicFile.requireWritableFolder(output);
        byte[] unsigned = ReleaseBlob.readBytes(input);
        PrintWriter out = spec.commandLine().getOut();
        SignedRelease signed;
        String tokenLine;
        try (TokenKey tokenKey = signing.openKey()) {
            SigningDesk desk = signing.desk(tokenKey);
            Review review = desk.review(unsigned, "file:" + input.toAbsolutePath());
            review.lines().forEach(out::println);
            out.flush();
            signed = desk.sign(review, Confirmation.COMMAND_LINE);
            tokenLine = "token '" + tokenKey.tokenLabel() + "' serial " + tokenKey.tokenSerial();
        }
        AtomicFile.write(output, signed.signed(), force);
        out.printf("signed version %s, digest fingerprint %s, key %s (%s)%n", TerminalText.of(signed.version()), signed.review().digestFingerprint(),
                signed.record().key(), tokenLine);
        out.printf("ledger record %d%s, head %s%n", signed.record().seq(),
                signed.isRepeat() ? " (a repeat of record " + signed.record().repeatOf() + ": same signature)" : "", signed.ledgerHead());
        out.println("wrote " + output);
        out.flush();
        return Main.EXIT_OK;
    }
}
