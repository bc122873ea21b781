package org.iotasign.seriallink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.iotasign.RejectedException;
import org.iotasign.ledger.Ledger;
import org.iotasign.ledger.LedgerRecord;
import org.iotasign.signing.Confirmation;
import org.iotasign.signing.Operator;
import org.iotasign.testing.Cli;
import org.iotasign.testing.SigningFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every serial request leaves exactly one ledger record, also when it never reaches the
 * review: the serial signer on the signing desk with a real SoftHSM2 token, over an
 * in-memory link.
 */
@Tag("softhsm")
@Timeout(30)
class UnreviewedRequestsLedgerTest {
    static final String SOURCE = "serial:/dev/ttyTEST";
    static final int CHUNK = 256;
    static SigningFixture fx;

    @TempDir
    Path dir;
    Path ledgerPath;
    SerialSigner signer;
    Switchboard sb;

    @BeforeAll
    static void token() throws Exception {
        fx = SigningFixture.create(UnreviewedRequestsLedgerTest.class);
    }

    @AfterAll
    static void closeToken() {
        fx.close();
    }

    @BeforeEach
    void start() {
        ledgerPath = dir.resolve("ledger.jsonl");
        DeskSigningService desk = new DeskSigningService(fx.desk(ledgerPath), r -> Operator.Answer.yes(Confirmation.YES_FLAG),
                new PrintWriter(new StringWriter()), SOURCE);
        signer = new SerialSigner(desk, desk, fx.publicKey(),
                SignerSettings.defaults().withMaxBlobBytes(64 * 1024).withAbandonAfter(Duration.ofSeconds(1)), SignerListener.NONE);
        sb = new Switchboard(signer);
    }

    @AfterEach
    void stop() throws Exception {
        sb.close();
        signer.close();
    }

    /** The ledger once the signer has stopped, so that no record can follow. */
    private List<LedgerRecord> recordsAfterStop() throws Exception {
        sb.close();
        signer.close();
        assertTrue(new Ledger(ledgerPath).check().intact());
        return new Ledger(ledgerPath).records();
    }

    private static void assertUnreviewed(LedgerRecord r, LedgerRecord.Outcome outcome, long size, byte[] digest, String reason) {
        assertEquals(outcome, r.outcome());
        assertEquals(SOURCE, r.source());
        assertEquals(size, r.size());
        assertEquals(digest == null ? null : HexFormat.of().formatHex(digest), r.digest());
        assertNull(r.version());
        assertNull(r.confirmation());
        assertEquals(fx.publicKey().fingerprint(), r.key());
        assertEquals(1, r.reasons().size());
        assertTrue(r.reasons().get(0).contains(reason), r.reasons().toString());
    }

