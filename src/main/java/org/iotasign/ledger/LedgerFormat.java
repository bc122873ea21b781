package org.iotasign.ledger;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import java.io.IOException;

import org.iotasign.crypto.Hashes;
import org.iotasign.io.JsonText;

/**
 * The byte form of a ledger line. A line is one compact JSON object whose last member is
 * {@code "hash"}: the SHA-256 (hex) of the line with {@code ,"hash":"…"} removed, i.e. of
 * the object's other members. Each record's {@code "prev"} is the previous record's hash,
 * so changing any byte of any record breaks its own hash or the next record's link.
 */
final class LedgerFormat {
    static final String GENESIS = "0".repeat(64);
    private static final String HASH_MEMBER = ",\"hash\":\"";

    private LedgerFormat() {
    }

    /** The line (without newline) for {@code r}, whose seq/time/prev are set; returns it with its hash. */
    static String line(LedgerRecord r) {
        String body = body(r);
        String hash = Hashes.sha256Hex(body);
        return body.substring(0, body.length() - 1) + HASH_MEMBER + hash + "\"}";
    }

    static String hashOf(LedgerRecord r) {
        return Hashes.sha256Hex(body(r));
    }

    private static String body(LedgerRecord r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("seq", r.seq());
        m.put("time", r.time());
        m.put("outcome", r.outcome().id());
        m.put("version", r.version());
        m.put("digest", r.digest());
        m.put("size", r.size());
        List<Map<String, Object>> entries = new ArrayList<>();
        for (LedgerRecord.Entry e : r.entries()) {
            Map<String, Object> em = new LinkedHashMap<>();
            em.put("name", e.name());
            em.put("length", e.length());
            em.put("sha256", e.sha256());
            entries.add(em);
        }
        m.put("entries", entries);
        m.put("key", r.key());
        m.put("publicKey", r.publicKey());
        m.put("tokenSerial", r.tokenSerial());
        m.put("source", r.source());
        m.put("confirmation", r.confirmation());
        m.put("overrides", r.overrides());
        m.put("reasons", r.reasons());
        m.put("warnings", r.warnings());
        m.put("repeatOf", r.repeatOf());
        m.put("tornTail", r.tornTail());
        // Members added after the first format: present only when set, so earlier lines keep their exact form.
        if (r.count() != null) {
            m.put("count", r.count());
        }
        if (r.continues() != null) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("anchorCount", r.continues().anchorCount());
            c.put("anchorHead", r.continues().anchorHead());
            c.put("lostFrom", r.continues().lostFrom());
            c.put("lostTo", r.continues().lostTo());
            m.put("continues", c);
        }
        if (r.keyEvent() != null) {
            m.put("keyEvent", keyEventMembers(r.keyEvent()));
        }
        m.put("prev", r.prev());
        return JsonText.compact(m);
    }

    private static Map<String, Object> keyEventMembers(LedgerRecord.KeyEvent e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ceremonyId", e.ceremonyId());
        m.put("threshold", e.threshold());
        m.put("shares", e.shares());
        m.put("shareIndexes", e.shareIndexes());
        List<Map<String, Object>> tokens = new ArrayList<>();
        for (LedgerRecord.TokenWritten t : e.tokens()) {
            Map<String, Object> tm = new LinkedHashMap<>();
            tm.put("serial", t.serial());
            tm.put("label", t.label());
            tm.put("uri", t.uri());
            tokens.add(tm);
        }
        m.put("tokens", tokens);
        return m;
    }

    private static LedgerRecord.KeyEvent keyEvent(Map<?, ?> n) {
        if (!n.containsKey("keyEvent")) {
            return null;
        }
        Map<?, ?> e = (Map<?, ?>) n.get("keyEvent");
        List<Integer> indexes = new ArrayList<>();
        for (Object o : (List<?>) e.get("shareIndexes")) {
            indexes.add(((Number) o).intValue());
        }
        List<LedgerRecord.TokenWritten> tokens = new ArrayList<>();
        for (Object o : (List<?>) e.get("tokens")) {
            Map<?, ?> t = (Map<?, ?>) o;
            tokens.add(new LedgerRecord.TokenWritten(text(t, "serial"), text(t, "label"), text(t, "uri")));
        }
        return new LedgerRecord.KeyEvent(text(e, "ceremonyId"), (int) number(e, "threshold"), (int) number(e, "shares"), indexes, tokens);
    }

    /** A line that failed to parse or whose hash does not match its content. */
    static final class BadLine extends Exception {
        BadLine(String message) {
            super(message);
        }
    }

    /** Parses a line and checks its own hash (not its link to the previous line). */
    static LedgerRecord parse(String line) throws BadLine {
        int at = line.lastIndexOf(HASH_MEMBER);
        if (at < 0 || !line.endsWith("\"}") || line.length() - at != HASH_MEMBER.length() + 64 + 2) {
            throw new BadLine("it does not end with its \"hash\" member");
        }
        String claimed = line.substring(at + HASH_MEMBER.length(), line.length() - 2);
        String body = line.substring(0, at) + "}";
        if (!Hashes.sha256Hex(body).equals(claimed)) {
            throw new BadLine("its hash does not match its content (the record was edited)");
        }
        Map<?, ?> n;
        try {
            n = (Map<?, ?>) JsonText.parse(line);
        } catch (IOException | ClassCastException e) {
            throw new BadLine("it is not valid JSON");
        }
        try {
            List<LedgerRecord.Entry> entries = new ArrayList<>();
            for (Object o : (List<?>) n.get("entries")) {
                Map<?, ?> e = (Map<?, ?>) o;
                entries.add(new LedgerRecord.Entry(text(e, "name"), number(e, "length"), text(e, "sha256")));
            }
            LedgerRecord r = new LedgerRecord(number(n, "seq"), text(n, "time"), LedgerRecord.Outcome.parse(text(n, "outcome")),
                    text(n, "version"), text(n, "digest"), number(n, "size"), entries, text(n, "key"), text(n, "publicKey"),
                    text(n, "tokenSerial"), text(n, "source"), text(n, "confirmation"), strings(n, "overrides"), strings(n, "reasons"),
                    strings(n, "warnings"), n.get("repeatOf") != null ? number(n, "repeatOf") : null, text(n, "tornTail"),
                    n.containsKey("count") ? number(n, "count") : null, continuation(n.get("continues")), keyEvent(n),
                    text(n, "prev"), claimed);
            if (!body(r).equals(body)) {
                throw new BadLine("it is not in the ledger's own form (members added, removed or reordered)");
            }
            return r;
        } catch (NullPointerException | IllegalArgumentException | ClassCastException e) {
            throw new BadLine("a required member is missing or has the wrong type");
        }
    }

    private static LedgerRecord.Continuation continuation(Object member) {
        if (member == null) {
            return null;
        }
        Map<?, ?> c = (Map<?, ?>) member;
        return new LedgerRecord.Continuation(number(c, "anchorCount"), text(c, "anchorHead"), number(c, "lostFrom"),
                number(c, "lostTo"));
    }

    /** A member that must be present; its value may be null. */
    private static String text(Map<?, ?> n, String name) {
        if (!n.containsKey(name)) {
            throw new IllegalArgumentException(name);
        }
        Object v = n.get(name);
        return v == null ? null : v.toString();
    }

    private static long number(Map<?, ?> n, String name) {
        return ((Number) n.get(name)).longValue();
    }

    private static List<String> strings(Map<?, ?> n, String name) {
        List<String> out = new ArrayList<>();
        Object list = n.get(name);
        if (list != null) {
            for (Object v : (List<?>) list) {
                out.add(String.valueOf(v));
            }
        }
        return out;
    }
}
