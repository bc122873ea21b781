package org.iotasign.seriallink;

import java.io.PrintWriter;
import java.security.MessageDigest;
import java.util.List;

import org.iotasign.EnvironmentException;
import org.iotasign.crypto.Fingerprints;
import org.iotasign.io.TerminalText;
import org.iotasign.ledger.LedgerRecord;
import org.iotasign.signing.Confirmation;
import org.iotasign.signing.Operator;
import org.iotasign.signing.Review;
import org.iotasign.signing.SignedRelease;
import org.iotasign.signing.SigningDesk;

/**
 * The serial signer's answer to a received blob, through the one signing path of the
 * tool ({@link SigningDesk}, shared with {@code sign} and {@code usb}): the review on the
 * operator's terminal, the signing policy, the operator's confirmation, and a ledger
 * record for every signature, refusal and decline; requests that never reach the review
 * get a {@code refused} or {@code abandoned} record with what was announced.
 */
public final class DeskSigningService implements BlobSigningService, UnreviewedRequests {
    private final SigningDesk desk;
    private final Operator operator;
    private final PrintWriter out;
    private final String source;
    private final SignerConsole console;

    /** @param source how the ledger names where blobs came from, e.g. {@code serial:/dev/ttyUSB0} */
    public DeskSigningService(SigningDesk desk, Operator operator, PrintWriter out, String source) {
        this(desk, operator, out, source, null);
    }

    /** @param console shows the review and keeps it on screen while the operator decides; null prints it plainly */
    public DeskSigningService(SigningDesk desk, Operator operator, PrintWriter out, String source, SignerConsole console) {
        this.desk = desk;
        this.operator = operator;
        this.out = out;
        this.source = source;
        this.console = console;
    }

    @Override
    public Verdict handle(byte[] unsignedBlob, byte[] announcedDigest) {
        Review review = desk.review(unsignedBlob, source);
        out.println();
        out.flush();
        Operator.Answer answer = null;
        try {
            if (console != null) {
                console.showReview(review.lines());
            } else {
                review.lines().forEach(out::println);
                out.flush();
            }
            if (MessageDigest.isEqual(review.digest(), announcedDigest) && !review.refused() && !review.isRepeat()) {
                answer = operator.ask(review);
            }
        } finally {
            if (console != null) {
                console.reviewAnswered();
            }
        }
        if (!MessageDigest.isEqual(review.digest(), announcedDigest)) {
            String why = "the bridge announced digest " + Fingerprints.of(announcedDigest) + " but the bytes received hash to "
                    + review.digestFingerprint();
            desk.decline(review, why);
            return refused(review, RefusalCode.DIGEST_MISMATCH, why + ": nothing was signed; check the bridge and submit again");
        }
        if (review.refused()) {
            desk.refuse(review);
            List<String> reasons = review.reasons();
            return refused(review, RefusalCode.REJECTED, reasons.get(0)
                    + (reasons.size() > 1 ? " (and " + (reasons.size() - 1) + " more reasons, shown at the signer)" : ""));
        }
        Confirmation mode;
        if (answer == null) {
            mode = Confirmation.REPEAT;
        } else {
            if (!answer.confirmed()) {
                desk.decline(review, answer.why());
                return refused(review, RefusalCode.DECLINED, answer.why());
            }
            mode = answer.mode();
        }
        // A refusal found under the ledger lock surfaces as RejectedException, a ledger or
        // token failure as EnvironmentException: SerialSigner turns both into verdicts.
        SignedRelease signed = desk.sign(review, mode);
        out.println("signed " + TerminalText.of(signed.version()) + " (ledger record " + signed.record().seq()
                + (signed.isRepeat() ? ", a repeat of record " + signed.record().repeatOf() : "") + ")");
        out.flush();
        return new Verdict.Signed(review.digest(), signed.signature());
    }

    /** A ledger that cannot take the record does not stop the signer (nothing was signed): the console says what was lost. */
    @Override
    public void record(Ending ending, long announcedLength, byte[] announcedDigest, String reason) {
        LedgerRecord.Outcome outcome = ending == Ending.REFUSED ? LedgerRecord.Outcome.REFUSED : LedgerRecord.Outcome.ABANDONED;
        try {
            desk.unreviewed(outcome, source, announcedLength, announcedDigest, reason);
        } catch (EnvironmentException e) {
            out.println("not recorded in the ledger (" + outcome.id() + ": " + TerminalText.line(reason) + "): " + TerminalText.line(e.getMessage()));
            out.flush();
        }
    }

    private Verdict refused(Review review, RefusalCode code, String reason) {
        out.println("not signed: " + TerminalText.line(reason));
        out.flush();
        return new Verdict.Refused(review.digest(), code, reason);
    }
}