    private static Frame request(FrameChannel ch, Frame f, FrameType... expected) throws IOException {
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

    /** Each test starts a ledger file of its own: the token is on its first use each time. */
    @BeforeEach
    void freshLedgerAnchor() {
        fx.forgetLedgerAnchor();
    }

    @Test
    void aCancelledTransferLeavesOneAbandonedRecordWithTheReason() throws Exception {
        byte[] blob = fx.release("04_00_00");
        AtomicReference<SerialBridge> bridge = new AtomicReference<>();
        bridge.set(new SerialBridge(sb::open, SerialLinkTest.FAST, new BridgeListener() {
            @Override
            public void progress(long acked, long total) {
                if (acked > total / 2) {
                    bridge.get().cancel();
                }
            }
        }, null));
        assertThrows(RejectedException.class, () -> bridge.get().submit(blob));
        List<LedgerRecord> records = recordsAfterStop();
        assertEquals(1, records.size(), records.toString());
        assertUnreviewed(records.get(0), LedgerRecord.Outcome.ABANDONED, blob.length, TestSigning.sha256(blob), "cancelled by the bridge after");
    }

    @Test
    void anOversizeAnnouncementLeavesOneRefusedRecordHoweverOftenItIsRetried() throws Exception {
        FrameChannel ch = new FrameChannel(sb.open());
        byte[] claimed = TestSigning.sha256(new byte[] {7});
        byte[] announce = new Messages.Announce(5 * 1024 * 1024, claimed, CHUNK).encode();
        for (int seq = 1; seq <= 3; seq++) {
            Frame r = request(ch, new Frame(FrameType.ANNOUNCE, Frame.FLAG_RESUME, 0, seq, announce), FrameType.REFUSED);
            assertEquals(RefusalCode.TOO_LARGE, Messages.refused(r).code());
        }
        List<LedgerRecord> records = recordsAfterStop();
        assertEquals(1, records.size(), records.toString());
        assertUnreviewed(records.get(0), LedgerRecord.Outcome.REFUSED, 5 * 1024 * 1024, claimed, "exceeds this signer's maximum");
    }

    @Test
    void aTransferTheBridgeAbandonsLeavesOneAbandonedRecord() throws Exception {
        byte[] blob = fx.release("04_00_01");
        FrameChannel ch = new FrameChannel(sb.open());
        int t = request(ch, new Frame(FrameType.ANNOUNCE, 0, 0, 1, new Messages.Announce(blob.length, TestSigning.sha256(blob), CHUNK)
                .encode()), FrameType.READY).transfer();
        for (int i = 0; i < 3; i++) {
            request(ch, new Frame(FrameType.DATA, 0, t, i, Arrays.copyOfRange(blob, i * CHUNK, (i + 1) * CHUNK)), FrameType.ACK);
        }
        // The bridge falls silent; the signer's abandon timer (1 s) ends the transfer.
        long until = System.nanoTime() + 5_000_000_000L;
        while (new Ledger(ledgerPath).check().records().isEmpty() && System.nanoTime() < until) {
            Thread.sleep(20);
        }
        List<LedgerRecord> records = recordsAfterStop();
        assertEquals(1, records.size(), records.toString());
        assertUnreviewed(records.get(0), LedgerRecord.Outcome.ABANDONED, blob.length, TestSigning.sha256(blob),
                "after " + 3 * CHUNK + " of " + blob.length + " bytes");
        assertTrue(records.get(0).reasons().get(0).startsWith("the bridge was silent for 1 s"), records.get(0).reasons().toString());
    }

    @Test
    void aTransferCutByTheSignerStoppingIsRecordedAndAMalformedAnnouncementToo() throws Exception {
        byte[] blob = fx.release("04_00_02");
        FrameChannel ch = new FrameChannel(sb.open());
        Frame bad = request(ch, new Frame(FrameType.ANNOUNCE, 0, 0, 1, new byte[] {1, 2, 3}), FrameType.ERROR);
        assertEquals(ErrorCode.BAD_REQUEST, Messages.Error.decode(bad).code());
        int t = request(ch, new Frame(FrameType.ANNOUNCE, 0, 0, 2, new Messages.Announce(blob.length, TestSigning.sha256(blob), CHUNK)
                .encode()), FrameType.READY).transfer();
        request(ch, new Frame(FrameType.DATA, 0, t, 0, Arrays.copyOfRange(blob, 0, CHUNK)), FrameType.ACK);
        List<LedgerRecord> records = recordsAfterStop();
        assertEquals(2, records.size(), records.toString());
        assertUnreviewed(records.get(0), LedgerRecord.Outcome.REFUSED, 0, null, "ANNOUNCE payload of 3 bytes");
        assertUnreviewed(records.get(1), LedgerRecord.Outcome.ABANDONED, blob.length, TestSigning.sha256(blob),
                "the signer stopped after " + CHUNK + " of");
        Cli.Result verify = Cli.run("ledger", "verify", "--ledger", ledgerPath.toString());
        assertEquals(0, verify.exit(), verify.toString());
        Cli.Result show = Cli.run("ledger", "show", "--ledger", ledgerPath.toString());
        assertEquals(0, show.exit(), show.toString());
        assertTrue(show.out().contains("abandoned") && show.out().contains("reason: the signer stopped"), show.toString());
    }

    @Test
    void aResumedTransferLeavesOneSignedRecordAndNothingForTheInterruption() throws Exception {
        byte[] blob = fx.release("04_00_03");
        AtomicBoolean pulled = new AtomicBoolean();
        BridgeResult r = new SerialBridge(sb::open, SerialLinkTest.FAST, new BridgeListener() {
            @Override
            public void progress(long acked, long total) {
                if (acked > total / 2 && pulled.compareAndSet(false, true)) {
                    sb.disconnect();
                }
            }
        }, null).submit(blob);
        assertTrue(pulled.get());
        assertTrue(fx.publicKey().verify(TestSigning.sha256(blob), r.signature()));
        List<LedgerRecord> records = recordsAfterStop();
        assertEquals(1, records.size(), records.toString());
        assertEquals(LedgerRecord.Outcome.SIGNED, records.get(0).outcome());
        assertEquals(HexFormat.of().formatHex(TestSigning.sha256(blob)), records.get(0).digest());
    }

    /** A clock the test moves by hand: the aggregation windows without waiting a minute. */
    static final class HandClock extends java.time.Clock {
        java.time.Instant now = java.time.Instant.parse("2026-12-01T10:00:00Z");

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public java.time.Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public java.time.Instant instant() {
            return now;
        }
    }

    @Test
    void aFloodOfMalformedAndChangingAnnouncementsLeavesOneRecordPerReasonAndMinuteWithCounts() throws Exception {
        sb.close();
        signer.close();
        HandClock clock = new HandClock();
        DeskSigningService desk = new DeskSigningService(fx.desk(ledgerPath), r -> Operator.Answer.yes(Confirmation.YES_FLAG),
                new PrintWriter(new StringWriter()), SOURCE, null, clock);
        signer = new SerialSigner(desk, desk, fx.publicKey(), SignerSettings.defaults().withMaxBlobBytes(64 * 1024), SignerListener.NONE);
        sb = new Switchboard(signer);
        FrameChannel ch = new FrameChannel(sb.open());
        int malformed = 300;
        for (int i = 0; i < malformed; i++) {
            // Each one different, so none is a retry of the one before.
            request(ch, new Frame(FrameType.ANNOUNCE, 0, 0, i + 1, new byte[] {1, 2, (byte) i, (byte) (i >> 8)}), FrameType.ERROR);
            if (i == 150) {
                clock.now = clock.now.plusSeconds(61);
            }
        }
        int changing = 100;
        for (int i = 0; i < changing; i++) {
            byte[] digest = TestSigning.sha256(new byte[] {(byte) i, (byte) (i >> 8)});
            request(ch, new Frame(FrameType.ANNOUNCE, 0, 0, 1000 + i, new Messages.Announce(4096, digest, CHUNK).encode()), FrameType.READY);
        }
        byte[] first = fx.release("04_00_10");
        byte[] second = fx.release("04_00_11");
        for (byte[] blob : List.of(first, second)) {
            BridgeResult r = new SerialBridge(sb::open, SerialLinkTest.FAST, BridgeListener.NONE, null).submit(blob);
            assertTrue(fx.publicKey().verify(TestSigning.sha256(blob), r.signature()));
        }
        List<LedgerRecord> records = recordsAfterStop();

        List<LedgerRecord> refused = records.stream().filter(r -> r.outcome() == LedgerRecord.Outcome.REFUSED).toList();
        assertEquals(List.of(1L, 151L, 148L), refused.stream().map(LedgerRecord::requests).toList(),
                "malformed: one at once, one after the minute with what it held, the rest when the signer stops");
        assertTrue(refused.get(1).reasons().get(0).startsWith("151 requests of this kind since 2026-12-01T10:00:00Z, the last: "),
                refused.get(1).reasons().toString());
        List<LedgerRecord> abandoned = records.stream().filter(r -> r.outcome() == LedgerRecord.Outcome.ABANDONED).toList();
        assertEquals(changing, abandoned.stream().mapToLong(LedgerRecord::requests).sum(), "every replaced announcement is counted");
        assertTrue(abandoned.size() <= 2, abandoned.toString());
        List<String> signed = records.stream().filter(r -> r.outcome() == LedgerRecord.Outcome.SIGNED).map(LedgerRecord::digest).toList();
        assertEquals(List.of(HexFormat.of().formatHex(TestSigning.sha256(first)), HexFormat.of().formatHex(TestSigning.sha256(second))),
                signed, "each blob that reached the review has its own record");
        assertEquals(refused.size() + abandoned.size() + 2, records.size());
    }
}
