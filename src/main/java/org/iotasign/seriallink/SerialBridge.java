package org.iotasign.seriallink;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.Arrays;

import org.iotasign.EnvironmentException;
import org.iotasign.RejectedException;
import org.iotasign.crypto.Ed25519PublicKey;
import org.iotasign.crypto.Fingerprints;
import org.iotasign.crypto.Hashes;

/**
 * The bridge end: submits one blob to the signer and returns the signature, checked.
 * Holds the whole blob (it is a file on the build machine), so it can always resume from
 * whatever chunk the signer names, including after the link was reopened.
 *
 * <p>A signature is returned only if the signer's digest equals the SHA-256 of the bytes
 * submitted and the signature verifies under the key the signer presented (and, when
 * given, the pinned key). Anything else is an exception: never a doubtful signature.
 */
public final class SerialBridge {
    private final LinkOpener opener;
    private final BridgeSettings settings;
    private final BridgeListener listener;
    private final Ed25519PublicKey pinnedKey;
    private volatile boolean cancelled;

    private enum Phase { HELLO, ANNOUNCE, SEND, VERDICT }

    /** @param pinnedKey the key the signer must present, or null to accept the one it presents */
    public SerialBridge(LinkOpener opener, BridgeSettings settings, BridgeListener listener, Ed25519PublicKey pinnedKey) {
        this.opener = opener;
        this.settings = settings;
        this.listener = listener;
        this.pinnedKey = pinnedKey;
    }

    /** Asks a running {@link #submit} to stop: it sends CANCEL and fails with "cancelled". */
    public void cancel() {
        cancelled = true;
    }

    /** One submission; state lives here so {@link #submit} reads as the protocol's main loop. */
    private final class Submission {
        final byte[] blob;
        final byte[] digest;
        int seq = new SecureRandom().nextInt();
        Link link;
        FrameChannel ch;
        Phase phase = Phase.HELLO;
        Ed25519PublicKey key;
        int chunk;
        int window;
        int total;
        int transfer;
        int base;
        int next;
        int highestSent = -1;
        int rewoundAt = -1;
        long retransmitted;
        int reconnects;
        long lastHeard = System.nanoTime();
        long lastProgress;
        long nextRequestAt;
        long verdictSince;
        boolean reviewAnnounced;

        Submission(byte[] blob) {
            this.blob = blob;
            this.digest = Hashes.sha256(blob);
        }
    }

    /**
     * @throws RejectedException    the signer refused the blob (its reason is in the message)
     * @throws EnvironmentException the signer could not be reached, answered inconsistently, or cannot sign now
     */
    public BridgeResult submit(byte[] blob) {
        if (blob.length == 0) {
            throw new RejectedException("the blob is empty: give the unsigned release blob made by iotasign pack");
        }
        Submission s = new Submission(blob);
        try {
            while (true) {
                long now = System.nanoTime();
                if (cancelled) {
                    sendCancel(s);
                    throw new RejectedException("submission cancelled; the signer discarded the partial transfer");
                }
                checkSilence(s, now);
                if (s.link == null && !open(s)) {
                    continue;
                }
                try {
                    BridgeResult r = step(s, now);
                    if (r != null) {
                        return r;
                    }
                } catch (IOException e) {
                    listener.status("link " + s.link.name() + " failed (" + e.getMessage() + "); reopening");
                    closeLink(s);
                    s.phase = Phase.HELLO;
                }
            }
        } finally {
            closeLink(s);
        }
    }

    private boolean open(Submission s) {
        try {
            s.link = opener.open();
            s.ch = new FrameChannel(s.link);
            return true;
        } catch (IOException e) {
            sleep(settings.requestInterval().toMillis());
            return false;
        }
    }

    private void closeLink(Submission s) {
        if (s.link != null) {
            s.link.close();
            s.link = null;
            s.ch = null;
        }
    }

    private void checkSilence(Submission s, long now) {
        long silent = now - s.lastHeard;
        if (silent > settings.giveUpAfter().toNanos()) {
            sendCancel(s);
            throw new EnvironmentException("the signer did not answer for " + settings.giveUpAfter().toSeconds()
                    + " s" + (s.link == null ? "" : " on " + s.link.name())
                    + ": check the cable, the baud rate and that iotasign serial-signer is running, then submit again to resume");
        }
        if (silent > settings.reconnectAfter().toNanos() && s.phase != Phase.HELLO) {
            listener.status("the signer is silent; handshaking again to resume");
            s.phase = Phase.HELLO;
            s.reconnects++;
            s.nextRequestAt = now;
        }
    }

