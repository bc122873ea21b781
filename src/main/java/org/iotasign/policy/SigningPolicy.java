package org.iotasign.policy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.iotasign.crypto.Ed25519PublicKey;
import org.iotasign.crypto.Fingerprints;
import org.iotasign.espimage.ImageCheck;
import org.iotasign.ledger.LedgerRecord;
import org.iotasign.release.ReleaseBlob;
import org.iotasign.release.ReleaseVersion;

/**
 * The signing policy shared by {@code sign}, {@code usb} and the serial signer: decides
 * from the blob, the signing key and the ledger's history whether a signature may be
 * made, and which override flags it takes. Pure: no I/O.
 */
public final class SigningPolicy {
    private final Set<PolicyRule> overrides;

    /** @param overrides the rules the operator chose to override for this run */
    public SigningPolicy(Set<PolicyRule> overrides) {
        for (PolicyRule r : overrides) {
            if (r.overrideFlag().isEmpty()) {
                throw new IllegalArgumentException("rule " + r + " has no override");
            }
        }
        this.overrides = overrides.isEmpty() ? EnumSet.noneOf(PolicyRule.class) : EnumSet.copyOf(overrides);
    }

    public Set<PolicyRule> overrides() {
        return EnumSet.copyOf(overrides.isEmpty() ? EnumSet.noneOf(PolicyRule.class) : overrides);
    }

    /**
     * What a signing request must satisfy.
     *
     * @param blob           the parsed unsigned blob, or null when it does not parse
     * @param parseProblem   why it does not parse (when blob is null)
     * @param digest         SHA-256 of the full unsigned bytes
     * @param key            the signing key
     * @param keyNeverLeftToken false for extractable or imported keys
     * @param history        the ledger's committed records
     * @param conflict       outside evidence that the version names other bytes (e.g. a signed file on the drive)
     * @param tokenSerial    the serial of the token holding the key, to find the ceremony or restore that put it there (may be null)
     */
    public record Request(ReleaseBlob blob, String parseProblem, byte[] digest, Ed25519PublicKey key, boolean keyNeverLeftToken,
                          List<LedgerRecord> history, Optional<String> conflict, String tokenSerial) {
        public Request(ReleaseBlob blob, String parseProblem, byte[] digest, Ed25519PublicKey key, boolean keyNeverLeftToken,
                       List<LedgerRecord> history, Optional<String> conflict) {
            this(blob, parseProblem, digest, key, keyNeverLeftToken, history, conflict, null);
        }
    }

    public PolicyDecision evaluate(Request req) {
        List<Violation> out = new ArrayList<>();
        String digestHex = HexFormat.of().formatHex(req.digest());
        String keyHex = req.key().hex();
        KeyBirth birth = KeyBirth.of(req.keyNeverLeftToken(), keyHex, req.tokenSerial(), req.history());
        if (!birth.accounted()) {
            add(out, PolicyRule.EXTRACTABLE_KEY, "key " + req.key().fingerprint()
                    + " is extractable or was imported outside a recorded ceremony or restore, so copies of it may exist outside the token");
        }
        if (req.blob() == null) {
            add(out, PolicyRule.RELEASE_PROBLEMS, req.parseProblem());
            return new PolicyDecision(out, Optional.empty(), Optional.empty(), birth);
        }
        ReleaseBlob blob = req.blob();
        for (String p : blob.findings().problems()) {
            add(out, PolicyRule.RELEASE_PROBLEMS, p);
        }
        if (blob.firmware() == null) {
            if (!blob.findings().hasProblems()) {
                add(out, PolicyRule.RELEASE_PROBLEMS, "the release has no usable iotawatt.bin: the device rejects it");
            }
        } else {
            if (!blob.firmwareEmbeds(req.key())) {
                add(out, PolicyRule.MISSING_OWN_KEY, "iotawatt.bin does not embed the signing key " + req.key().fingerprint()
                        + ": every device that installs it could never verify a later update from this key and would need a serial re-flash");
            }
            if (blob.imageCheck().orElseThrow().kind() == ImageCheck.Kind.GZIP) {
                add(out, PolicyRule.GZIP_FIRMWARE, "iotawatt.bin is gzip-compressed: only devices running ESP8266 core 2.7.0 or later install it,"
                        + " and IoTaWatt's 2.6.3 refuses it");
            }
            if (!req.key().equals(Ed25519PublicKey.STOCK_IOTAWATT) && blob.firmwareEmbeds(Ed25519PublicKey.STOCK_IOTAWATT)) {
                add(out, PolicyRule.STOCK_KEY, "iotawatt.bin still embeds the stock IoTaWatt key "
                        + Ed25519PublicKey.STOCK_IOTAWATT.fingerprint() + ": devices running it would also accept updates signed by iotawatt.com");
            }
        }
        String version = blob.version();
        List<LedgerRecord> signatures = req.history().stream().filter(r -> r.outcome().isSignature()).toList();
        Optional<LedgerRecord> repeatOf = signatures.stream()
                .filter(r -> digestHex.equals(r.digest()) && keyHex.equals(r.publicKey())).findFirst();
        signatures.stream().filter(r -> version.equals(r.version()) && !digestHex.equals(r.digest())).findFirst()
                .ifPresent(r -> add(out, PolicyRule.VERSION_REUSED, "version " + version + " was already signed with other content (ledger record "
                        + r.seq() + ", blob " + Fingerprints.of(HexFormat.of().parseHex(r.digest())) + "): devices cache releases by version, so give this build a new version"));
        req.conflict().ifPresent(c -> add(out, PolicyRule.VERSION_REUSED, c));
        Optional<LedgerRecord> previous = signatures.stream()
                .filter(r -> keyHex.equals(r.publicKey()) && r.version() != null && !digestHex.equals(r.digest()))
                .max(Comparator.comparing(LedgerRecord::version, ReleaseVersion.ORDER).thenComparingLong(LedgerRecord::seq));
        if (repeatOf.isEmpty() && previous.isPresent() && ReleaseVersion.ORDER.compare(version, previous.get().version()) < 0) {
            add(out, PolicyRule.DOWNGRADE, "version " + version + " is lower than " + previous.get().version()
                    + ", already signed with this key (ledger record " + previous.get().seq() + "): devices would be rolled back");
        }
        return new PolicyDecision(out, repeatOf, previous, birth);
    }

    private void add(List<Violation> out, PolicyRule rule, String message) {
        out.add(new Violation(rule, message, overrides.contains(rule)));
    }
}
