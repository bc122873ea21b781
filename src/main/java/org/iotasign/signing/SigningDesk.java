package org.iotasign.signing;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import org.iotasign.IotasignException;
import org.iotasign.RejectedException;
import org.iotasign.crypto.Ed25519PublicKey;
import org.iotasign.crypto.Hashes;
import org.iotasign.espimage.SampleFirmware;
import org.iotasign.ledger.AnchorStore;
import org.iotasign.ledger.Ledger;
import org.iotasign.ledger.LedgerRecord;
import org.iotasign.policy.PolicyDecision;
import org.iotasign.policy.SigningPolicy;
import org.iotasign.release.DeviceVerdict;
import org.iotasign.release.DeviceVerifier;
import org.iotasign.release.FirmwareLimit;
import org.iotasign.release.ReleaseBlob;
import org.iotasign.release.ReleaseEntry;
import org.iotasign.release.ReleaseLayout;
import org.iotasign.release.ReleasePacker;

/**
 * The one signing path of the tool ({@code sign}, {@code usb}, the serial signer):
 * review, then sign with a ledger record written first.
 *
 * <pre>
 * SigningDesk desk = new SigningDesk(SigningKey.of(tokenKey), ledger, new SigningPolicy(overrides), limit);
 * Review r = desk.review(bytes, "usb:/media/op/DRIVE/iotasign/outbox/02_08_05.unsigned");
 * show(r.lines());                       // everything the operator must see
 * if (r.refused()) desk.refuse(r);       // records it; sign() would record it and throw
 * else if (!confirmed) desk.decline(r, "the operator typed another version");
 * else { SignedRelease s = desk.sign(r, Confirmation.TYPED_VERSION); write(s.signed()); }
 * </pre>
 *
 * {@link #sign} re-checks the policy against the ledger under its lock, appends and
 * fsyncs the ledger record, and only then asks the token for a signature; the signature
 * is verified with BouncyCastle and the signed blob gets the device's verdict before it
 * is returned. A ledger that cannot be written means no signature.
 */
public final class SigningDesk {
    private final SigningKey key;
    private final Ledger ledger;
    /** The same file without the token's anchor: for a failure record when the token is gone. */
    private final Ledger fileOnly;
    private final SigningPolicy policy;
    private final FirmwareLimit limit;

    public SigningDesk(SigningKey key, Ledger ledger, SigningPolicy policy, FirmwareLimit limit) {
        this.key = key;
        this.ledger = ledger.anchoredTo(key.anchor());
        this.fileOnly = ledger.anchoredTo(AnchorStore.NONE);
        this.policy = policy;
        this.limit = limit;
    }

    public SigningKey key() {
        return key;
    }

    public Ledger ledger() {
        return ledger;
    }

    /**
     * Reviews a sample release made here and checks a signature, recording and signing
     * nothing: a long-running signer calls this before it takes requests, so its first real
     * review does not wait for the JIT to compile the passes over the blob and for
     * BouncyCastle to build its Ed25519 tables (together a third of that review's time).
     */
    public void warmUp() {
        byte[] firmware = SampleFirmware.build(WARM_UP_VERSION, List.of(key.publicKey()), 256 * 1024);
        byte[] sample = ReleasePacker.pack(WARM_UP_VERSION, List.of(new ReleaseEntry(ReleaseLayout.FIRMWARE_NAME, firmware)), limit).bytes();
        Review r = review(sample, "warm-up");
        r.lines();
        key.publicKey().verify(r.digest(), new byte[Ed25519PublicKey.SIGNATURE_LENGTH]);
    }

    private static final String WARM_UP_VERSION = "00_00_01";

    /** Parses and checks {@code unsigned} (the full bytes as received) against the policy and the ledger. */
    public Review review(byte[] unsigned, String source) {
        return review(unsigned, source, Optional.empty());
    }

