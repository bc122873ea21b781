package org.iotasign.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.iotasign.EnvironmentException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ledger against its anchor, with the anchor held in memory (the token-resident
 * store is tested on SoftHSM2 in org.iotasign.cli.LedgerAnchorTokenTest): erasure,
 * truncation, forks and replacement stop appends and say what differs; recovery records
 * the loss; a crash between the append and the anchor update is no false alarm.
 */
class LedgerAnchorTest {
    @TempDir
    Path dir;

    /** An anchor store in memory that also remembers what the file held when it was written. */
    static final class MemoryAnchor implements AnchorStore {
        Optional<LedgerAnchor> anchor = Optional.empty();
        Path file;
        long fileRecordsAtWrite = -1;
        boolean dieOnWrite;

        @Override
        public boolean available() {
            return true;
        }

        @Override
        public Optional<LedgerAnchor> read() {
            return anchor;
        }

        @Override
        public void write(LedgerAnchor a) {
            if (dieOnWrite) {
                throw new EnvironmentException("the process died before the token was written");
            }
            fileRecordsAtWrite = new Ledger(file).check().records().size();
            anchor = Optional.of(a);
        }

        @Override
        public String describe() {
            return "token 'memory'";
        }
    }

    MemoryAnchor store = new MemoryAnchor();

    Ledger ledger() {
        Path p = dir.resolve("ledger.jsonl");
        store.file = p;
        return new Ledger(p, LedgerTest.CLOCK).anchoredTo(store);
    }

    Ledger withRecords(int n) {
        Ledger l = ledger();
        for (int i = 0; i < n; i++) {
            l.append(h -> LedgerTest.draft(String.format("02_08_%02d", h.size() + 1), LedgerRecord.Outcome.SIGNED));
        }
        return l;
    }

    void appendOne(Ledger l) {
        l.append(h -> LedgerTest.draft(String.format("02_09_%02d", h.size() + 1), LedgerRecord.Outcome.SIGNED));
    }

    @Test
    void theFirstRecordOnATokenCreatesTheAnchorAfterTheRecordIsOnDisk() {
        Ledger l = ledger();
        assertEquals(AnchorStatus.State.NO_ANCHOR, l.anchorStatus(l.check()).state());
        appendOne(l);
        assertEquals(new LedgerAnchor(1, l.check().headHash()), store.anchor.orElseThrow());
        assertEquals(1, store.fileRecordsAtWrite, "the anchor moves only once the record is in the file: it is never ahead");
        assertEquals(AnchorStatus.State.MATCHES, l.anchorStatus(l.check()).state());
    }

    @Test
    void aDeletedLedgerStopsAppendsAndIsNotRecreated() throws IOException {
        Ledger l = withRecords(3);
        Files.delete(l.path());
        EnvironmentException e = assertThrows(EnvironmentException.class, () -> appendOne(l));
        assertTrue(e.getMessage().contains("is missing but token 'memory' anchors 3 records") && e.getMessage().contains("records 1..3 are gone")
                && e.getMessage().contains("'iotasign ledger recover'"), e.getMessage());
        assertFalse(Files.exists(l.path()), "no empty ledger is created in its place");
        assertThrows(EnvironmentException.class, l::records, "the review refuses too");
    }

    @Test
    void aTruncatedLedgerNamesTheRemovedRecords() throws IOException {
        Ledger l = withRecords(4);
        List<String> lines = Files.readAllLines(l.path());
        Files.writeString(l.path(), String.join("\n", lines.subList(0, 2)) + "\n");
        EnvironmentException e = assertThrows(EnvironmentException.class, () -> appendOne(l));
        assertTrue(e.getMessage().contains("has 2 records but token 'memory' anchors 4 records")
                && e.getMessage().contains("records 3..4 were removed"), e.getMessage());
        assertEquals(2, l.check().records().size(), "nothing appended");
    }

