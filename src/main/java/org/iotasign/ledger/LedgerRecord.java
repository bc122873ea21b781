package org.iotasign.ledger;

import java.util.List;
import java.util.Optional;

/**
 * One line of the signing ledger: a signature, a repeat of an earlier signature, a
 * refusal, a decline, a failure, or a request that ended before its review.
 * {@code seq}, {@code prev} and {@code hash} are set by {@link Ledger#append}.
 *
 * @param seq          1 for the first record, then +1 per record
 * @param time         when the record was appended, ISO-8601 UTC
 * @param outcome      what happened (see {@link Outcome})
 * @param version      the release version, or null when the blob could not be parsed
 * @param digest       hex SHA-256 of the unsigned blob (the signed message), or null; for a request that
 *                     never reached the review, the digest announced for it (never verified)
 * @param size         bytes of the unsigned blob (for a request that never reached the review, as announced)
 * @param entries      the blob's entries (empty when it could not be parsed)
 * @param key          fingerprint of the signing key
 * @param publicKey    hex of the signing key
 * @param tokenSerial  serial number of the token holding the key
 * @param source       where the blob came from, e.g. {@code usb:/media/op/DRIVE/iotasign/outbox/x.unsigned}
 * @param confirmation how the operator confirmed (see {@code org.iotasign.signing.Confirmation}), or null
 * @param overrides    override flags that let this signature pass a policy rule
 * @param reasons      why it was refused, declined, abandoned or failed (empty for signatures)
 * @param warnings     warnings shown to the operator
 * @param repeatOf     for a repeat: the seq of the first signature of the same bytes with the same key
 * @param tornTail     hex of an incomplete line discarded before this record (an append cut short by a crash)
 * @param count        for a record standing for several like requests (serial refusals aggregated per reason and
 *                     minute): how many; null for a record of one request
 * @param continues    for a {@link Outcome#RECOVERED} record: the token anchor the file lost and which records that
 *                     loses; null otherwise
 * @param keyEvent     for a key ceremony, restore or drill: what was done with the key (null for every other record)
 * @param prev         hash of the previous record (64 zeros for the first)
 * @param hash         SHA-256 of this record's line without its {@code ,"hash":...} field
 */
