package org.iotasign.signing;

import org.iotasign.ledger.LedgerRecord;

/**
 * A signature made by {@link SigningDesk#sign}, already verified.
 *
 * @param signed    the unsigned bytes followed by the 64-byte signature: the release to publish
 * @param signature the 64-byte Ed25519 signature over the digest
 * @param review    what was reviewed and signed
 * @param record    the ledger record of this signature (its hash is the ledger head it produced)
 */
public record SignedRelease(byte[] signed, byte[] signature, Review review, LedgerRecord record) {
    public String version() {
        return review.version().orElseThrow();
    }

    /** The ledger head after this signature: the hash of its record. */
    public String ledgerHead() {
        return record.hash();
    }

    public boolean isRepeat() {
        return record.outcome() == LedgerRecord.Outcome.REPEAT;
    }
}
