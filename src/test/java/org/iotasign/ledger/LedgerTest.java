package org.iotasign.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.iotasign.EnvironmentException;
import org.iotasign.testing.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The signing ledger: hash chain, tamper detection naming the first bad record, torn appends, unwritable ledgers. */
class LedgerTest {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-27T10:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    static LedgerRecord draft(String version, LedgerRecord.Outcome outcome) {
        String digest = String.format("%064x", version.hashCode() & 0xffffffffL);
        return LedgerRecord.draft(outcome, version, digest, 1000, List.of(new LedgerRecord.Entry("iotawatt.bin", 900, digest)),
                "aaaa-bbbb-cccc-dddd", "11".repeat(32), "serial-1", "test", "yes-flag", List.of(), List.of(), List.of(), null);
    }

    Path ledgerWith(int n) {
        Path p = dir.resolve("ledger.jsonl");
        Ledger ledger = new Ledger(p, CLOCK);
        for (int i = 1; i <= n; i++) {
            ledger.append(h -> draft(String.format("02_08_%02d", h.size() + 1), LedgerRecord.Outcome.SIGNED));
        }
        return p;
    }

    static List<String> lines(Path p) throws IOException {
        return new ArrayList<>(Files.readAllLines(p, StandardCharsets.UTF_8));
    }

    static void writeLines(Path p, List<String> lines) throws IOException {
        Files.writeString(p, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    }

    @Test
    void appendedRecordsChainFromGenesisWithConsecutiveSequenceNumbers() {
        Path p = ledgerWith(3);
        LedgerCheck c = new Ledger(p).check();
        assertTrue(c.intact(), c.verdict().orElse(""));
        assertEquals(3, c.records().size());
        assertEquals("0".repeat(64), c.records().get(0).prev());
        for (int i = 0; i < 3; i++) {
            assertEquals(i + 1, c.records().get(i).seq());
            if (i > 0) {
                assertEquals(c.records().get(i - 1).hash(), c.records().get(i).prev());
            }
        }
        assertEquals(c.records().get(2).hash(), c.headHash());
        assertEquals("2026-11-27T10:00:00Z", c.records().get(0).time());
    }

    @Test
    void appendSeesTheHistoryAndReturnsTheNewHead() {
        Ledger ledger = new Ledger(ledgerWith(2), CLOCK);
        List<Integer> seen = new ArrayList<>();
        Ledger.Appended a = ledger.append(h -> {
            seen.add(h.size());
            return draft("02_08_09", LedgerRecord.Outcome.REFUSED);
        });
        assertEquals(List.of(2), seen);
        assertEquals(3, a.seq());
        assertEquals(a.head(), ledger.check().headHash());
    }

    @Test
    void anEditedRecordIsNamed() throws IOException {
        Path p = ledgerWith(4);
        List<String> l = lines(p);
        l.set(1, l.get(1).replace("\"02_08_02\"", "\"02_08_07\""));
        writeLines(p, l);
        LedgerCheck c = new Ledger(p).check();
        assertEquals("record 2 (line 2) is damaged: its hash does not match its content (the record was edited)", c.problem().orElseThrow());
        assertEquals(1, c.records().size());
    }

    @Test
    void anEditWithARecomputedHashBreaksTheNextLink() throws IOException {
        Path p = ledgerWith(3);
        List<String> l = lines(p);
        LedgerRecord r2 = new Ledger(p).check().records().get(1);
        LedgerRecord forged = new LedgerRecord(r2.seq(), r2.time(), LedgerRecord.Outcome.REFUSED, r2.version(), r2.digest(), r2.size(),
                r2.entries(), r2.key(), r2.publicKey(), r2.tokenSerial(), r2.source(), r2.confirmation(), r2.overrides(),
                List.of("forged"), r2.warnings(), r2.repeatOf(), r2.tornTail(), null, null, null, r2.prev(), null);
        l.set(1, LedgerFormat.line(forged));
        writeLines(p, l);
        assertEquals("record 3 (line 3) does not link to the record before it: a record before it was removed, inserted or rewritten",
                new Ledger(p).check().problem().orElseThrow());
    }

    @Test
    void aRemovedRecordIsNamed() throws IOException {
        Path p = ledgerWith(4);
        List<String> l = lines(p);
        l.remove(2);
        writeLines(p, l);
        assertEquals("record 3 is missing (removed): line 3 holds record 4", new Ledger(p).check().problem().orElseThrow());
    }

    @Test
    void aRemovedFirstRecordIsNamed() throws IOException {
        Path p = ledgerWith(2);
        List<String> l = lines(p);
        l.remove(0);
        writeLines(p, l);
        assertEquals("record 1 is missing (removed): line 1 holds record 2", new Ledger(p).check().problem().orElseThrow());
    }

    @Test
    void reorderedRecordsAreNamed() throws IOException {
        Path p = ledgerWith(4);
        List<String> l = lines(p);
        Collections.swap(l, 1, 2);
        writeLines(p, l);
        assertEquals("records were reordered: line 2 holds record 3 where record 2 belongs, and record 2 is on line 3",
                new Ledger(p).check().problem().orElseThrow());
        Collections.swap(l, 1, 2);
        l.add(l.get(1)); // a duplicated record after the end
        writeLines(p, l);
        assertEquals("line 5 holds record 2 where record 5 belongs: records were reordered or duplicated",
                new Ledger(p).check().problem().orElseThrow());
    }

    @Test
    void aTruncatedLastRecordIsNamedAndTheCommandFails() throws IOException {
        Path p = ledgerWith(3);
        byte[] all = Files.readAllBytes(p);
        Files.write(p, java.util.Arrays.copyOf(all, all.length - 40));
        LedgerCheck c = new Ledger(p).check();
        assertFalse(c.intact());
        assertTrue(c.verdict().orElseThrow().startsWith("record 3 is incomplete"), c.verdict().orElseThrow());
        Cli.Result r = Cli.run("ledger", "verify", "--no-token", "--ledger", p.toString());
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("record 3 is incomplete"), r.toString());
    }

