package org.iotasign.signing;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import org.iotasign.crypto.Ed25519PublicKey;
import org.iotasign.crypto.Fingerprints;
import org.iotasign.io.TerminalText;
import org.iotasign.ledger.LedgerRecord;
import org.iotasign.policy.PolicyDecision;
import org.iotasign.policy.Violation;
import org.iotasign.release.FirmwareLimit;
import org.iotasign.release.ReleaseBlob;
import org.iotasign.release.ReleaseSummary;

/**
 * Everything the operator must see before a signature, made by {@link SigningDesk#review}.
 * Holds its own copy of the bytes: exactly these bytes are signed, whatever happens to
 * the file or the link they came from afterwards.
 */
public final class Review {
    private final byte[] bytes;
    private final byte[] digest;
    private final String source;
    private final ReleaseBlob blob;
    private final String parseProblem;
    private final PolicyDecision decision;
    private final SigningKey key;
    private final FirmwareLimit limit;
    private final Optional<String> conflict;

    Review(byte[] bytes, byte[] digest, String source, ReleaseBlob blob, String parseProblem, PolicyDecision decision,
           SigningKey key, FirmwareLimit limit, Optional<String> conflict) {
        this.conflict = conflict;
        this.bytes = bytes.clone();
        this.digest = digest.clone();
        this.source = source;
        this.blob = blob;
        this.parseProblem = parseProblem;
        this.decision = decision;
        this.key = key;
        this.limit = limit;
    }

    /** The unsigned bytes that a signature would cover. */
    public byte[] bytes() {
        return bytes.clone();
    }

    int size() {
        return bytes.length;
    }

    /** SHA-256 of the full unsigned bytes, computed by the desk: the message that is signed. */
    public byte[] digest() {
        return digest.clone();
    }

    public String digestHex() {
        return HexFormat.of().formatHex(digest);
    }

    /** The short form the build machine's {@code iotasign pack} printed. */
    public String digestFingerprint() {
        return Fingerprints.of(digest);
    }

    public String source() {
        return source;
    }

    /** The release version; empty when the blob does not parse. */
    public Optional<String> version() {
        return blob == null ? Optional.empty() : Optional.of(blob.version());
    }

    public Optional<ReleaseBlob> blob() {
        return Optional.ofNullable(blob);
    }

    /** Outside evidence of another blob with this version, given to {@link SigningDesk#review}. */
    Optional<String> conflict() {
        return conflict;
    }

    public PolicyDecision decision() {
        return decision;
    }

    public boolean refused() {
        return decision.refused();
    }

    /** True when these exact bytes were signed with this key before: signing again gives the same signature. */
    public boolean isRepeat() {
        return decision.repeatOf().isPresent();
    }

    public List<String> reasons() {
        return decision.reasons();
    }

    public List<String> warnings() {
        return blob == null ? List.of() : blob.findings().warnings();
    }

    List<LedgerRecord.Entry> ledgerEntries() {
        List<LedgerRecord.Entry> out = new ArrayList<>();
        if (blob != null) {
            blob.entries().forEach(e -> out.add(new LedgerRecord.Entry(e.name(), e.length(), HexFormat.of().formatHex(e.sha256().orElseThrow()))));
        }
        return out;
    }

    /**
     * The review as terminal lines, in the order the operator reads it. Every field that
     * came from outside (source, version, entry names, quoted reasons) is rendered by
     * {@link TerminalText} and quoted, so nothing in it can pass for a line of the tool;
     * the last line is the digest fingerprint this desk computed, which the prompt follows.
     */
    public List<String> lines() {
        List<String> out = new ArrayList<>();
        out.add("source       " + TerminalText.quoted(source));
        if (blob == null) {
            out.add("size         " + bytes.length + " bytes");
            out.add("not a valid unsigned release blob: " + TerminalText.line(parseProblem));
        } else {
            out.addAll(ReleaseSummary.text(blob, List.of(
                    new ReleaseSummary.NamedKey("signing", key.publicKey()),
                    new ReleaseSummary.NamedKey("stock IoTaWatt", Ed25519PublicKey.STOCK_IOTAWATT))).stream()
                    .filter(l -> !l.startsWith("problem: ") && !l.startsWith("warning: ") && !l.startsWith("fingerprint  ")).toList());
            byte[] fw = blob.firmware();
            if (fw != null) {
                out.add(String.format("OTA space    firmware %d of %d bytes (%d%%, %s)", fw.length, limit.maxBytes(),
                        Math.round(100.0 * fw.length / limit.maxBytes()), limit.source()));
            }
        }
        out.add("signing key  " + key.publicKey().fingerprint() + " on token serial " + TerminalText.quoted(key.tokenSerial())
                + " (" + TerminalText.of(key.description()) + ")");
        out.add("key born     " + TerminalText.line(decision.keyBirth().describe()));
        out.add(key.anchor().available() ? "ledger       anchored on " + TerminalText.line(key.anchor().describe())
                : "ledger       NOT anchored: " + TerminalText.line(key.anchor().describe()) + " cannot hold a ledger anchor, the ledger has only its file's protection");
        if (decision.previous().isPresent()) {
            LedgerRecord p = decision.previous().get();
            out.add("previous     " + TerminalText.quoted(p.version()) + " signed " + TerminalText.of(p.time())
                    + " (ledger record " + p.seq() + "), changes:");
            if (blob != null) {
                out.addAll(ReleaseChanges.between(p.entries(), blob.entries()).lines());
            }
        } else {
            out.add("previous     none: the first release signed with this key in this ledger");
        }
        decision.repeatOf().ifPresent(r -> out.add("repeat       identical to ledger record " + r.seq()
                + ": signing again gives the same signature"));
        for (Violation v : decision.violations()) {
            out.add("policy       " + TerminalText.line(v.describe()));
        }
        warnings().forEach(w -> out.add("warning      " + TerminalText.line(w)));
        out.add(refused() ? "verdict      REFUSED: nothing will be signed" : "verdict      may be signed");
        out.add(fingerprintLine());
        return out;
    }

    /** The digest fingerprint as computed here over the exact bytes a signature would cover. */
    public String fingerprintLine() {
        return "fingerprint  " + digestFingerprint() + "  computed here over the " + bytes.length + " bytes";
    }
}