    /**
     * @param conflict outside evidence that the version already names other bytes (a
     *                 different signed file of that version on the drive); refuses under rule (d)
     */
    public Review review(byte[] unsigned, String source, Optional<String> conflict) {
        byte[] digest = Hashes.sha256(unsigned);
        ReleaseBlob blob = null;
        String parseProblem = null;
        try {
            blob = ReleaseBlob.parseUnsigned(unsigned, limit);
            if (!Arrays.equals(digest, blob.bodyDigest())) {
                throw new IllegalStateException("the release parser's digest differs from SHA-256 of the blob");
            }
        } catch (RejectedException e) {
            parseProblem = isSigned(unsigned) ? "the blob already ends with a signature: sign the .unsigned blob 'iotasign pack' made"
                    : e.getMessage();
        }
        PolicyDecision decision = evaluate(blob, parseProblem, digest, conflict, ledger.records());
        return new Review(unsigned, digest, source, blob, parseProblem, decision, key, limit, conflict);
    }

    private PolicyDecision evaluate(ReleaseBlob blob, String parseProblem, byte[] digest, Optional<String> conflict,
                                    List<LedgerRecord> history) {
        return policy.evaluate(new SigningPolicy.Request(blob, parseProblem, digest, key.publicKey(), key.neverLeftToken(),
                history, conflict, key.tokenSerial()));
    }

    /**
     * Signs the reviewed bytes. Refusals are recorded in the ledger and thrown as
     * {@link RejectedException}; a repeat of an earlier signature is recorded as such.
     *
     * @throws RejectedException     the policy refuses (now, or after another signer appended meanwhile)
     * @throws org.iotasign.EnvironmentException the ledger cannot be written (nothing was signed), or the token failed
     */
    public SignedRelease sign(Review review, Confirmation confirmation) {
        if (review.refused()) {
            refuse(review);
            throw refusal(review, review.decision());
        }
        AtomicReference<PolicyDecision> now = new AtomicReference<>();
        Ledger.Appended appended;
        try {
            appended = ledger.append(history -> {
                PolicyDecision d = evaluate(review.blob().orElse(null), null, review.digest(), review.conflict(), history);
                now.set(d);
                if (d.refused()) {
                    return draft(review, LedgerRecord.Outcome.REFUSED, confirmation.id(), d, d.reasons());
                }
                return draft(review, d.repeatOf().isPresent() ? LedgerRecord.Outcome.REPEAT : LedgerRecord.Outcome.SIGNED,
                        confirmation.id(), d, List.of());
            });
        } catch (Ledger.AnchorNotMoved e) {
            // Nothing is signed unless the token anchors the record; the record stays and says so.
            if (e.appended().record().outcome().isSignature()) {
                recordFailure(review, e.appended(), confirmation, e);
            }
            throw e;
        }
        if (now.get().refused()) {
            throw refusal(review, now.get());
        }
        try {
            byte[] digest = review.digest();
            byte[] signature = key.signer().sign(digest);
            if (!key.publicKey().verify(digest, signature)) {
                throw new RejectedException("the token's signature does not verify with key " + key.publicKey().fingerprint()
                        + ": the private and public key objects do not belong together; nothing was written, check 'iotasign key list'");
            }
            byte[] unsigned = review.bytes();
            byte[] signed = ReleaseBlob.withSignature(unsigned, signature);
            DeviceVerdict verdict = DeviceVerifier.deviceDecision(signed, key.publicKey());
            if (!verdict.deviceAccepts()) {
                throw new RejectedException("the signed blob fails the device's verification: " + verdict.explanation()
                        + ": nothing was written; report this with the blob");
            }
            return new SignedRelease(signed, signature, review, appended.record());
        } catch (IotasignException | IllegalArgumentException e) {
            recordFailure(review, appended, confirmation, e);
            throw e;
        }
    }

    /** Records that the policy refused the review (for callers that show the refusal themselves). */
    public Ledger.Appended refuse(Review review) {
        if (!review.refused()) {
            throw new IllegalArgumentException("the review is not refused");
        }
        return ledger.append(history -> draft(review, LedgerRecord.Outcome.REFUSED, null, review.decision(), review.reasons()));
    }

    /** Records that the operator did not confirm. */
    public Ledger.Appended decline(Review review, String why) {
        return ledger.append(history -> draft(review, LedgerRecord.Outcome.DECLINED, null, review.decision(), List.of(why)));
    }

