package org.iotasign.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.iotasign.io.AtomicFile;
import org.iotasign.release.ReleaseBlob;
import org.iotasign.token.KeyUri;
import org.iotasign.token.PinSources;
import org.iotasign.token.ReleaseSigning;
import org.iotasign.token.TokenContext;
import org.iotasign.token.TokenKey;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "sign", mixinStandardHelpOptions = true,
        description = {"Sign an unsigned release blob with a key on a PKCS#11 token. The blob is checked with the same code as",
                "'verify' first (nothing verify would reject is signed); the digest is computed from the full bytes and signed",
                "on the token (CKM_EDDSA); the signature is checked against the token's public key and the signed blob gets the",
                "device's verdict before it is written atomically. Prints the version, digest fingerprint and key fingerprint.",
                "Refuses a key that is or ever was extractable unless --allow-extractable-key."})
final class SignCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "IN.unsigned", description = "The unsigned release blob made by 'iotasign pack'.")
    Path input;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT.bin", required = true, description = "Where to write the signed blob.")
    Path output;

    @Option(names = "--key", paramLabel = "URI", defaultValue = KeyUri.DEFAULT, description = KeyCommand.KEY_DESCRIPTION)
    String key;

    @Option(names = "--allow-extractable-key",
            description = "Sign even with a key that is extractable or was ever extractable (e.g. imported with 'key import-seed').")
    boolean allowExtractable;

    @Option(names = "--force", description = "Replace OUT.bin if it exists.")
    boolean force;

    @Mixin
    TokenOptions token;

    @Mixin
    FirmwareLimitOptions limits;

    @Override
    public Integer call() {
        KeyUri uri = KeyUri.parse(key);
        CliFiles.existingFile(input);
        byte[] unsigned = ReleaseBlob.readBytes(input);
        TokenContext ctx = token.context();
        ReleaseSigning.SignedRelease signed;
        String tokenLine;
        try (TokenKey tokenKey = TokenKey.open(uri, ctx, PinSources.forUser(uri, ctx))) {
            ReleaseSigning.requireTokenBound(tokenKey, allowExtractable);
            signed = ReleaseSigning.sign(unsigned, tokenKey.signer(), tokenKey.publicKey(), limits.limit());
            tokenLine = "token '" + tokenKey.tokenLabel() + "' serial " + tokenKey.tokenSerial();
        }
        AtomicFile.write(output, signed.bytes(), force);
        PrintWriter out = spec.commandLine().getOut();
        signed.warnings().forEach(w -> out.println("warning: " + w));
        out.printf("signed version %s, digest fingerprint %s, key %s (%s)%n", signed.version(), signed.digestFingerprint(),
                signed.keyFingerprint(), tokenLine);
        out.println("wrote " + output);
        out.flush();
        return Main.EXIT_OK;
    }
}
