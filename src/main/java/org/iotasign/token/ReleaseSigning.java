package org.iotasign.token;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;

import org.iotasign.RejectedException;
import org.iotasign.crypto.Ed25519PublicKey;
import org.iotasign.crypto.Fingerprints;
import org.iotasign.crypto.PublicKeySign;
import org.iotasign.release.DeviceVerdict;
import org.iotasign.release.DeviceVerifier;
import org.iotasign.release.FirmwareLimit;
import org.iotasign.release.ReleaseBlob;

/**
 * Signs an unsigned release blob, refusing anything {@code verify} would reject: the
 * blob is parsed and checked by the release package's own code before signing, the
 * digest is computed here from the full bytes (and must match the parser's), the
 * signature is checked with BouncyCastle against the key's public half, and the signed
 * blob gets the full device verdict before anyone may write it.
 */
public final class ReleaseSigning {
    private ReleaseSigning() {
    }

    /** The signed blob and what to show the operator. */
    public record SignedRelease(byte[] bytes, String version, String digestFingerprint, String keyFingerprint,
                                List<String> warnings) {
    }

    /**
     * @param key the public half of {@code signer}; the firmware must embed it
     */
    public static SignedRelease sign(byte[] unsigned, PublicKeySign signer, Ed25519PublicKey key, FirmwareLimit limit) {
        ReleaseBlob blob;
        try {
            blob = ReleaseBlob.parseUnsigned(unsigned, limit);
        } catch (RejectedException notUnsigned) {
            if (isSigned(unsigned, limit)) {
                throw new RejectedException("refusing to sign: the blob already ends with a signature: sign the .unsigned blob 'iotasign pack' made");
            }
            throw notUnsigned;
        }
        if (blob.findings().hasProblems()) {
            List<String> problems = blob.findings().problems();
            throw new RejectedException("refusing to sign: " + problems.get(0)
                    + (problems.size() > 1 ? " (and " + (problems.size() - 1) + " more problems: see 'iotasign inspect')" : ""));
        }
        byte[] digest = sha256(unsigned);
        if (!Arrays.equals(digest, blob.bodyDigest())) {
            throw new IllegalStateException("the release parser's digest differs from SHA-256 of the blob");
        }
        if (!blob.firmwareEmbeds(key)) {
            throw new RejectedException("refusing to sign: iotawatt.bin does not embed the signing key " + key.fingerprint()
                    + ": devices that install it could never verify a later update from this key; build the firmware with "
                    + "'iotasign key export --format c' in common.cpp");
        }
        byte[] signature = signer.sign(digest);
        if (!key.verify(digest, signature)) {
            throw new RejectedException("the token's signature does not verify with key " + key.fingerprint()
                    + ": the private and public key objects do not belong together; nothing was written, check 'iotasign key list'");
        }
        byte[] signed = Arrays.copyOf(unsigned, unsigned.length + signature.length);
        System.arraycopy(signature, 0, signed, unsigned.length, signature.length);
        DeviceVerdict verdict = DeviceVerifier.verify(signed, key, null, limit);
        if (!verdict.ok()) {
            List<String> problems = verdict.findings().problems();
            throw new RejectedException("refusing to write: the signed blob fails verification: "
                    + (problems.isEmpty() ? verdict.explanation() : problems.get(0)));
        }
        return new SignedRelease(signed, blob.version(), Fingerprints.of(digest), key.fingerprint(), verdict.findings().warnings());
    }

    /** The key policy of {@code sign}: only keys that never left the token, unless explicitly allowed. */
    public static void requireTokenBound(TokenKey key, boolean allowExtractable) {
        if (allowExtractable || key.neverLeftToken()) {
            return;
        }
        String why = key.extractable() ? "is extractable (CKA_EXTRACTABLE)" : "was extractable or imported (CKA_NEVER_EXTRACTABLE is false)";
        throw new RejectedException("key " + key.uri().describe() + " " + why + ", so copies may exist outside the token: "
                + "generate a new key with 'iotasign key generate', or pass --allow-extractable-key to sign anyway");
    }

    private static boolean isSigned(byte[] blob, FirmwareLimit limit) {
        try {
            ReleaseBlob.parseSigned(blob, limit);
            return true;
        } catch (RejectedException e) {
            return false;
        }
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