    @Test
    void aForkedOrReplacedLedgerIsFoundAtTheAnchoredRecord() throws IOException {
        Ledger l = withRecords(3);
        byte[] original = Files.readAllBytes(l.path());
        // Another valid chain of the same length (the same history with one record different) ...
        Path other = dir.resolve("other.jsonl");
        Ledger o = new Ledger(other, LedgerTest.CLOCK);
        for (int i = 0; i < 3; i++) {
            o.append(h -> LedgerTest.draft(h.size() == 2 ? "02_08_07" : String.format("02_08_%02d", h.size() + 1),
                    LedgerRecord.Outcome.SIGNED));
        }
        Files.copy(other, l.path(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        EnvironmentException e = assertThrows(EnvironmentException.class, () -> appendOne(l));
        assertTrue(e.getMessage().contains("record 3 of the signing ledger") && e.getMessage().contains("replaced or is another chain"),
                e.getMessage());
        // ... and a longer one that shares no record: also a replacement, not an extension.
        for (int i = 0; i < 3; i++) {
            o.append(h -> LedgerTest.draft(String.format("03_00_%02d", h.size()), LedgerRecord.Outcome.SIGNED));
        }
        Files.copy(other, l.path(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertEquals(AnchorStatus.State.FORKED, l.anchorStatus(l.check()).state());
        Files.write(l.path(), original);
        appendOne(l);
        assertEquals(4, store.anchor.orElseThrow().count(), "the original file is accepted again");
    }

    @Test
    void aCrashBetweenTheAppendAndTheAnchorUpdateLeavesTheFileOneAheadAndNoFalseAlarm() {
        Ledger l = withRecords(2);
        store.dieOnWrite = true;
        Ledger.AnchorNotMoved e = assertThrows(Ledger.AnchorNotMoved.class, () -> appendOne(l));
        assertEquals(3, e.appended().seq(), "the record is on disk");
        store.dieOnWrite = false;
        AnchorStatus s = l.anchorStatus(l.check());
        assertEquals(AnchorStatus.State.AHEAD, s.state());
        assertTrue(s.finding().contains("1 record(s) after it") && s.finding().contains("records 3..3"), s.finding());
        assertEquals(3, l.records().size(), "the review reads the history without a false alarm");
        appendOne(l);
        assertEquals(new LedgerAnchor(4, l.check().headHash()), store.anchor.orElseThrow(), "the next append anchors both");
    }

    @Test
    void recoveryRecordsTheLostRecordsAsTheFirstRecordOfTheContinuation() throws IOException {
        Ledger l = withRecords(4);
        String anchoredHead = store.anchor.orElseThrow().head();
        List<String> lines = Files.readAllLines(l.path());
        Files.writeString(l.path(), String.join("\n", lines.subList(0, 1)) + "\n");
        Ledger.Appended r = l.recover(s -> LedgerTest.draft("00_00_00", LedgerRecord.Outcome.RECOVERED)).orElseThrow();
        assertEquals(2, r.seq(), "continues what the file still holds");
        assertEquals(new LedgerRecord.Continuation(4, anchoredHead, 2, 4), r.record().continues());
        assertEquals(new LedgerAnchor(2, r.head()), store.anchor.orElseThrow());
        assertTrue(l.check().intact());
        appendOne(l);
        LedgerRecord back = new Ledger(l.path()).check().records().get(1);
        assertEquals(LedgerRecord.Outcome.RECOVERED, back.outcome());
        assertEquals(r.record().continues(), back.continues(), "the continuation survives the file form");
        assertTrue(l.recover(s -> LedgerTest.draft("00_00_00", LedgerRecord.Outcome.RECOVERED)).isEmpty(), "nothing left to recover");
    }

    @Test
    void recoveryOfADeletedLedgerStartsANewFileWithTheRecovery() throws IOException {
        Ledger l = withRecords(2);
        Files.delete(l.path());
        Ledger.Appended r = l.recover(s -> LedgerTest.draft("00_00_00", LedgerRecord.Outcome.RECOVERED)).orElseThrow();
        assertEquals(1, r.seq());
        assertEquals(1, r.record().continues().lostFrom());
        assertEquals(2, r.record().continues().lostTo());
        appendOne(l);
        assertEquals(2, store.anchor.orElseThrow().count());
    }

    @Test
    void aFileOnlyLedgerSaysSoAndCannotBeRecovered() {
        Ledger l = new Ledger(dir.resolve("ledger.jsonl"));
        assertEquals(AnchorStatus.State.NO_STORE, l.anchorStatus(l.check()).state());
        assertTrue(l.anchorStatus(l.check()).finding().contains("only its file's protection"));
        assertThrows(EnvironmentException.class, () -> l.recover(s -> LedgerTest.draft("00_00_00", LedgerRecord.Outcome.RECOVERED)));
    }

    @Test
    void anAnchorValueIsReadBackExactlyAndOtherBytesAreNotAnAnchor() {
        LedgerAnchor a = new LedgerAnchor(12, "ab".repeat(32));
        assertEquals(Optional.of(a), LedgerAnchor.decode(a.encode()));
        assertEquals(Optional.empty(), LedgerAnchor.decode("iotasign-ledger-anchor 1 count=-1 head=00".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(Optional.empty(), LedgerAnchor.decode(new byte[] {(byte) 0xff, 0x00}));
    }

    @Test
    void concurrentAppendsLeaveTheAnchorAtTheLastRecord() throws Exception {
        Ledger l = ledger();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<Ledger.Appended>> done = new java.util.ArrayList<>();
            for (int i = 0; i < 20; i++) {
                done.add(pool.submit(() -> l.append(h -> LedgerTest.draft("02_08_01", LedgerRecord.Outcome.REFUSED))));
            }
            for (java.util.concurrent.Future<Ledger.Appended> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        assertEquals(new LedgerAnchor(20, l.check().headHash()), store.anchor.orElseThrow());
        assertEquals(AnchorStatus.State.MATCHES, l.anchorStatus(l.check()).state());
    }
}
