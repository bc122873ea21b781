package org.iotasign.seriallink;

import org.iotasign.crypto.Ed25519PublicKey;

/**
 * A signature the bridge received and checked: it verifies under {@code signerKey} over
 * {@code digest}, the SHA-256 of the exact bytes submitted.
 *
 * @param retransmittedChunks chunks sent more than once (faults on the line)
 * @param reconnects          times the bridge had to start over with HELLO and resume
 */
public record BridgeResult(byte[] digest, byte[] signature, Ed25519PublicKey signerKey,
                           long retransmittedChunks, int reconnects) {
}
