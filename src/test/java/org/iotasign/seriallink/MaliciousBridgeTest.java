package org.iotasign.seriallink;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A bridge that lies. The signer here uses a service that signs whatever it is handed,
 * so these tests prove the protocol layer alone never lets a signature out for bytes
 * other than those received, hashed and reviewed.
 */
@Timeout(20)
class MaliciousBridgeTest {
    static final int CHUNK = 64;
    TestSigning.NaiveService naive;
    SignerEvents ev;
    SerialSigner signer;
    Switchboard sb;
    FrameChannel ch;
    int seq;

    @BeforeEach
    void start() {
        naive = new TestSigning.NaiveService();
        ev = new SignerEvents();
        signer = new SerialSigner(naive, UnreviewedRequests.NONE, TestSigning.KEY.publicKey(),
                SignerSettings.defaults().withMaxBlobBytes(4096).withAbandonAfter(Duration.ofMillis(300)), ev);
        ev.signer = signer;
        sb = new Switchboard(signer);
        ch = new FrameChannel(sb.open());
    }

    @AfterEach
    void stop() throws Exception {
        sb.close();
        signer.close();
    }

    static byte[] blob(int n, int seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private Frame request(Frame f, FrameType... expected) throws IOException {
        ch.send(f);
        long until = System.nanoTime() + 2_000_000_000L;
        while (System.nanoTime() < until) {
            Frame r = ch.receive(50);
            if (r != null && Arrays.asList(expected).contains(r.type())) {
                return r;
            }
        }
        throw new AssertionError("no " + Arrays.toString(expected) + " in answer to " + f);
    }

    private int announce(int length, byte[] digest, int transfer, int flags) throws Exception {
        Frame r = request(new Frame(FrameType.ANNOUNCE, flags, transfer, ++seq,
                new Messages.Announce(length, digest, CHUNK).encode()), FrameType.READY);
        return r.transfer();
    }

    private void sendChunks(int transfer, byte[] data, int from, int to) throws Exception {
        for (int i = from; i < to; i++) {
            byte[] c = Arrays.copyOfRange(data, i * CHUNK, Math.min(data.length, (i + 1) * CHUNK));
            request(new Frame(FrameType.DATA, 0, transfer, i, c), FrameType.ACK, FrameType.ERROR);
        }
    }

    /** Queries until a verdict arrives (or the query is answered PENDING/ERROR for 1 s). */
    private Frame verdict(int transfer) throws Exception {
        Frame last = null;
        for (int i = 0; i < 50; i++) {
            last = request(Frame.of(FrameType.QUERY, transfer, ++seq), FrameType.PENDING, FrameType.SIGNED,
                    FrameType.REFUSED, FrameType.ERROR);
            if (last.type() == FrameType.SIGNED || last.type() == FrameType.REFUSED) {
                return last;
            }
            Thread.sleep(20);
        }
        return last;
    }

    @Test
    void helloNamesTheLargestChunkTheSignerMayOffer() throws Exception {
        assertEquals(Protocol.DEFAULT_CHUNK, offered(new byte[] {Protocol.VERSION}),
                "a bridge that names no size (the ESP8266 core, any bridge from before) is offered what it accepts");
        assertEquals(4096, offered(new Messages.Hello(Protocol.VERSION, 4096).encode()));
        assertEquals(Protocol.MAX_CHUNK, offered(new Messages.Hello(Protocol.VERSION, 0xFFFF).encode()), "never more than the signer's own");
        assertEquals(Protocol.MAX_CHUNK, offered(new byte[] {Protocol.VERSION, 0x00, 0x20, 9, 9}), "later bytes are ignored");
        for (byte[] malformed : List.of(new byte[] {Protocol.VERSION, 0x20}, new Messages.Hello(Protocol.VERSION, 15).encode())) {
            Frame r = request(new Frame(FrameType.HELLO, 0, 0, ++seq, malformed), FrameType.HELLO_OK, FrameType.ERROR);
            assertEquals(FrameType.ERROR, r.type());
            assertEquals(ErrorCode.BAD_REQUEST, Messages.Error.decode(r).code());
        }
    }

    private int offered(byte[] hello) throws Exception {
        return Messages.HelloOk.decode(request(new Frame(FrameType.HELLO, 0, 0, ++seq, hello), FrameType.HELLO_OK)).maxChunk();
    }

    @Test
    void wrongDigestAnnouncedGetsARefusalNeverASignature() throws Exception {
        byte[] real = blob(1000, 1);
        byte[] claimed = TestSigning.sha256(blob(1000, 2));
        int t = announce(real.length, claimed, 0, 0);
        sendChunks(t, real, 0, (real.length + CHUNK - 1) / CHUNK);
        Frame v = verdict(t);
        assertEquals(FrameType.REFUSED, v.type());
        Verdict.Refused r = Messages.refused(v);
        assertEquals(RefusalCode.DIGEST_MISMATCH, r.code());
        assertArrayEquals(TestSigning.sha256(real), r.digest(), "the refusal carries the signer's own digest");
    }

    @Test
    void bytesChangedAfterTheAnnouncementAreRefused() throws Exception {
        byte[] a = blob(1000, 3);
        byte[] b = a.clone();
        b[900] ^= 1;
        int t = announce(a.length, TestSigning.sha256(a), 0, 0);
        sendChunks(t, b, 0, (b.length + CHUNK - 1) / CHUNK);
        assertEquals(RefusalCode.DIGEST_MISMATCH, Messages.refused(verdict(t)).code());
    }

    @Test
    void bytesChangedAcrossAResumeAreRefused() throws Exception {
        byte[] a = blob(1000, 4);
        byte[] b = blob(1000, 5);
        int t = announce(a.length, TestSigning.sha256(a), 0, 0);
        sendChunks(t, a, 0, 8);
        ch = new FrameChannel(sb.open());
        int resumed = announce(a.length, TestSigning.sha256(a), 0, Frame.FLAG_RESUME);
        assertEquals(t, resumed);
        sendChunks(t, b, 8, 16);
        assertEquals(RefusalCode.DIGEST_MISMATCH, Messages.refused(verdict(t)).code());
    }

    @Test
    void rewrittenChunksAreIgnoredSoOnlyTheFirstBytesCount() throws Exception {
        byte[] a = blob(640, 6);
        int t = announce(a.length, TestSigning.sha256(a), 0, 0);
        sendChunks(t, a, 0, 5);
        byte[] evil = new byte[CHUNK];
        Arrays.fill(evil, (byte) 0xEE);
        request(new Frame(FrameType.DATA, 0, t, 2, evil), FrameType.ACK);
        sendChunks(t, a, 5, 10);
        Frame v = verdict(t);
        assertEquals(FrameType.SIGNED, v.type());
        Verdict.Signed s = Messages.signed(v);
        assertArrayEquals(TestSigning.sha256(a), s.digest());
        assertArrayEquals(a, naive.reviewed.get(0), "the bytes reviewed are the bytes announced and signed");
    }

    @Test
    void dataBeyondTheAnnouncedLengthIsRejectedAndNeverReviewed() throws Exception {
        byte[] a = blob(200, 7);
        int t = announce(100, TestSigning.sha256(Arrays.copyOf(a, 100)), 0, 0);
        Frame r = request(new Frame(FrameType.DATA, 0, t, 3, Arrays.copyOfRange(a, 192, 200)), FrameType.ERROR);
        assertEquals(ErrorCode.BAD_REQUEST, Messages.Error.decode(r).code());
        byte[] wrongSize = Arrays.copyOf(a, 100); // chunk 0 must hold 64 bytes
        r = request(new Frame(FrameType.DATA, 0, t, 0, wrongSize), FrameType.ERROR);
        assertEquals(ErrorCode.BAD_REQUEST, Messages.Error.decode(r).code());
        Frame v = verdict(t);
        assertEquals(FrameType.PENDING, v.type(), "an incomplete blob is never reviewed");
        assertTrue(naive.reviewed.isEmpty());
    }

    @Test
    void shortBlobWaitsForeverAndIsAbandonedWithoutReview() throws Exception {
        byte[] a = blob(1000, 8);
        int t = announce(a.length, TestSigning.sha256(a), 0, 0);
        sendChunks(t, a, 0, 10);
        Messages.Pending p = Messages.Pending.decode(verdict(t));
        assertEquals(Protocol.STAGE_RECEIVING, p.stage());
        assertEquals(10, p.nextChunk());
        Thread.sleep(500);
        Frame r = request(Frame.of(FrameType.QUERY, t, ++seq), FrameType.ERROR);
        assertEquals(ErrorCode.NO_TRANSFER, Messages.Error.decode(r).code());
        assertEquals(0, signer.heldBytes());
        assertTrue(naive.reviewed.isEmpty());
        assertTrue(ev.byTransfer.get(t).stream().anyMatch(e -> e.contains("silent")), ev.byTransfer.toString());
    }

    @Test
    void oversizeAnnouncementIsRefusedWithoutAllocating() throws Exception {
        Frame r = request(new Frame(FrameType.ANNOUNCE, 0, 0, ++seq,
                new Messages.Announce(0xFFFFFFF0L, new byte[32], CHUNK).encode()), FrameType.REFUSED);
        assertEquals(RefusalCode.TOO_LARGE, Messages.refused(r).code());
        assertEquals(0, signer.heldBytes());
    }

    @Test
    void dataForAnotherTransferIsNotMixedIn() throws Exception {
        byte[] a = blob(128, 9);
        int t = announce(a.length, TestSigning.sha256(a), 0, 0);
        Frame r = request(new Frame(FrameType.DATA, 0, t + 1, 0, Arrays.copyOf(a, CHUNK)), FrameType.ERROR);
        assertEquals(ErrorCode.NO_TRANSFER, Messages.Error.decode(r).code());
        sendChunks(t, a, 0, 2);
        assertEquals(FrameType.SIGNED, verdict(t).type());
    }

    @Test
    void aServiceThatSignsTheWrongDigestIsStoppedByTheProtocol() throws Exception {
        sb.close();
        signer.close();
        BlobSigningService buggy = (blob, d) -> {
            byte[] other = TestSigning.sha256(new byte[] {1});
            return new Verdict.Signed(other, TestSigning.KEY.sign(other));
        };
        signer = new SerialSigner(buggy, UnreviewedRequests.NONE, TestSigning.KEY.publicKey(), SignerSettings.defaults(), SignerListener.NONE);
        sb = new Switchboard(signer);
        ch = new FrameChannel(sb.open());
        byte[] a = blob(100, 10);
        int t = announce(a.length, TestSigning.sha256(a), 0, 0);
        sendChunks(t, a, 0, 2);
        Verdict.Refused r = Messages.refused(verdict(t));
        assertEquals(RefusalCode.SIGNER_FAULT, r.code());
        assertNotNull(r.digest());
    }

    @Test
    void unsupportedVersionAndMalformedAnnouncementsAreAnsweredWithErrors() throws Exception {
        Frame r = request(new Frame(FrameType.HELLO, 0, 0, ++seq, new byte[] {9}), FrameType.ERROR);
        assertEquals(ErrorCode.UNSUPPORTED_VERSION, Messages.Error.decode(r).code());
        r = request(new Frame(FrameType.ANNOUNCE, 0, 0, ++seq, new byte[5]), FrameType.ERROR);
        assertEquals(ErrorCode.BAD_REQUEST, Messages.Error.decode(r).code());
        r = request(new Frame(FrameType.ANNOUNCE, 0, 0, ++seq, new Messages.Announce(10, new byte[32], 8).encode()), FrameType.ERROR);
        assertEquals(ErrorCode.BAD_REQUEST, Messages.Error.decode(r).code());
        assertEquals(List.of(), List.copyOf(naive.reviewed));
    }
}
