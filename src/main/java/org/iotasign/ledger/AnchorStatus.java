package org.iotasign.ledger;

import java.util.Optional;

/**
 * How a ledger file stands against the anchor its signing token holds.
 *
 * @param state      the comparison (see {@link State})
 * @param anchor     the token's anchor, when it has one
 * @param records    intact records in the file
 * @param finding    one line saying what was found; for the refusing states, what differs
 * @param todo       for the refusing states, what the operator can do (starts with ": "); empty otherwise
 */
public record AnchorStatus(State state, Optional<LedgerAnchor> anchor, long records, String finding, String todo) {
    /** What was found and, when signing stops, what to do: one line. */
    public String message() {
        return finding + todo;
    }

    public enum State {
        /** The token cannot hold an anchor: the ledger has only its file's protection. */
        NO_STORE(true),
        /** The token holds no anchor yet: the next append creates it (first use of the token). */
        NO_ANCHOR(true),
        /** The file ends at the anchored record. */
        MATCHES(true),
        /**
         * The file holds the anchored record and more after it: records appended after this
         * token's last anchor update (a crash between the append and the anchor update, or
         * records another token anchors). They are anchored with the next append.
         */
        AHEAD(true),
        /** The file is gone but the token anchors records. */
        MISSING(false),
        /** The file has fewer records than the token anchors: records were removed from its end. */
        SHORTER(false),
        /** The anchored record is not in the file: the file was replaced, or is another chain. */
        FORKED(false);

        private final boolean consistent;

        State(boolean consistent) {
            this.consistent = consistent;
        }

        /** True when signing may continue on this file. */
        public boolean consistent() {
            return consistent;
        }
    }

    public boolean consistent() {
        return state.consistent();
    }

    /**
     * The records the anchor vouches for that this file does not hold, as "from..to", or
     * empty when none are lost.
     */
    public Optional<long[]> lost() {
        if (anchor.isEmpty() || state.consistent()) {
            return Optional.empty();
        }
        long n = anchor.get().count();
        return Optional.of(state == State.SHORTER ? new long[] {records + 1, n} : new long[] {1, n});
    }

    static AnchorStatus of(AnchorStore store, boolean fileExists, LedgerCheck check, String path) {
        if (!store.available()) {
            return new AnchorStatus(State.NO_STORE, Optional.empty(), check.records().size(),
                    "not anchored: " + store.describe() + " cannot hold a ledger anchor, so the ledger has only its file's protection", "");
        }
        Optional<LedgerAnchor> read = store.read();
        long k = check.records().size();
        if (read.isEmpty()) {
            return new AnchorStatus(State.NO_ANCHOR, read, k, store.describe() + " holds no ledger anchor yet: the next record creates it", "");
        }
        LedgerAnchor a = read.get();
        String anchored = store.describe() + " anchors " + a.describe();
        String todo = ": put the ledger back from a backup that holds that record, or record the loss with 'iotasign ledger recover'";
        if (a.count() == 0) {
            return new AnchorStatus(k == 0 ? State.MATCHES : State.AHEAD, read, k, "matches the anchor on " + store.describe(), "");
        }
        if (!fileExists) {
            return new AnchorStatus(State.MISSING, read, 0, "the signing ledger " + path + " is missing but " + anchored
                    + ": records 1.." + a.count() + " are gone (the file was deleted, or this is not the ledger the token signs into)", todo);
        }
        if (k < a.count()) {
            return new AnchorStatus(State.SHORTER, read, k, "the signing ledger " + path + " has " + k + " records but " + anchored
                    + ": records " + (k + 1) + ".." + a.count() + " were removed (truncated or rolled back to an older copy)", todo);
        }
        LedgerRecord at = check.records().get((int) a.count() - 1);
        if (!at.hash().equals(a.head())) {
            return new AnchorStatus(State.FORKED, read, k, "record " + a.count() + " of the signing ledger " + path + " has hash "
                    + at.hash().substring(0, 16) + "... but " + anchored + ": the file was replaced or is another chain, so records 1.."
                    + a.count() + " cannot be confirmed", todo);
        }
        if (k == a.count()) {
            return new AnchorStatus(State.MATCHES, read, k, "matches the anchor on " + store.describe() + " (" + a.describe() + ")", "");
        }
        return new AnchorStatus(State.AHEAD, read, k, "holds the record " + store.describe() + " anchors (" + a.describe()
                + ") and " + (k - a.count()) + " record(s) after it, anchored with the next record (records " + (a.count() + 1)
                + ".." + k + ": written after this token's last anchor update)", "");
    }
}
