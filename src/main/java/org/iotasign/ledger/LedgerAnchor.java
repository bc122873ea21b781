package org.iotasign.ledger;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the signing token remembers of the ledger: how many records it had and the hash
 * of the last one, as of this token's last append. The head hash commits to every
 * record before it, so a file that still holds record {@code count} with hash
 * {@code head} holds the whole anchored history.
 *
 * <p>Stored on the token as the value of a private data object, in this text form:
 * {@code iotasign-ledger-anchor 1 count=N head=HEX}.
 */
public record LedgerAnchor(long count, String head) {
    private static final Pattern FORM = Pattern.compile("iotasign-ledger-anchor 1 count=(\\d{1,18}) head=([0-9a-f]{64})");

    public LedgerAnchor {
        if (count < 0 || !head.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("not a ledger anchor: count " + count + ", head " + head);
        }
    }

    /** The anchor of the chain as {@code check} found it. */
    public static LedgerAnchor of(LedgerCheck check) {
        return new LedgerAnchor(check.records().isEmpty() ? 0 : check.records().get(check.records().size() - 1).seq(),
                check.headHash());
    }

    public byte[] encode() {
        return ("iotasign-ledger-anchor 1 count=" + count + " head=" + head).getBytes(StandardCharsets.US_ASCII);
    }

    /** The anchor a stored value holds, or empty when the value is not one (damaged or written by something else). */
    public static Optional<LedgerAnchor> decode(byte[] value) {
        Matcher m = FORM.matcher(new String(value, StandardCharsets.US_ASCII));
        return m.matches() ? Optional.of(new LedgerAnchor(Long.parseLong(m.group(1)), m.group(2))) : Optional.empty();
    }

    /** For messages: "12 records (head 3f2a9c0d1e4b5a6f...)". */
    public String describe() {
        return count + (count == 1 ? " record" : " records") + " (head " + head.substring(0, 16) + "...)";
    }
}
