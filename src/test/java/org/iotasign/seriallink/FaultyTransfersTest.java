package org.iotasign.seriallink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.iotasign.IotasignException;
import org.iotasign.crypto.Ed25519PublicKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The figures the serial link must hold: over 1000 transfers on links that damage,
 * drop, duplicate and reorder frames, add garbage, malformed and oversize frames, black
 * out and stall, no wrong or unverifiable signature is ever delivered, every transfer
 * completes or fails with a clear one-line error, the signer closes every transfer it
 * started with exactly one verdict or end, and its memory stays within its limit.
 */
class FaultyTransfersTest {
    static final int LANES = 4;
    static final int PER_LANE = 250;
    static final int MAX_BLOB = 6000;
    static final FaultyLink.Rates RATES = new FaultyLink.Rates(0.02, 0.02, 0.01, 0.01, 0.01, 0.005, 0.005);
    static final BridgeSettings SETTINGS = BridgeSettings.defaults().withChunkSize(256).withWindow(4)
            .withTimers(Duration.ofMillis(25), Duration.ofMillis(20), Duration.ofMillis(150), Duration.ofSeconds(4));

    record LaneResult(int completed, List<String> failures, long wrongSignatures, long retransmits, long faults,
                      List<String> unterminated, long maxHeld, long framesSeen, int abandoned) {
    }