    /** One turn of the loop: send what the phase calls for, then handle at most one frame. */
    private BridgeResult step(Submission s, long now) throws IOException {
        switch (s.phase) {
            case HELLO, ANNOUNCE -> {
                if (now >= s.nextRequestAt) {
                    s.seq++;
                    s.ch.send(s.phase == Phase.HELLO
                            ? new Frame(FrameType.HELLO, 0, 0, s.seq, new Messages.Hello(Protocol.VERSION, settings.chunkSize()).encode())
                            : new Frame(FrameType.ANNOUNCE, Frame.FLAG_RESUME, s.transfer, s.seq,
                                    new Messages.Announce(s.blob.length, s.digest, s.chunk).encode()));
                    s.nextRequestAt = now + settings.requestInterval().toNanos();
                }
            }
            case SEND -> sendWindow(s, now);
            case VERDICT -> {
                if (now >= s.nextRequestAt) {
                    s.seq++;
                    s.ch.send(Frame.of(FrameType.QUERY, s.transfer, s.seq));
                    s.nextRequestAt = now + settings.queryInterval().toNanos();
                }
                if (now - s.verdictSince > settings.verdictTimeout().toNanos()) {
                    throw new EnvironmentException("no verdict " + settings.verdictTimeout().toMinutes()
                            + " min after the signer received the blob: ask the signing operator, then submit again");
                }
            }
        }
        Frame f = s.ch.receive(waitMillis(s, now));
        return f == null ? null : onFrame(s, f);
    }

    private int waitMillis(Submission s, long now) {
        long until = s.phase == Phase.SEND ? s.lastProgress + settings.retransmitAfter().toNanos() : s.nextRequestAt;
        return (int) Math.max(1, Math.min(50, (until - now) / 1_000_000L));
    }

    private void sendWindow(Submission s, long now) throws IOException {
        if (now - s.lastProgress > settings.retransmitAfter().toNanos()) {
            s.next = s.base;
            s.lastProgress = now;
        }
        int limit = Math.min(s.total, s.base + s.window);
        while (s.next < limit) {
            int i = s.next++;
            int off = i * s.chunk;
            byte[] payload = Arrays.copyOfRange(s.blob, off, Math.min(s.blob.length, off + s.chunk));
            if (i <= s.highestSent) {
                s.retransmitted++;
            }
            s.highestSent = Math.max(s.highestSent, i);
            s.ch.send(new Frame(FrameType.DATA, 0, s.transfer, i, payload));
        }
    }

    private BridgeResult onFrame(Submission s, Frame f) throws IOException {
        boolean reply = f.seq() == s.seq;
        boolean ours = s.transfer != 0 && f.transfer() == s.transfer;
        if (!reply && !ours) {
            return null; // a stale answer to an earlier request, or from an earlier transfer
        }
        s.lastHeard = System.nanoTime();
        try {
            switch (f.type()) {
                case HELLO_OK -> {
                    if (reply && s.phase == Phase.HELLO) {
                        onHello(s, Messages.HelloOk.decode(f));
                    }
                }
                case READY -> {
                    if (reply && s.phase == Phase.ANNOUNCE) {
                        onReady(s, f.transfer(), Messages.u32(f));
                    }
                }
                case ACK -> {
                    if (ours && s.phase == Phase.SEND) {
                        onAck(s, f);
                    }
                }
                case PENDING -> {
                    if (ours && reply && s.phase == Phase.VERDICT) {
                        onPending(s, Messages.Pending.decode(f));
                    }
                }
                case SIGNED -> {
                    if (ours) {
                        return onSigned(s, Messages.signed(f));
                    }
                }
                case REFUSED -> {
                    if (ours || reply && s.phase == Phase.ANNOUNCE) {
                        throw refusal(Messages.refused(f));
                    }
                }
                case ERROR -> onError(s, Messages.Error.decode(f));
                default -> {
                    // Frames only a bridge sends are ignored.
                }
            }
        } catch (Messages.MalformedPayload e) {
            throw new EnvironmentException("the signer sent a malformed " + f.type() + " (" + e.getMessage()
                    + "): check that bridge and signer run matching versions");
        }
        return null;
    }

    private void onHello(Submission s, Messages.HelloOk h) {
        if (h.version() != Protocol.VERSION) {
            throw new EnvironmentException("the signer speaks protocol version " + h.version() + ", this bridge "
                    + Protocol.VERSION + ": update one of them");
        }
        if (!Arrays.equals(h.fingerprint(), Messages.HelloOk.fingerprintBytes(h.key()))) {
            throw new EnvironmentException("the signer's key and fingerprint disagree: the link or the signer is faulty");
        }
        if (pinnedKey != null && !pinnedKey.equals(h.key())) {
            throw new EnvironmentException("the signer holds key " + h.key().fingerprint() + ", not the expected "
                    + pinnedKey.fingerprint() + ": check which token is in the signer");
        }
        if (s.key != null && !s.key.equals(h.key())) {
            throw new EnvironmentException("the signer's key changed from " + s.key.fingerprint() + " to "
                    + h.key().fingerprint() + " during the submission: check the signer, then submit again");
        }
        if (s.blob.length > h.maxBlob()) {
            throw new RejectedException("the blob has " + s.blob.length + " bytes, the signer accepts at most "
                    + h.maxBlob() + ": make a smaller release or raise --max-blob on the signer");
        }
        if (s.key == null) {
            listener.status("connected to signer with key " + h.key().fingerprint() + "; sending blob "
                    + Fingerprints.of(s.digest) + " (" + s.blob.length + " bytes)");
        }
        s.key = h.key();
        s.chunk = Math.min(settings.chunkSize(), h.maxChunk());
        s.window = Math.min(settings.window(), h.window());
        s.total = (s.blob.length + s.chunk - 1) / s.chunk;
        s.phase = Phase.ANNOUNCE;
        s.nextRequestAt = System.nanoTime();
    }

