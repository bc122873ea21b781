package org.iotasign.ledger;

import java.util.Optional;

/**
 * Where a ledger's anchor lives outside the ledger file: the signing token. The ledger
 * checks the file against it before every append and moves it forward after each one,
 * under the ledger's file lock (see {@link Ledger}).
 */
public interface AnchorStore {
    /** A token that cannot hold the anchor: the ledger has only its file's protection. */
    AnchorStore NONE = none("this key's token");

    /** No anchor store, on the token {@code description} names (for the review and selftest). */
    static AnchorStore none(String description) {
        return new AnchorStore() {
            @Override
            public boolean available() {
                return false;
            }

            @Override
            public Optional<LedgerAnchor> read() {
                return Optional.empty();
            }

            @Override
            public void write(LedgerAnchor anchor) {
            }

            @Override
            public String describe() {
                return description;
            }
        };
    }

    /** False when the token cannot store the anchor (see the token profiles in docs/tokens.md). */
    boolean available();

    /**
     * The anchor, or empty on a token that has none yet.
     *
     * @throws org.iotasign.EnvironmentException when the token cannot be read or holds an anchor that is not one
     */
    Optional<LedgerAnchor> read();

    /** Replaces the anchor; a crash part-way leaves the old or the new one, never neither. */
    void write(LedgerAnchor anchor);

    /** Where the anchor lives, for messages: "token 'iotasign' (serial 1a2b…)". */
    String describe();
}
