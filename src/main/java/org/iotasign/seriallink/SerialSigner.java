package org.iotasign.seriallink;

import java.io.IOException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;

import org.iotasign.EnvironmentException;
import org.iotasign.RejectedException;
import org.iotasign.crypto.Ed25519PublicKey;
import org.iotasign.crypto.Fingerprints;
import org.iotasign.crypto.Hashes;

/**
 * The signer end of the serial link. It holds at most one transfer (at most
 * {@code maxBlobBytes} of memory), hashes the bytes as they arrive in order, and once
 * every byte is in hands them to the {@link BlobSigningService} on a worker thread so the
 * link keeps answering while the operator reviews. Before a signature leaves, it checks
 * that the bridge's announced digest equals the digest of the bytes received, that the
 * service signed exactly that digest, and that the signature verifies under the
 * signer's key. Transfer state survives a broken link: {@link #serve} can be called again
 * on a reopened link and the bridge resumes from the last acknowledged chunk.
 *
 * <p>A request that never reaches the review (an announcement refused, a transfer
 * cancelled, abandoned, replaced or cut by {@link #close}) is reported once to
 * {@link UnreviewedRequests}; a blob that reaches the review is recorded by the service.
 */
public final class SerialSigner implements AutoCloseable {
    private static final int POLL_MILLIS = 20;
    /**
     * While a review runs the loop looks for its verdict this often: the verdict is pushed
     * to the bridge as soon as it is found, where a 20 ms poll would add up to 20 ms to each
     * signature (a fifth of the 100 ms a 1 MiB blob may spend outside the transfer to stay
     * within 0.97 of line rate, docs/benchmarks.md). Only during a review, so an idle
     * signer stays quiet.
     */
    private static final int REVIEW_POLL_MILLIS = 2;

    private final BlobSigningService service;
    private final Ed25519PublicKey key;
    private final SignerSettings settings;
    private final SignerListener listener;
    private final UnreviewedRequests unreviewed;
    private final ExecutorService reviewer;
    private final SecureRandom random = new SecureRandom();
    private Transfer current;
    /** The payload of the last announcement refused since a transfer started: its retries are not recorded again. */
    private byte[] lastRefusedAnnouncement;

    private enum State { RECEIVING, REVIEWING, DONE }

    /** One blob being received, reviewed, or answered. */
    private static final class Transfer {
        final int id;
        final int announceSeq;
        final Messages.Announce announce;
        final int totalChunks;
        byte[] buffer;
        final MessageDigest sha;
        int nextChunk;
        State state = State.RECEIVING;
        Future<Verdict> review;
        Verdict verdict;
        long lastHeard = System.nanoTime();

        Transfer(int id, int announceSeq, Messages.Announce announce) {
            this.id = id;
            this.announceSeq = announceSeq;
            this.announce = announce;
            this.totalChunks = announce.totalChunks();
            this.buffer = new byte[(int) announce.length()];
            this.sha = Hashes.sha256();
        }

        long receivedBytes() {
            return Math.min(announce.length(), (long) nextChunk * announce.chunkSize());
        }
    }

    public SerialSigner(BlobSigningService service, UnreviewedRequests unreviewed, Ed25519PublicKey key, SignerSettings settings,
                        SignerListener listener) {
        this.service = service;
        this.unreviewed = unreviewed;
        this.key = key;
        this.settings = settings;
        this.listener = listener;
        this.reviewer = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "serial-signer-review");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Answers the bridge on {@code link} until {@code stop} says so. Returns normally when
     * stopped; throws IOException when the link fails (the caller may reopen it and call
     * again: the transfer in progress is kept for the bridge to resume).
     */
    public void serve(Link link, BooleanSupplier stop) throws IOException {
        FrameChannel ch = new FrameChannel(link);
        while (!stop.getAsBoolean()) {
            Frame f = ch.receive(reviewing() ? REVIEW_POLL_MILLIS : POLL_MILLIS);
            if (f != null) {
                handle(ch, f);
            }
            finishReview(ch);
            expireIdleTransfer();
        }
    }

    /**
     * Serves until {@code stop} says so, reopening the link whenever it fails (a USB-serial
     * adapter unplugged and plugged in again): the transfer in progress is kept, so the
     * bridge resumes. Failed opens are retried every {@code retry}.
     */
    public void run(LinkOpener opener, BooleanSupplier stop, Duration retry) {
        boolean reported = false;
        while (!stop.getAsBoolean()) {
            Link link;
            try {
                link = opener.open();
                reported = false;
            } catch (IOException e) {
                if (!reported) {
                    listener.linkLost("the serial port", e.getMessage());
                    reported = true;
                }
                sleep(retry);
                continue;
            }
            try {
                serve(link, stop);
            } catch (IOException e) {
                listener.linkLost(link.name(), e.getMessage());
                reported = true;
            } finally {
                link.close();
            }
        }
    }