    private void onReady(Submission s, int transfer, int nextChunk) {
        if (nextChunk < 0 || nextChunk > s.total) {
            throw new EnvironmentException("the signer asked to resume at chunk " + nextChunk + " of " + s.total
                    + ": the link or the signer is faulty");
        }
        if (s.transfer != 0 && (transfer != s.transfer || nextChunk < s.base)) {
            listener.status(nextChunk == 0 && transfer != s.transfer
                    ? "the signer lost the partial transfer; sending again from the start"
                    : "resuming at byte " + (long) nextChunk * s.chunk);
        } else if (s.transfer != 0) {
            listener.status("resuming at byte " + (long) nextChunk * s.chunk);
        }
        s.transfer = transfer;
        s.base = nextChunk;
        s.next = nextChunk;
        s.rewoundAt = -1;
        s.lastProgress = System.nanoTime();
        listener.progress(Math.min(s.blob.length, (long) s.base * s.chunk), s.blob.length);
        enterSendOrVerdict(s);
    }

    private void enterSendOrVerdict(Submission s) {
        if (s.base >= s.total) {
            if (s.phase != Phase.VERDICT) {
                s.verdictSince = System.nanoTime();
            }
            s.phase = Phase.VERDICT;
            s.nextRequestAt = System.nanoTime();
        } else {
            s.phase = Phase.SEND;
        }
    }

    private void onAck(Submission s, Frame f) {
        int acked = f.seq();
        if (acked < 0 || acked > s.total) {
            return;
        }
        if (acked > s.base) {
            s.base = acked;
            s.lastProgress = System.nanoTime();
            if (s.next < s.base) {
                s.next = s.base;
            }
            listener.progress(Math.min(s.blob.length, (long) s.base * s.chunk), s.blob.length);
            enterSendOrVerdict(s);
        } else if ((f.flags() & Frame.FLAG_GAP) != 0 && acked == s.base && s.rewoundAt != s.base) {
            // A later chunk arrived first: the one expected was lost. Go back once per hole.
            s.next = s.base;
            s.rewoundAt = s.base;
        }
    }

    private void onPending(Submission s, Messages.Pending p) {
        if (p.stage() == Protocol.STAGE_RECEIVING && p.nextChunk() < s.total) {
            s.base = Math.max(0, p.nextChunk());
            s.next = s.base;
            s.lastProgress = System.nanoTime();
            s.phase = Phase.SEND;
        } else if (p.stage() == Protocol.STAGE_REVIEWING && !s.reviewAnnounced) {
            s.reviewAnnounced = true;
            listener.status("blob received by the signer; waiting for its review and verdict");
        }
    }

    private BridgeResult onSigned(Submission s, Verdict.Signed v) {
        if (!Arrays.equals(v.digest(), s.digest)) {
            throw new EnvironmentException("the signer signed digest " + Fingerprints.of(v.digest()) + " but the blob is "
                    + Fingerprints.of(s.digest) + ": the signature was discarded; submit again");
        }
        if (!s.key.verify(s.digest, v.signature())) {
            throw new EnvironmentException("the signature from the signer does not verify under its key "
                    + s.key.fingerprint() + ": it was discarded; submit again");
        }
        return new BridgeResult(s.digest, v.signature(), s.key, s.retransmitted, s.reconnects);
    }

    private RuntimeException refusal(Verdict.Refused r) {
        String msg = "the signer refused the blob (" + r.code().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
                + "): " + r.reason();
        return r.code() == RefusalCode.SIGNER_FAULT ? new EnvironmentException(msg) : new RejectedException(msg);
    }

    private void onError(Submission s, Messages.Error e) {
        switch (e.code()) {
            case NO_TRANSFER -> {
                if (s.phase == Phase.SEND || s.phase == Phase.VERDICT) {
                    listener.status("the signer no longer holds the transfer; announcing again");
                    s.phase = Phase.ANNOUNCE;
                    s.nextRequestAt = System.nanoTime();
                }
            }
            case BUSY -> listener.status("the signer is busy: " + e.text());
            case UNSUPPORTED_VERSION -> throw new EnvironmentException("the signer rejected the protocol version: " + e.text());
            case BAD_REQUEST -> throw new EnvironmentException("the signer rejected a request: " + e.text());
        }
    }

    private void sendCancel(Submission s) {
        if (s.ch == null || s.transfer == 0) {
            return;
        }
        try {
            s.seq++;
            s.ch.send(Frame.of(FrameType.CANCEL, s.transfer, s.seq));
            long until = System.nanoTime() + settings.requestInterval().toNanos();
            while (System.nanoTime() < until) {
                Frame f = s.ch.receive(10);
                if (f != null && f.type() == FrameType.CANCELLED && f.seq() == s.seq) {
                    return;
                }
            }
        } catch (IOException ignored) {
            // Best effort: the signer also drops a silent transfer after its own timeout.
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EnvironmentException("interrupted");
        }
    }
}
