package org.iotasign.policy;

import java.util.List;
import java.util.Optional;

import org.iotasign.ledger.LedgerRecord;

/**
 * How the signing key came to be on its token, as far as the ledger knows: generated on the
 * token (never extractable), imported by a recorded ceremony or restore, or imported some
 * other way.
 *
 * @param neverLeftToken the token says the key was generated there and never was extractable
 * @param record         the latest ceremony or restore record that put this key on this token
 */
public record KeyBirth(boolean neverLeftToken, Optional<LedgerRecord> record) {

    /** Looks for a ceremony or restore record of {@code publicKeyHex} naming the token {@code tokenSerial}. */
    public static KeyBirth of(boolean neverLeftToken, String publicKeyHex, String tokenSerial, List<LedgerRecord> history) {
        Optional<LedgerRecord> found = Optional.empty();
        for (LedgerRecord r : history) {
            if ((r.outcome() == LedgerRecord.Outcome.CEREMONY || r.outcome() == LedgerRecord.Outcome.RESTORE)
                    && r.keyEvent() != null && publicKeyHex.equals(r.publicKey()) && tokenSerial != null
                    && r.keyEvent().tokens().stream().anyMatch(t -> tokenSerial.equals(t.serial()))) {
                found = Optional.of(r);
            }
        }
        return new KeyBirth(neverLeftToken, found);
    }

    /** True when the key may sign without --allow-extractable-key: its only copies are on tokens and in shares. */
    public boolean accounted() {
        return neverLeftToken || record.isPresent();
    }

    /** One line for the review and 'key list'. */
    public String describe() {
        if (record.isPresent()) {
            LedgerRecord r = record.get();
            LedgerRecord.KeyEvent e = r.keyEvent();
            return (r.outcome() == LedgerRecord.Outcome.CEREMONY ? "born in ceremony " : "restored from shares of ceremony ")
                    + e.ceremonyId() + " (" + e.threshold() + " of " + e.shares() + " shares, ledger record " + r.seq() + ")";
        }
        return neverLeftToken ? "generated on the token, never extractable"
                : "imported or extractable, and no ledger record of a ceremony or restore onto this token";
    }
}
