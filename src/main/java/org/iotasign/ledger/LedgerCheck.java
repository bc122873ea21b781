package org.iotasign.ledger;

import java.util.List;
import java.util.Optional;

/**
 * The result of walking a ledger's hash chain.
 *
 * @param records      the records that verified, in order (up to the first bad one)
 * @param problem      the first problem, naming the first bad record; empty when the chain is intact
 * @param tornTail     bytes after the last newline: an append cut short (by a crash, or by truncation)
 */
public record LedgerCheck(List<LedgerRecord> records, Optional<String> problem, byte[] tornTail) {
    public LedgerCheck {
        records = List.copyOf(records);
    }

    /** True when every line is a complete record and every link holds. */
    public boolean intact() {
        return problem.isEmpty() && tornTail.length == 0;
    }

    /** The last record's hash, or the genesis value for an empty ledger. */
    public String headHash() {
        return records.isEmpty() ? LedgerFormat.GENESIS : records.get(records.size() - 1).hash();
    }

    /** What is wrong, in one line; empty when intact. */
    public Optional<String> verdict() {
        if (problem.isPresent()) {
            return problem;
        }
        if (tornTail.length > 0) {
            return Optional.of("record " + (records.size() + 1) + " is incomplete (" + tornTail.length
                    + " bytes after the last complete line): the ledger was truncated, or an append was cut short by a crash "
                    + "(the next append keeps those bytes in its tornTail field)");
        }
        return Optional.empty();
    }
}