    /**
     * Records a request that ended before its review (a serial announcement refused, a
     * transfer cancelled or abandoned): what was announced for it and why it ended. The
     * digest and size are the requester's claims; no version, entries or signature.
     *
     * @param outcome         {@link LedgerRecord.Outcome#REFUSED} or {@link LedgerRecord.Outcome#ABANDONED}
     * @param announcedDigest the announced SHA-256, or null when none could be read
     * @param requests        how many like requests the record stands for (aggregated); 1 for one
     */
    public Ledger.Appended unreviewed(LedgerRecord.Outcome outcome, String source, long announcedSize, byte[] announcedDigest,
                                      String reason, long requests) {
        if (outcome != LedgerRecord.Outcome.REFUSED && outcome != LedgerRecord.Outcome.ABANDONED) {
            throw new IllegalArgumentException("a request without a review is refused or abandoned, not " + outcome.id());
        }
        String digest = announcedDigest == null ? null : HexFormat.of().formatHex(announcedDigest);
        return ledger.append(history -> LedgerRecord.draft(outcome, null, digest, announcedSize, List.of(),
                key.publicKey().fingerprint(), key.publicKey().hex(), key.tokenSerial(), source, null, List.of(),
                List.of(reason), List.of(), null).counting(requests));
    }

    /**
     * Records that the ledger lost records its token anchors and continues it (see
     * {@link Ledger#recover}); the operator has proven the token's PIN by opening the key.
     *
     * @return the recovery record, or empty when the ledger holds what the token anchors
     */
    public Optional<Ledger.Appended> recover(String source) {
        return ledger.recover(status -> LedgerRecord.draft(LedgerRecord.Outcome.RECOVERED, null, null, 0, List.of(),
                key.publicKey().fingerprint(), key.publicKey().hex(), key.tokenSerial(), source, null, List.of(),
                List.of(status.finding()), List.of(), null));
    }

    /**
     * Records a failed signature; when the token is gone the record goes to the file alone
     * (it only adds to the history: the file is then one record ahead of the anchor).
     */
    private void recordFailure(Review review, Ledger.Appended signedRecord, Confirmation confirmation, RuntimeException e) {
        Function<List<LedgerRecord>, LedgerRecord> failed = history -> draft(review, LedgerRecord.Outcome.FAILED, confirmation.id(),
                review.decision(), List.of("the signature recorded as ledger record " + signedRecord.seq() + " failed: " + e.getMessage()));
        try {
            ledger.append(failed);
        } catch (Ledger.AnchorNotMoved written) {
            // The failure record is on disk; the anchor catches up with the next record.
        } catch (RuntimeException anchorGone) {
            try {
                fileOnly.append(failed);
            } catch (RuntimeException ignored) {
                // The original failure is what the operator must see; the ledger already shows the attempt.
            }
        }
    }

    /** One line: the first reason, what to do about it, and how many more there are. */
    private RejectedException refusal(Review review, PolicyDecision d) {
        List<org.iotasign.policy.Violation> refusing = d.violations().stream().filter(v -> !v.overridden()).toList();
        org.iotasign.policy.Violation first = refusing.get(0);
        String what = first.message() + first.rule().overrideFlag().map(f -> "; to sign anyway pass " + f + " (recorded in the ledger)").orElse("");
        String more = refusing.size() > 1 ? " (and " + (refusing.size() - 1) + " more reasons: see the review)" : "";
        // A blob that does not parse is refused in the parser's own words.
        return new RejectedException(review.version().map(v -> "refusing to sign version " + v + ": ").orElse("") + what + more);
    }

    private LedgerRecord draft(Review review, LedgerRecord.Outcome outcome, String confirmation, PolicyDecision d,
                               List<String> reasons) {
        return LedgerRecord.draft(outcome, review.version().orElse(null), review.digestHex(), review.size(), review.ledgerEntries(),
                key.publicKey().fingerprint(), key.publicKey().hex(), key.tokenSerial(), review.source(), confirmation,
                outcome.isSignature() ? d.overridesUsed() : List.of(), reasons, review.warnings(),
                outcome == LedgerRecord.Outcome.REPEAT ? d.repeatOf().get().seq() : null);
    }

    private boolean isSigned(byte[] blob) {
        try {
            ReleaseBlob.parseSigned(blob, limit);
            return true;
        } catch (RejectedException e) {
            return false;
        }
    }
}