    @Test
    @Timeout(120)
    void thousandFaultyTransfersDeliverOnlyGoodSignaturesAndEndClearly() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(LANES);
        List<Future<LaneResult>> lanes = new ArrayList<>();
        for (int lane = 0; lane < LANES; lane++) {
            int seed = lane;
            lanes.add(pool.submit(() -> runLane(seed)));
        }
        int completed = 0;
        long wrong = 0;
        long retransmits = 0;
        long faults = 0;
        long frames = 0;
        List<String> failures = new ArrayList<>();
        List<String> unterminated = new ArrayList<>();
        for (Future<LaneResult> f : lanes) {
            LaneResult r = f.get();
            completed += r.completed();
            wrong += r.wrongSignatures();
            retransmits += r.retransmits();
            faults += r.faults();
            frames += r.framesSeen();
            failures.addAll(r.failures());
            unterminated.addAll(r.unterminated());
            assertTrue(r.maxHeld() <= MAX_BLOB, "signer memory within its limit: " + r.maxHeld());
            // A resumed transfer is one request: only a submission that failed may leave an abandoned transfer behind.
            assertTrue(r.abandoned() <= r.failures().size(), r.abandoned() + " abandoned records for " + r.failures().size()
                    + " failed submissions");
        }
        pool.shutdown();
        System.out.printf("faulty transfers: %d completed, %d failed, %d faults injected in %d frames, %d chunks resent%n",
                completed, failures.size(), faults, frames, retransmits);
        assertEquals(0, wrong, "no wrong or unverifiable signature delivered");
        assertEquals(LANES * PER_LANE, completed + failures.size());
        for (String f : failures) {
            assertTrue(!f.isBlank() && !f.contains("\n"), "a failure is one clear line: " + f);
        }
        assertTrue(completed >= LANES * PER_LANE * 0.99, "nearly all transfers complete by retrying and resuming: " + failures);
        assertTrue(faults > 1000, "the links really were faulty: " + faults);
        assertEquals(List.of(), unterminated, "every transfer the signer started ended with one verdict or one end");
    }

    private LaneResult runLane(int lane) throws Exception {
        Random rnd = new Random(1000 + lane);
        SignerEvents ev = new SignerEvents();
        Ed25519PublicKey key = TestSigning.KEY.publicKey();
        AtomicReference<FaultyLink> bridgeEnd = new AtomicReference<>();
        AtomicReference<FaultyLink> signerEnd = new AtomicReference<>();
        List<FaultyLink> all = new ArrayList<>();
        int completed = 0;
        long wrong = 0;
        long retransmits = 0;
        List<String> failures = new ArrayList<>();
        AtomicInteger abandoned = new AtomicInteger();
        UnreviewedRequests recorder = (cause, length, digest, reason) -> {
            if (cause.ending() == UnreviewedRequests.Ending.ABANDONED) {
                abandoned.incrementAndGet();
            }
        };
        SerialSigner signer = new SerialSigner(new TestSigning.CarefulService(), recorder, key,
                SignerSettings.defaults().withMaxBlobBytes(MAX_BLOB).withAbandonAfter(Duration.ofSeconds(2)), ev);
        ev.signer = signer;
        try (Switchboard sb = new Switchboard(signer, InMemoryLink.SerialLine.INSTANT,
                l -> add(all, bridgeEnd, new FaultyLink(l, RATES, rnd.nextLong())),
                l -> add(all, signerEnd, new FaultyLink(l, RATES, rnd.nextLong())))) {
            for (int i = 0; i < PER_LANE; i++) {
                byte[] blob = new byte[1 + rnd.nextInt(MAX_BLOB)];
                rnd.nextBytes(blob);
                int event = i % 10;
                BridgeListener trouble = new BridgeListener() {
                    boolean done;

                    @Override
                    public void progress(long acked, long total) {
                        if (done || acked < total / 3) {
                            return;
                        }
                        done = true;
                        switch (event) {
                            case 3 -> signerEnd.get().blackout(200);
                            case 5 -> signerEnd.get().stall(150);
                            case 7 -> sb.disconnect();
                            default -> {
                            }
                        }
                    }
                };
                try {
                    BridgeResult r = new SerialBridge(sb::open, SETTINGS, trouble, key).submit(blob);
                    retransmits += r.retransmittedChunks();
                    if (!Arrays.equals(r.digest(), TestSigning.sha256(blob)) || !key.verify(TestSigning.sha256(blob), r.signature())) {
                        wrong++;
                    } else {
                        completed++;
                    }
                } catch (IotasignException e) {
                    failures.add(e.getMessage());
                }
            }
        } finally {
            signer.close();
        }
        long faults = all.stream().mapToLong(f -> f.faultsInjected).sum();
        long frames = all.stream().mapToLong(f -> f.framesSeen).sum();
        return new LaneResult(completed, failures, wrong, retransmits, faults, ev.unterminated(), ev.maxHeld, frames, abandoned.get());
    }

    private static Link add(List<FaultyLink> all, AtomicReference<FaultyLink> ref, FaultyLink f) {
        synchronized (all) {
            all.add(f);
        }
        ref.set(f);
        return f;
    }

    @Test
    @Timeout(60)
    void aCableCutForGoodEndsWithAClearErrorOnBothSides() throws Exception {
        SignerEvents ev = new SignerEvents();
        SerialSigner signer = new SerialSigner(new TestSigning.CarefulService(), UnreviewedRequests.NONE, TestSigning.KEY.publicKey(),
                SignerSettings.defaults().withMaxBlobBytes(MAX_BLOB).withAbandonAfter(Duration.ofMillis(300)), ev);
        AtomicReference<FaultyLink> signerEnd = new AtomicReference<>();
        BridgeSettings quickGiveUp = SETTINGS.withTimers(Duration.ofMillis(25), Duration.ofMillis(20), Duration.ofMillis(100),
                Duration.ofMillis(400));
        Random rnd = new Random(5);
        List<String> bridgeErrors = new ArrayList<>();
        try (Switchboard sb = new Switchboard(signer, InMemoryLink.SerialLine.INSTANT, l -> l,
                l -> {
                    FaultyLink f = new FaultyLink(l, RATES, rnd.nextLong());
                    signerEnd.set(f);
                    return f;
                })) {
            for (int i = 0; i < 10; i++) {
                byte[] blob = new byte[3000 + rnd.nextInt(3000)];
                rnd.nextBytes(blob);
                try {
                    new SerialBridge(sb::open, quickGiveUp, new BridgeListener() {
                        @Override
                        public void progress(long acked, long total) {
                            if (acked >= total / 2) {
                                signerEnd.get().blackout(60_000);
                            }
                        }
                    }, null).submit(blob);
                } catch (org.iotasign.EnvironmentException e) {
                    bridgeErrors.add(e.getMessage());
                }
            }
            Thread.sleep(600); // the signer's abandon timer for the last transfer
        } finally {
            signer.close();
        }
        assertEquals(10, bridgeErrors.size(), "no transfer can complete without the cable");
        assertTrue(bridgeErrors.stream().allMatch(m -> m.contains("did not answer")), bridgeErrors.toString());
        assertEquals(List.of(), ev.unterminated());
        long silent = ev.byTransfer.values().stream().flatMap(List::stream).filter(e -> e.contains("bridge was silent")).count();
        long replaced = ev.byTransfer.values().stream().flatMap(List::stream).filter(e -> e.contains("new blob was announced")).count();
        assertEquals(10, silent + replaced, ev.byTransfer.toString());
        assertTrue(silent >= 1, "the signer reports the silent bridge: " + ev.byTransfer);
        assertEquals(0, signer.heldBytes());
    }
}