    private void sleep(Duration d) {
        long until = System.nanoTime() + d.toNanos();
        try {
            while (System.nanoTime() < until) {
                Thread.sleep(Math.min(50, Math.max(1, (until - System.nanoTime()) / 1_000_000L)));
                synchronized (this) {
                    // A review may finish while the port is away; its verdict waits in DONE.
                    expireIdleTransfer();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private synchronized boolean reviewing() {
        return current != null && current.state == State.REVIEWING;
    }

    /** Bytes of blob memory held right now; never more than the maximum blob size. */
    public synchronized long heldBytes() {
        return current == null || current.buffer == null ? 0 : current.buffer.length;
    }

    @Override
    public synchronized void close() {
        if (current != null && current.state != State.DONE) {
            end(UnreviewedRequests.Cause.SIGNER_STOPPED, "the signer stopped");
        }
        current = null;
        reviewer.shutdownNow();
        unreviewed.flush();
    }

    private synchronized void handle(FrameChannel ch, Frame f) throws IOException {
        if (current != null && f.transfer() == current.id) {
            current.lastHeard = System.nanoTime();
        }
        switch (f.type()) {
            case HELLO -> hello(ch, f);
            case ANNOUNCE -> announce(ch, f);
            case DATA -> data(ch, f);
            case QUERY -> query(ch, f);
            case CANCEL -> cancel(ch, f);
            default -> {
                // Frames only a signer sends are ignored: a looped-back line must not confuse us.
            }
        }
    }

    private void hello(FrameChannel ch, Frame f) throws IOException {
        int version = f.payload().length >= 1 ? f.payload()[0] & 0xFF : 0;
        if (version != Protocol.VERSION) {
            error(ch, f, ErrorCode.UNSUPPORTED_VERSION, "this signer speaks serial link protocol version " + Protocol.VERSION
                    + ", the bridge asked for " + version + ": update the bridge or the signer");
            return;
        }
        Messages.Hello hello;
        try {
            hello = Messages.Hello.decode(f);
        } catch (Messages.MalformedPayload e) {
            error(ch, f, ErrorCode.BAD_REQUEST, e.getMessage());
            return;
        }
        Messages.HelloOk ok = new Messages.HelloOk(Protocol.VERSION, settings.window(), Math.min(settings.maxChunk(), hello.maxChunk()),
                settings.maxBlobBytes(), key, Messages.HelloOk.fingerprintBytes(key));
        ch.send(new Frame(FrameType.HELLO_OK, 0, 0, f.seq(), ok.encode()));
    }

    private void announce(FrameChannel ch, Frame f) throws IOException {
        Messages.Announce a;
        try {
            a = Messages.Announce.decode(f);
        } catch (Messages.MalformedPayload e) {
            refuseAnnouncement(ch, f, UnreviewedRequests.Cause.MALFORMED, 0, null, e.getMessage());
            return;
        }
        if (a.chunkSize() < Protocol.MIN_CHUNK || a.chunkSize() > settings.maxChunk()) {
            refuseAnnouncement(ch, f, UnreviewedRequests.Cause.CHUNK_SIZE, a.length(), a.digest(), "chunk size " + a.chunkSize() + " outside " + Protocol.MIN_CHUNK
                    + ".." + settings.maxChunk());
            return;
        }
        if (a.length() < 1) {
            refuseAnnouncement(ch, f, UnreviewedRequests.Cause.EMPTY, a.length(), a.digest(), "an empty blob cannot be signed");
            return;
        }
        if (a.length() > settings.maxBlobBytes()) {
            // Refused before a single byte is allocated or received.
            Verdict.Refused r = new Verdict.Refused(null, RefusalCode.TOO_LARGE, "the announced blob of " + a.length()
                    + " bytes exceeds this signer's maximum of " + settings.maxBlobBytes() + " bytes");
            recordRefusedAnnouncement(f, UnreviewedRequests.Cause.TOO_LARGE, a.length(), a.digest(), r.reason());
            listener.verdict(0, r);
            ch.send(new Frame(FrameType.REFUSED, 0, 0, f.seq(), Messages.refused(r)));
            return;
        }
        Transfer t = current;
        boolean sameBlob = t != null && t.announce.sameBlob(a);
        boolean resume = sameBlob && (f.transfer() == t.id && f.transfer() != 0
                || (f.flags() & Frame.FLAG_RESUME) != 0 && t.state != State.DONE
                || f.transfer() == 0 && f.seq() == t.announceSeq);
        if (resume) {
            t.lastHeard = System.nanoTime();
            listener.transferStarted(t.id, a.length(), a.digest(), true, t.receivedBytes());
            ch.send(new Frame(FrameType.READY, 0, t.id, f.seq(), Messages.u32(t.nextChunk)));
            return;
        }
        if (t != null && t.state == State.REVIEWING) {
            error(ch, f, ErrorCode.BUSY, "the signer is reviewing another blob: submit again when its verdict is out");
            return;
        }
        if (t != null && t.state == State.RECEIVING) {
            end(UnreviewedRequests.Cause.REPLACED, "a new blob was announced");
        }
        current = null;
        int id;
        do {
            id = random.nextInt();
        } while (id == 0);
        current = new Transfer(id, f.seq(), a);
        lastRefusedAnnouncement = null;
        listener.transferStarted(id, a.length(), a.digest(), false, 0);
        ch.send(new Frame(FrameType.READY, 0, id, f.seq(), Messages.u32(0)));
    }

    private void data(FrameChannel ch, Frame f) throws IOException {
        Transfer t = current;
        if (t == null || f.transfer() != t.id) {
            error(ch, f, ErrorCode.NO_TRANSFER, "no transfer " + Integer.toUnsignedString(f.transfer()) + " here: announce the blob again");
            return;
        }
        long index = Integer.toUnsignedLong(f.seq());
        if (index >= t.totalChunks) {
            error(ch, f, ErrorCode.BAD_REQUEST, "chunk " + index + " lies beyond the announced " + t.announce.length() + " bytes");
            return;
        }
        if (t.state != State.RECEIVING || index < t.nextChunk) {
            ack(ch, t, 0);
            return;
        }
        if (index > t.nextChunk) {
            ack(ch, t, Frame.FLAG_GAP);
            return;
        }
        long offset = index * t.announce.chunkSize();
        int expected = (int) Math.min(t.announce.chunkSize(), t.announce.length() - offset);
        if (f.payload().length != expected) {
            error(ch, f, ErrorCode.BAD_REQUEST, "chunk " + index + " holds " + f.payload().length + " bytes, expected " + expected);
            return;
        }
        System.arraycopy(f.payload(), 0, t.buffer, (int) offset, expected);
        t.sha.update(f.payload());
        t.nextChunk++;
        listener.progress(t.id, t.receivedBytes(), t.announce.length());
        if (t.nextChunk == t.totalChunks) {
            startReview(t);
        }
        ack(ch, t, 0);
    }

    private void ack(FrameChannel ch, Transfer t, int flags) throws IOException {
        ch.send(new Frame(FrameType.ACK, flags, t.id, t.nextChunk, new byte[0]));
    }

    private void startReview(Transfer t) {
        byte[] received = t.sha.digest();
        byte[] blob = t.buffer;
        byte[] announced = t.announce.digest();
        t.state = State.REVIEWING;
        listener.reviewing(t.id, received);
        t.review = reviewer.submit(() -> guard(askService(blob, announced), received, announced));
    }

    private Verdict askService(byte[] blob, byte[] announced) {
        try {
            return service.handle(blob, announced.clone());
        } catch (RejectedException e) {
            return new Verdict.Refused(null, RefusalCode.REJECTED, e.getMessage());
        } catch (EnvironmentException e) {
            return new Verdict.Refused(null, RefusalCode.SIGNER_FAULT, e.getMessage());
        } catch (RuntimeException e) {
            return new Verdict.Refused(null, RefusalCode.SIGNER_FAULT, "the signer failed: " + e.getMessage());
        }
    }

    /**
     * The last gate before a signature crosses the link: the bridge's claim, the bytes
     * received and the service's signature must all agree, whatever the service returned.
     */
    private Verdict guard(Verdict v, byte[] received, byte[] announced) {
        if (!Arrays.equals(received, announced)) {
            return new Verdict.Refused(received, RefusalCode.DIGEST_MISMATCH, "the bytes received hash to "
                    + Fingerprints.of(received) + " but the bridge announced " + Fingerprints.of(announced)
                    + ": nothing was signed; check the bridge and submit again");
        }
        if (v instanceof Verdict.Refused r) {
            return r.digest() == null ? new Verdict.Refused(received, r.code(), r.reason()) : r;
        }
        Verdict.Signed s = (Verdict.Signed) v;
        if (!Arrays.equals(s.digest(), received) || !key.verify(received, s.signature())) {
            return new Verdict.Refused(received, RefusalCode.SIGNER_FAULT, "the signature produced does not verify for digest "
                    + HexFormat.of().formatHex(received) + " under key " + key.fingerprint() + ": nothing was sent; check the token and key");
        }
        return s;
    }

    private synchronized void finishReview(FrameChannel ch) throws IOException {
        Transfer t = current;
        if (t == null || t.state != State.REVIEWING || !t.review.isDone()) {
            return;
        }
        Verdict v;
        try {
            v = t.review.get();
        } catch (Exception e) {
            v = new Verdict.Refused(null, RefusalCode.SIGNER_FAULT, "the review failed: " + e);
        }
        t.verdict = v;
        t.state = State.DONE;
        t.buffer = null;
        t.lastHeard = System.nanoTime();
        listener.verdict(t.id, v);
        sendVerdict(ch, t, 0);
    }

    private void sendVerdict(FrameChannel ch, Transfer t, int seq) throws IOException {
        if (t.verdict instanceof Verdict.Signed s) {
            ch.send(new Frame(FrameType.SIGNED, 0, t.id, seq, Messages.signed(s)));
        } else {
            ch.send(new Frame(FrameType.REFUSED, 0, t.id, seq, Messages.refused((Verdict.Refused) t.verdict)));
        }
    }

    private void query(FrameChannel ch, Frame f) throws IOException {
        Transfer t = current;
        if (t == null || f.transfer() != t.id) {
            error(ch, f, ErrorCode.NO_TRANSFER, "no transfer " + Integer.toUnsignedString(f.transfer()) + " here: announce the blob again");
            return;
        }
        switch (t.state) {
            case RECEIVING -> ch.send(new Frame(FrameType.PENDING, 0, t.id, f.seq(),
                    new Messages.Pending(Protocol.STAGE_RECEIVING, t.nextChunk).encode()));
            case REVIEWING -> ch.send(new Frame(FrameType.PENDING, 0, t.id, f.seq(),
                    new Messages.Pending(Protocol.STAGE_REVIEWING, t.nextChunk).encode()));
            case DONE -> sendVerdict(ch, t, f.seq());
        }
    }

    private void cancel(FrameChannel ch, Frame f) throws IOException {
        Transfer t = current;
        if (t != null && f.transfer() == t.id) {
            if (t.state == State.REVIEWING) {
                error(ch, f, ErrorCode.BUSY, "the blob is under review and can no longer be cancelled: wait for the verdict");
                return;
            }
            if (t.state == State.RECEIVING) {
                end(UnreviewedRequests.Cause.CANCELLED, "cancelled by the bridge");
            }
            current = null;
        }
        ch.send(Frame.of(FrameType.CANCELLED, f.transfer(), f.seq()));
    }

    private synchronized void expireIdleTransfer() {
        Transfer t = current;
        if (t != null && t.state != State.REVIEWING && System.nanoTime() - t.lastHeard > settings.abandonAfter().toNanos()) {
            if (t.state == State.RECEIVING) {
                end(UnreviewedRequests.Cause.SILENT, "the bridge was silent for " + settings.abandonAfter().toSeconds() + " s");
            }
            current = null;
        }
    }

    /** Ends the current transfer without a verdict and frees its memory. */
    private void end(UnreviewedRequests.Cause cause, String reason) {
        Transfer t = current;
        t.buffer = null;
        current = null;
        String why = reason + " after " + t.receivedBytes() + " of " + t.announce.length() + " bytes";
        listener.transferEnded(t.id, why);
        if (t.state == State.RECEIVING) {
            // A blob under review gets its record from the review.
            unreviewed.record(cause, t.announce.length(), t.announce.digest(), why);
        }
    }

    private void refuseAnnouncement(FrameChannel ch, Frame f, UnreviewedRequests.Cause cause, long length, byte[] digest,
                                    String reason) throws IOException {
        recordRefusedAnnouncement(f, cause, length, digest, reason);
        error(ch, f, ErrorCode.BAD_REQUEST, reason);
    }

    /** Records a refused announcement once: a bridge repeating it (a lost answer, a retry) makes the same request. */
    private void recordRefusedAnnouncement(Frame f, UnreviewedRequests.Cause cause, long length, byte[] digest, String reason) {
        if (!Arrays.equals(f.payload(), lastRefusedAnnouncement)) {
            lastRefusedAnnouncement = f.payload().clone();
            unreviewed.record(cause, length, digest, reason);
        }
    }

    private void error(FrameChannel ch, Frame f, ErrorCode code, String text) throws IOException {
        listener.protocolError(f.transfer(), code, text);
        ch.send(new Frame(FrameType.ERROR, 0, f.transfer(), f.seq(), new Messages.Error(code, text).encode()));
    }
}
