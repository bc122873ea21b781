package org.iotasign.seriallink;

import java.io.PrintWriter;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import org.iotasign.EnvironmentException;
import org.iotasign.crypto.Fingerprints;
import org.iotasign.io.TerminalText;
import org.iotasign.ledger.Ledger;
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
 * record for every signature, refusal and decline (every blob that reaches the review has
 * its own record); requests that never reach the review get a {@code refused} or
 * {@code abandoned} record with what was announced.
 *
 * <p>Those unreviewed records are aggregated so that a bridge cannot grow the ledger
 * without bound: per {@link UnreviewedRequests.Cause}, at most one record per
 * {@link #WINDOW}. The first request of a cause is recorded at once; later ones within the
 * window are counted, and the next record of that cause (or {@link #flush} when the
 * signer stops) stands for all of them with its {@code count}, the last one's announcement
 * and reason.
 */
public final class DeskSigningService implements BlobSigningService, UnreviewedRequests {
    public static final Duration WINDOW = Duration.ofMinutes(1);

    private final SigningDesk desk;
    private final Operator operator;
    private final PrintWriter out;
    private final String source;
    private final SignerConsole console;
    private final Clock clock;
    private final Map<Cause, Held> held = new EnumMap<>(Cause.class);

    /** The requests of one cause since its last record. */
    private static final class Held {
        Instant lastRecord;
        long count;
        long length;
        byte[] digest;
        String reason;
        Instant since;
    }

    /** @param source how the ledger names where blobs came from, e.g. {@code serial:/dev/ttyUSB0} */
    public DeskSigningService(SigningDesk desk, Operator operator, PrintWriter out, String source) {
        this(desk, operator, out, source, null, Clock.systemUTC());
    }

    /** @param console shows the review and keeps it on screen while the operator decides; null prints it plainly */
    public DeskSigningService(SigningDesk desk, Operator operator, PrintWriter out, String source, SignerConsole console) {
        this(desk, operator, out, source, console, Clock.systemUTC());
    }

    /** @param clock decides the aggregation windows of records for requests that never reach review */
    public DeskSigningService(SigningDesk desk, Operator operator, PrintWriter out, String source, SignerConsole console,
                              Clock clock) {
        this.desk = desk;
        this.operator = operator;
        this.out = out;
        this.source = source;
        this.console = console;
        this.clock = clock;
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
    public synchronized void record(Cause cause, long announcedLength, byte[] announcedDigest, String reason) {
        Instant now = clock.instant();
        Held h = held.computeIfAbsent(cause, c -> new Held());
        if (h.count == 0) {
            h.since = now;
        }
        h.count++;
        h.length = announcedLength;
        h.digest = announcedDigest == null ? null : announcedDigest.clone();
        h.reason = reason;
        if (h.lastRecord == null || !now.isBefore(h.lastRecord.plus(WINDOW))) {
            write(cause, h);
            h.lastRecord = now;
        }
    }

    /** Records every cause with requests held back since its last record. */
    @Override
    public synchronized void flush() {
        held.forEach((cause, h) -> {
            if (h.count > 0) {
                write(cause, h);
            }
        });
    }

    private void write(Cause cause, Held h) {
        LedgerRecord.Outcome outcome = cause.ending() == Ending.REFUSED ? LedgerRecord.Outcome.REFUSED : LedgerRecord.Outcome.ABANDONED;
        String reason = h.count == 1 ? h.reason
                : h.count + " requests of this kind since " + h.since.truncatedTo(ChronoUnit.SECONDS) + ", the last: " + h.reason;
        long count = h.count;
        h.count = 0;
        try {
            desk.unreviewed(outcome, source, h.length, h.digest, reason, count);
        } catch (Ledger.AnchorNotMoved e) {
            out.println("recorded as ledger record " + e.appended().seq() + ", but " + e.getCause().getMessage()
                    + ": the token's anchor catches up with the next record");
            out.flush();
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
