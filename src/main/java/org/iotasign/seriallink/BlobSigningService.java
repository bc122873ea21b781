package org.iotasign.seriallink;

/**
 * What the signer does with a blob once every byte has arrived: full validation,
 * signing policy, operator review, ledger, and the signature. The serial signer passes
 * the bytes it received and the digest the bridge claimed; the service must compute the
 * digest itself and sign only that. The protocol checks the answer again before any
 * signature leaves (see {@link SerialSigner}).
 */
@FunctionalInterface
public interface BlobSigningService {
    Verdict handle(byte[] unsignedBlob, byte[] announcedDigest);
}
