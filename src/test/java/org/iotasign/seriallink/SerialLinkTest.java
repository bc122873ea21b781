package org.iotasign.seriallink;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.iotasign.EnvironmentException;
import org.iotasign.RejectedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class SerialLinkTest {
    static final BridgeSettings FAST = BridgeSettings.defaults().withChunkSize(256)
            .withTimers(Duration.ofMillis(40), Duration.ofMillis(30), Duration.ofMillis(300), Duration.ofSeconds(3));

    static byte[] blob(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static SerialSigner signer(BlobSigningService service, SignerListener l) {
        return new SerialSigner(service, UnreviewedRequests.NONE, TestSigning.KEY.publicKey(), SignerSettings.defaults().withMaxBlobBytes(64 * 1024), l);
    }

    @Test
    void blobsOfEveryAwkwardLengthComeBackSignedOverTheirDigest() throws Exception {
        TestSigning.CarefulService service = new TestSigning.CarefulService();
        try (SerialSigner s = signer(service, SignerListener.NONE); Switchboard sb = new Switchboard(s)) {
            for (int n : new int[] {1, 255, 256, 257, 1024, 5000, 64 * 1024}) {
                byte[] b = blob(n, n);
                BridgeResult r = new SerialBridge(sb::open, FAST, BridgeListener.NONE, null).submit(b);
                assertArrayEquals(TestSigning.sha256(b), r.digest());
                assertTrue(TestSigning.KEY.publicKey().verify(r.digest(), r.signature()));
                assertArrayEquals(b, service.reviewed.get(service.reviewed.size() - 1), "the service reviewed exactly the bytes sent");
            }
        }
    }

    @Test
    void chunksOfTheLargestSizeTheProtocolAllowsCrossTheLink() throws Exception {
        TestSigning.CarefulService service = new TestSigning.CarefulService();
        try (SerialSigner s = signer(service, SignerListener.NONE); Switchboard sb = new Switchboard(s)) {
            byte[] b = blob(5 * Protocol.MAX_CHUNK + 17, 7);
            BridgeResult r = new SerialBridge(sb::open, FAST.withChunkSize(Protocol.MAX_CHUNK).withWindow(2), BridgeListener.NONE, null).submit(b);
            assertTrue(TestSigning.KEY.publicKey().verify(TestSigning.sha256(b), r.signature()));
            assertArrayEquals(b, service.reviewed.get(service.reviewed.size() - 1));
        }
    }

    @Test
    void stopAndWaitWithWindowOneWorksToo() throws Exception {
        try (SerialSigner s = signer(new TestSigning.CarefulService(), SignerListener.NONE); Switchboard sb = new Switchboard(s)) {
            byte[] b = blob(3000, 1);
            BridgeResult r = new SerialBridge(sb::open, FAST.withWindow(1), BridgeListener.NONE, null).submit(b);
            assertTrue(TestSigning.KEY.publicKey().verify(TestSigning.sha256(b), r.signature()));
        }
    }

    @Test
    void refusalReachesTheBridgeWithItsReasonAsRejection() throws Exception {
        BlobSigningService refuse = (blob, d) -> new Verdict.Refused(null, RefusalCode.REJECTED, "version 01_00_00 is lower than 02_00_00");
        try (SerialSigner s = signer(refuse, SignerListener.NONE); Switchboard sb = new Switchboard(s)) {
            RejectedException e = assertThrows(RejectedException.class,
                    () -> new SerialBridge(sb::open, FAST, BridgeListener.NONE, null).submit(blob(700, 2)));
            assertTrue(e.getMessage().contains("lower than 02_00_00"), e.getMessage());
        }
    }

    @Test
    void signerFaultIsAnEnvironmentProblemNotARejection() throws Exception {
        BlobSigningService broken = (blob, d) -> {
            throw new EnvironmentException("the ledger cannot be written: disk full");
        };
        try (SerialSigner s = signer(broken, SignerListener.NONE); Switchboard sb = new Switchboard(s)) {
            EnvironmentException e = assertThrows(EnvironmentException.class,
                    () -> new SerialBridge(sb::open, FAST, BridgeListener.NONE, null).submit(blob(700, 2)));
            assertTrue(e.getMessage().contains("disk full"), e.getMessage());
        }
    }

    @Test
    void tooLargeBlobIsRefusedBeforeAnyMemoryIsTaken() throws Exception {
        SignerEvents ev = new SignerEvents();
        try (SerialSigner s = new SerialSigner(new TestSigning.CarefulService(), UnreviewedRequests.NONE, TestSigning.KEY.publicKey(),
                SignerSettings.defaults().withMaxBlobBytes(1000), ev); Switchboard sb = new Switchboard(s)) {
            RejectedException e = assertThrows(RejectedException.class,
                    () -> new SerialBridge(sb::open, FAST, BridgeListener.NONE, null).submit(blob(1001, 3)));
            assertTrue(e.getMessage().contains("at most 1000"), e.getMessage());
            assertEquals(0, s.heldBytes());
        }
    }

    @Test
    void pinnedKeyMismatchStopsBeforeSending() throws Exception {
        TestSigning.CarefulService service = new TestSigning.CarefulService();
        try (SerialSigner s = signer(service, SignerListener.NONE); Switchboard sb = new Switchboard(s)) {
            EnvironmentException e = assertThrows(EnvironmentException.class, () -> new SerialBridge(sb::open, FAST,
                    BridgeListener.NONE, TestSigning.OTHER_KEY.publicKey()).submit(blob(500, 4)));
            assertTrue(e.getMessage().contains(TestSigning.KEY.publicKey().fingerprint()), e.getMessage());
            assertTrue(service.reviewed.isEmpty());
        }
    }

    @Test
    void slowReviewIsWaitedForWhileTheSignerKeepsAnswering() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        TestSigning.CarefulService careful = new TestSigning.CarefulService();
        BlobSigningService slow = (blob, d) -> {
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return careful.handle(blob, d);
        };
        List<String> status = new CopyOnWriteArrayList<>();
        BridgeListener l = new BridgeListener() {
            @Override
            public void status(String line) {
                status.add(line);
                if (line.contains("waiting for its review")) {
                    release.countDown();
                }
            }
        };
        // The review lasts longer than the bridge's reconnect timer: PENDING answers keep the link alive.
        try (SerialSigner s = signer(slow, SignerListener.NONE); Switchboard sb = new Switchboard(s)) {
            new Thread(() -> {
                try {
                    Thread.sleep(600);
                } catch (InterruptedException ignored) {
                    // released by the test's end either way
                }
                release.countDown();
            }).start();
            BridgeResult r = new SerialBridge(sb::open, FAST, l, null).submit(blob(2000, 5));
            assertTrue(TestSigning.KEY.publicKey().verify(r.digest(), r.signature()));
            assertTrue(status.stream().anyMatch(x -> x.contains("waiting for its review")), status.toString());
            assertEquals(0, r.reconnects());
        }
    }

    @Test
    void pulledCableResumesFromTheLastAcknowledgedChunk() throws Exception {
        SignerEvents ev = new SignerEvents();
        try (SerialSigner s = signer(new TestSigning.CarefulService(), ev); Switchboard sb = new Switchboard(s)) {
            byte[] b = blob(40_000, 6);
            AtomicBoolean pulled = new AtomicBoolean();
            AtomicReference<Long> resumedAt = new AtomicReference<>();
            BridgeListener l = new BridgeListener() {
                @Override
                public void progress(long acked, long total) {
                    if (acked > total / 2 && pulled.compareAndSet(false, true)) {
                        sb.disconnect();
                    }
                }

                @Override
                public void status(String line) {
                    if (line.startsWith("resuming at byte ")) {
                        resumedAt.set(Long.parseLong(line.substring("resuming at byte ".length())));
                    }
                }
            };
            BridgeResult r = new SerialBridge(sb::open, FAST, l, null).submit(b);
            assertTrue(TestSigning.KEY.publicKey().verify(TestSigning.sha256(b), r.signature()));
            assertEquals(1, ev.resumed.size(), "the signer continued the same transfer");
            assertTrue(resumedAt.get() != null && resumedAt.get() > b.length / 2, "resumed past the middle: " + resumedAt.get());
            assertEquals(List.of(), ev.unterminated());
        }
    }

    @Test
    void aNewBridgeProcessResumesAPartialTransferOfTheSameBlob() throws Exception {
        SignerEvents ev = new SignerEvents();
        try (SerialSigner s = signer(new TestSigning.CarefulService(), ev); Switchboard sb = new Switchboard(s)) {
            byte[] b = blob(20_000, 7);
            SerialBridge first = new SerialBridge(sb::open, FAST, new BridgeListener() {
                @Override
                public void progress(long acked, long total) {
                    if (acked > total / 3) {
                        sb.disconnect(); // the first bridge dies here, without cancelling
                        throw new IllegalStateException("bridge crashed");
                    }
                }
            }, null);
            assertThrows(IllegalStateException.class, () -> first.submit(b));
            List<String> status = new CopyOnWriteArrayList<>();
            BridgeResult r = new SerialBridge(sb::open, FAST, new BridgeListener() {
                @Override
                public void progress(long acked, long total) {
                    status.add("progress " + acked);
                }
            }, null).submit(b);
            assertTrue(TestSigning.KEY.publicKey().verify(TestSigning.sha256(b), r.signature()));
            assertTrue(Long.parseLong(status.get(0).substring(9)) > b.length / 3, "second bridge started at " + status.get(0));
            assertEquals(1, ev.resumed.size());
        }
    }

    @Test
    void stalledSignerIsWaitedOutAndBlackoutIsRecoveredFrom() throws Exception {
        SignerEvents ev = new SignerEvents();
        AtomicReference<FaultyLink> signerEnd = new AtomicReference<>();
        try (SerialSigner s = signer(new TestSigning.CarefulService(), ev);
             Switchboard sb = new Switchboard(s, InMemoryLink.SerialLine.INSTANT, l -> l, l -> {
                 FaultyLink f = new FaultyLink(l, FaultyLink.Rates.NONE, 1);
                 signerEnd.set(f);
                 return f;
             })) {
            byte[] b = blob(30_000, 8);
            AtomicBoolean stalled = new AtomicBoolean();
            AtomicBoolean blacked = new AtomicBoolean();
            BridgeResult r = new SerialBridge(sb::open, FAST, new BridgeListener() {
                @Override
                public void progress(long acked, long total) {
                    if (acked > total / 4 && stalled.compareAndSet(false, true)) {
                        signerEnd.get().stall(200);
                    }
                    if (acked > total / 2 && blacked.compareAndSet(false, true)) {
                        signerEnd.get().blackout(500);
                    }
                }
            }, null).submit(b);
            assertTrue(TestSigning.KEY.publicKey().verify(TestSigning.sha256(b), r.signature()));
            assertTrue(r.retransmittedChunks() > 0);
            assertTrue(r.reconnects() >= 1, "the blackout outlasted the reconnect timer");
            assertEquals(List.of(), ev.unterminated());
        }
    }

    @Test
    void signerThatNeverAnswersEndsWithAClearError() {
        InMemoryLink[] pair = InMemoryLink.pair();
        EnvironmentException e = assertThrows(EnvironmentException.class, () -> new SerialBridge(() -> pair[0],
                FAST.withTimers(Duration.ofMillis(40), Duration.ofMillis(30), Duration.ofMillis(100), Duration.ofMillis(400)),
                BridgeListener.NONE, null).submit(blob(100, 9)));
        assertTrue(e.getMessage().contains("did not answer") && e.getMessage().contains("serial-signer is running"), e.getMessage());
    }

    @Test
    void cancelFromTheBridgeFreesTheSignersMemoryAndIsReported() throws Exception {
        SignerEvents ev = new SignerEvents();
        try (SerialSigner s = signer(new TestSigning.CarefulService(), ev); Switchboard sb = new Switchboard(s)) {
            AtomicReference<SerialBridge> bridge = new AtomicReference<>();
            bridge.set(new SerialBridge(sb::open, FAST, new BridgeListener() {
                @Override
                public void progress(long acked, long total) {
                    if (acked > total / 2) {
                        bridge.get().cancel();
                    }
                }
            }, null));
            RejectedException e = assertThrows(RejectedException.class, () -> bridge.get().submit(blob(30_000, 10)));
            assertTrue(e.getMessage().contains("cancelled"));
            assertEquals(0, s.heldBytes());
            assertTrue(ev.byTransfer.values().iterator().next().stream().anyMatch(x -> x.contains("cancelled by the bridge")),
                    ev.byTransfer.toString());
        }
    }

    @Test
    void signerReopensAFailedPortAndTheBridgeResumes() throws Exception {
        java.util.concurrent.LinkedBlockingQueue<Link> signerEnds = new java.util.concurrent.LinkedBlockingQueue<>();
        List<String> lost = new CopyOnWriteArrayList<>();
        SignerListener l = new SignerListener() {
            @Override
            public void linkLost(String link, String reason) {
                lost.add(reason);
            }
        };
        AtomicBoolean stop = new AtomicBoolean();
        java.util.concurrent.atomic.AtomicInteger opens = new java.util.concurrent.atomic.AtomicInteger();
        try (SerialSigner s = signer(new TestSigning.CarefulService(), l)) {
            Thread t = new Thread(() -> s.run(() -> {
                if (opens.incrementAndGet() == 1) {
                    throw new java.io.IOException("port /dev/ttyUSB0 not found");
                }
                Link next;
                try {
                    next = signerEnds.poll(1, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    throw new java.io.IOException("interrupted");
                }
                if (next == null) {
                    throw new java.io.IOException("no adapter");
                }
                return next;
            }, stop::get, Duration.ofMillis(20)));
            t.start();
            AtomicReference<Link> bridgeEnd = new AtomicReference<>();
            AtomicBoolean pulled = new AtomicBoolean();
            byte[] b = blob(20_000, 11);
            BridgeResult r = new SerialBridge(() -> {
                InMemoryLink[] pair = InMemoryLink.pair();
                signerEnds.add(pair[1]);
                bridgeEnd.set(pair[0]);
                return pair[0];
            }, FAST, new BridgeListener() {
                @Override
                public void progress(long acked, long total) {
                    if (acked > total / 2 && pulled.compareAndSet(false, true)) {
                        bridgeEnd.get().close();
                    }
                }
            }, null).submit(b);
            stop.set(true);
            t.join(5000);
            assertTrue(TestSigning.KEY.publicKey().verify(TestSigning.sha256(b), r.signature()));
            assertTrue(lost.contains("port /dev/ttyUSB0 not found"), lost.toString());
            assertTrue(lost.contains("link closed"), "the pulled link was reported: " + lost);
        }
    }

    @Test
    void aBridgeRestartedDuringTheReviewGetsTheVerdictWithoutSendingAgain() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        TestSigning.CarefulService careful = new TestSigning.CarefulService();
        BlobSigningService slow = (blob, d) -> {
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return careful.handle(blob, d);
        };
        try (SerialSigner s = signer(slow, SignerListener.NONE); Switchboard sb = new Switchboard(s)) {
            byte[] b = blob(10_000, 12);
            assertThrows(IllegalStateException.class, () -> new SerialBridge(sb::open, FAST, new BridgeListener() {
                @Override
                public void status(String line) {
                    if (line.contains("waiting for its review")) {
                        throw new IllegalStateException("bridge crashed during the review");
                    }
                }
            }, null).submit(b));
            List<Long> progress = new CopyOnWriteArrayList<>();
            BridgeResult r = new SerialBridge(sb::open, FAST, new BridgeListener() {
                @Override
                public void progress(long acked, long total) {
                    progress.add(acked);
                }

                @Override
                public void status(String line) {
                    if (line.contains("waiting for its review")) {
                        release.countDown();
                    }
                }
            }, null).submit(b);
            assertTrue(TestSigning.KEY.publicKey().verify(TestSigning.sha256(b), r.signature()));
            assertEquals(List.of((long) b.length), progress, "nothing was sent again");
            assertEquals(1, careful.reviewed.size(), "one review for one blob");
        }
    }
}