public record LedgerRecord(long seq, String time, Outcome outcome, String version, String digest, long size,
                           List<Entry> entries, String key, String publicKey, String tokenSerial, String source,
                           String confirmation, List<String> overrides, List<String> reasons, List<String> warnings,
                           Long repeatOf, String tornTail, Long count, Continuation continues, KeyEvent keyEvent,
                           String prev, String hash) {

    /** What a record says happened. */
    public enum Outcome {
        /** The first signature of these bytes with this key. */
        SIGNED,
        /** These exact bytes signed again with the same key (same signature as before). */
        REPEAT,
        /** Refused by the signing policy or because the blob is invalid. */
        REFUSED,
        /** The operator did not confirm. */
        DECLINED,
        /** A signature was recorded but the token or the verification failed afterwards: no signature left the tool. */
        FAILED,
        /** The request ended before every byte arrived (a serial transfer cancelled or abandoned): nothing was reviewed. */
        ABANDONED,
        /** A key was born in a split-key ceremony: split into shares and imported into tokens (see {@link KeyEvent}). */
        CEREMONY,
        /** A key was rebuilt from shares and imported into a token. */
        RESTORE,
        /** A key was rebuilt from shares and checked, and nothing imported: the backup still works. */
        DRILL,
        /**
         * The operator recorded that records the token anchored are lost ({@code ledger recover}): the first
         * record of the continuation; its {@code continues} names the anchor and the lost records.
         */
        RECOVERED;

        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public static Outcome parse(String id) {
            return valueOf(id.toUpperCase(java.util.Locale.ROOT));
        }

        /** True for the outcomes that produced a signature. */
        public boolean isSignature() {
            return this == SIGNED || this == REPEAT;
        }
    }

    /**
     * What a recovery continues from: the anchor the token held and the records it vouched
     * for that the file no longer holds ({@code lostFrom..lostTo}, inclusive).
     */
    public record Continuation(long anchorCount, String anchorHead, long lostFrom, long lostTo) {
    }

    /** An entry of the blob as recorded: name, unpadded length, hex SHA-256 of its data. */
    public record Entry(String name, long length, String sha256) {
    }

    /**
     * What a ceremony, restore or drill did. Never holds a share or the seed.
     *
     * @param ceremonyId   the ceremony the shares belong to
     * @param threshold    how many shares rebuild the key (m)
     * @param shares       how many shares the ceremony made (n)
     * @param shareIndexes the shares written (ceremony) or used (restore, drill)
     * @param tokens       the tokens the key was imported into (empty for a drill)
     */
    public record KeyEvent(String ceremonyId, int threshold, int shares, List<Integer> shareIndexes, List<TokenWritten> tokens) {
        public KeyEvent {
            shareIndexes = List.copyOf(shareIndexes);
            tokens = List.copyOf(tokens);
        }
    }

    /** A token a key was imported into: its serial number, its label and the key's URI on it (no PIN, no paths). */
    public record TokenWritten(String serial, String label, String uri) {
    }


    public LedgerRecord {
        entries = List.copyOf(entries);
        overrides = List.copyOf(overrides);
        reasons = List.copyOf(reasons);
        warnings = List.copyOf(warnings);
    }

    /** A record before {@link Ledger#append} gives it a place in the chain. */
    public static LedgerRecord draft(Outcome outcome, String version, String digest, long size, List<Entry> entries,
                                     String key, String publicKey, String tokenSerial, String source, String confirmation,
                                     List<String> overrides, List<String> reasons, List<String> warnings, Long repeatOf) {
        return new LedgerRecord(0, null, outcome, version, digest, size, entries, key, publicKey, tokenSerial, source,
                confirmation, overrides, reasons, warnings, repeatOf, null, null, null, null, null, null);
    }

    /** This draft standing for {@code n} like requests (n > 1). */
    public LedgerRecord counting(long n) {
        return new LedgerRecord(seq, time, outcome, version, digest, size, entries, key, publicKey, tokenSerial, source,
                confirmation, overrides, reasons, warnings, repeatOf, tornTail, n > 1 ? n : null, continues, keyEvent, prev, hash);
    }

    LedgerRecord continuing(Continuation c) {
        return new LedgerRecord(seq, time, outcome, version, digest, size, entries, key, publicKey, tokenSerial, source,
                confirmation, overrides, reasons, warnings, repeatOf, tornTail, count, c, keyEvent, prev, hash);
    }

    /**
     * A ceremony, restore or drill record before {@link Ledger#append} places it.
     *
     * @param source where the shares came from or went to, for people (never a share's content)
     */
    public static LedgerRecord keyEvent(Outcome outcome, String keyFingerprint, String publicKeyHex, String source, KeyEvent event) {
        if (outcome != Outcome.CEREMONY && outcome != Outcome.RESTORE && outcome != Outcome.DRILL) {
            throw new IllegalArgumentException("a key event is a ceremony, restore or drill, not " + outcome.id());
        }
        String tokenSerial = event.tokens().isEmpty() ? null : event.tokens().get(0).serial();
        return new LedgerRecord(0, null, outcome, null, null, 0, List.of(), keyFingerprint, publicKeyHex, tokenSerial, source,
                null, List.of(), List.of(), List.of(), null, null, null, null, event, null, null);
    }

    LedgerRecord placed(long seq, String time, String tornTail, String prev, String hash) {
        return new LedgerRecord(seq, time, outcome, version, digest, size, entries, key, publicKey, tokenSerial, source,
                confirmation, overrides, reasons, warnings, repeatOf, tornTail, count, continues, keyEvent, prev, hash);
    }

    /** How many requests this record stands for (1 unless aggregated). */
    public long requests() {
        return count == null ? 1 : count;
    }

    public Optional<String> versionIfKnown() {
        return Optional.ofNullable(version);
    }
}