    @Test
    void recordsRemovedFromTheEndAreFoundAgainstAHeadFromAReceipt() throws IOException {
        Path p = ledgerWith(3);
        String head = new Ledger(p).check().headHash();
        List<String> l = lines(p);
        l.remove(2);
        writeLines(p, l);
        assertTrue(new Ledger(p).check().intact(), "a chain cut at a record boundary is intact by itself");
        Cli.Result r = Cli.run("ledger", "verify", "--no-token", "--ledger", p.toString(), "--head", head);
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("does not contain head " + head), r.toString());
        Cli.Result ok = Cli.run("ledger", "verify", "--no-token", "--ledger", p.toString(), "--head", new Ledger(p).check().headHash());
        assertEquals(0, ok.exit(), ok.toString());
        assertTrue(ok.out().contains("verifies: 2 records"), ok.toString());
    }

    @Test
    void aTornAppendIsKeptInTheNextRecordAndTheChainVerifiesAgain() throws IOException {
        Path p = ledgerWith(2);
        Files.write(p, "{\"seq\":3,\"time\":\"2026".getBytes(StandardCharsets.UTF_8), java.nio.file.StandardOpenOption.APPEND);
        Ledger ledger = new Ledger(p, CLOCK);
        assertEquals(2, ledger.records().size(), "an incomplete line is not part of the history");
        Ledger.Appended a = ledger.append(h -> draft("02_08_03", LedgerRecord.Outcome.SIGNED));
        assertEquals(3, a.seq());
        assertNotNull(a.record().tornTail());
        assertEquals("{\"seq\":3,\"time\":\"2026", new String(java.util.HexFormat.of().parseHex(a.record().tornTail()), StandardCharsets.UTF_8));
        assertTrue(ledger.check().intact());
    }

    @Test
    void aDamagedLedgerStopsAppends() throws IOException {
        Path p = ledgerWith(3);
        List<String> l = lines(p);
        l.remove(1);
        writeLines(p, l);
        EnvironmentException e = assertThrows(EnvironmentException.class,
                () -> new Ledger(p).append(h -> draft("02_08_09", LedgerRecord.Outcome.SIGNED)));
        assertTrue(e.getMessage().contains("fails verification: record 2 is missing"), e.getMessage());
        assertEquals(2, lines(p).size(), "nothing was appended");
    }

    @Test
    void aLedgerThatCannotBeCreatedFailsWithWhatToDo() throws IOException {
        Path notAFolder = Files.writeString(dir.resolve("file"), "x");
        EnvironmentException e = assertThrows(EnvironmentException.class,
                () -> new Ledger(notAFolder.resolve("ledger.jsonl")).append(h -> draft("02_08_01", LedgerRecord.Outcome.SIGNED)));
        assertTrue(e.getMessage().contains("cannot append to the signing ledger") && e.getMessage().contains("nothing was signed"),
                e.getMessage());
    }

    @Test
    @Timeout(30)
    void concurrentAppendsKeepOneUnbrokenChain() throws Exception {
        Path p = dir.resolve("ledger.jsonl");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                fs.add(pool.submit(() -> new Ledger(p, CLOCK).append(h -> draft("02_08_01", LedgerRecord.Outcome.SIGNED))));
            }
            for (Future<?> f : fs) {
                f.get(20, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        LedgerCheck c = new Ledger(p).check();
        assertTrue(c.intact(), c.verdict().orElse(""));
        assertEquals(40, c.records().size());
    }

    @Test
    void showListsRecordsAndVerifyPrintsTheHead() {
        Path p = ledgerWith(2);
        Cli.Result show = Cli.run("ledger", "show", "--ledger", p.toString());
        assertEquals(0, show.exit(), show.toString());
        assertTrue(show.out().contains("2 records") && show.out().contains("02_08_01") && show.out().contains("02_08_02"), show.toString());
        Cli.Result verify = Cli.run("ledger", "verify", "--no-token", "--ledger", p.toString());
        assertEquals(0, verify.exit(), verify.toString());
        assertTrue(verify.out().contains("head " + new Ledger(p).check().headHash()), verify.toString());
    }

    @Test
    void aLedgerWrittenBeforeAnchorsStillVerifiesAndTakesTheNewMembers() throws IOException {
        Path p = dir.resolve("ledger.jsonl");
        try (var in = LedgerTest.class.getResourceAsStream("/ledger/written-before-anchors.jsonl")) {
            Files.write(p, in.readAllBytes());
        }
        LedgerCheck old = new Ledger(p).check();
        assertTrue(old.intact(), old.verdict().orElse(""));
        assertEquals(5, old.records().size());
        assertEquals(Long.valueOf(1), old.records().get(1).repeatOf());
        assertTrue(old.records().get(3).tornTail() != null, "the torn append an earlier build kept");
        assertEquals(0, Cli.run("ledger", "verify", "--no-token", "--ledger", p.toString()).exit());
        Ledger ledger = new Ledger(p, CLOCK);
        ledger.append(h -> draft("02_08_03", LedgerRecord.Outcome.REFUSED).counting(7));
        ledger.append(h -> draft("00_00_00", LedgerRecord.Outcome.RECOVERED).continuing(new LedgerRecord.Continuation(9, "ab".repeat(32), 7, 9)));
        LedgerCheck now = new Ledger(p).check();
        assertTrue(now.intact(), now.verdict().orElse(""));
        assertEquals(Long.valueOf(7), now.records().get(5).count());
        assertEquals(7, now.records().get(5).requests());
        assertEquals(new LedgerRecord.Continuation(9, "ab".repeat(32), 7, 9), now.records().get(6).continues());
        assertEquals(null, now.records().get(4).count(), "the members are absent where unset: earlier lines keep their form");
        Cli.Result show = Cli.run("ledger", "show", "--ledger", p.toString(), "--last", "2");
        assertTrue(show.out().contains("x7 requests") && show.out().contains("lost records 7..9"), show.toString());
    }

    @Test
    void aMissingLedgerDoesNotVerify() {
        Cli.Result r = Cli.run("ledger", "verify", "--no-token", "--ledger", dir.resolve("gone.jsonl").toString());
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("does not exist: nothing was verified"), r.toString());
    }

    @Test
    void aNegativeCountAndAHeadThatIsNotAHashAreUsageErrors() throws IOException {
        Path p = ledgerWith(1);
        for (String bad : new String[] {"-5", "0"}) {
            Cli.Result r = Cli.run("ledger", "show", "--ledger", p.toString(), "--last", bad);
            assertEquals(2, r.exit(), r.toString());
            assertTrue(r.err().contains("--last takes a number of records of 1 or more"), r.toString());
        }
        Cli.Result r = Cli.run("ledger", "verify", "--no-token", "--ledger", p.toString(), "--head", "nothex");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("--head takes a record hash of 64 hex digits"), r.toString());
    }

    @Test
    void aTornLastLineIsReportedWithTheExactFix() throws IOException {
        Path p = ledgerWith(2);
        long complete = Files.size(p);
        Files.write(p, "{\"seq\":3,\"ti".getBytes(StandardCharsets.UTF_8), java.nio.file.StandardOpenOption.APPEND);
        Cli.Result r = Cli.run("ledger", "verify", "--no-token", "--ledger", p.toString());
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("record 3 is incomplete") && r.err().contains("truncate -s " + complete + " " + p.toAbsolutePath()),
                r.toString());
        assertEquals(1, r.err().strip().lines().count(), "one line");
    }
}
