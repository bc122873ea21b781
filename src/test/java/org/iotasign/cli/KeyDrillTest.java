package org.iotasign.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.iotasign.crypto.Ed25519PublicKey;
import org.iotasign.ledger.Ledger;
import org.iotasign.ledger.LedgerRecord;
import org.iotasign.testing.Cli;
import org.iotasign.testing.TestKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** key drill on the committed format-1 shares: typed shares, the ledger's recorded key, --expect-fingerprint. No token involved. */
class KeyDrillTest {
    static final String FIXTURE = "src/test/resources/keybackup/format-1/iotasign-share-0ZB2-9XXJ-";
    static final String FINGERPRINT = "0599-8991-55a9-9acb";

    @TempDir
    Path dir;

    static String share(int i) {
        return FIXTURE + i + "-of-5.txt";
    }

    static Cli.Result withStdin(String stdin, String... args) {
        InputStream saved = System.in;
        System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.US_ASCII)));
        try {
            return Cli.run(args);
        } finally {
            System.setIn(saved);
        }
    }

    @Test
    void typedSharesAndTheExpectedFingerprintPassAndAreRecorded() throws Exception {
        Path ledger = dir.resolve("ledger.jsonl");
        String typed2 = Files.readAllLines(Path.of(share(2))).get(4).substring(10).replace("-", " ").toLowerCase();
        String typed5 = "code " + Files.readAllLines(Path.of(share(5))).get(4).substring(10);
        Cli.Result r = withStdin(typed2 + "\n" + typed5 + "\n", "key", "drill", "--ledger", ledger.toString(), "--share", "-",
                "--share", share(3), "--share", "-", "--expect-fingerprint", FINGERPRINT);
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().startsWith("drill passed: shares [2, 3, 5] of ceremony 0ZB2-9XXJ rebuild key " + FINGERPRINT), r.out());
        LedgerRecord d = new Ledger(ledger).records().get(0);
        assertEquals(LedgerRecord.Outcome.DRILL, d.outcome());
        assertEquals(List.of(2, 3, 5), d.keyEvent().shareIndexes());
        assertEquals(FINGERPRINT, d.key());
    }

    @Test
    void aMissingTypedShareIsAUsageError() {
        Cli.Result r = withStdin("", "key", "drill", "--ledger", dir.resolve("l.jsonl").toString(), "--share", share(1), "--share", "-",
                "--share", share(2));
        assertEquals(2, r.exit(), r::toString);
        assertTrue(r.err().contains("typed share 1 is missing: standard input ended"), r.err());
    }

    @Test
    void sharesThatRebuildAnotherKeyThanTheCeremonyRecordedAreRefused() {
        Path ledger = dir.resolve("ledger.jsonl");
        Ed25519PublicKey other = TestKeys.test1().publicKey();
        new Ledger(ledger).append(h -> LedgerRecord.keyEvent(LedgerRecord.Outcome.CEREMONY, other.fingerprint(), other.hex(), "ceremony",
                new LedgerRecord.KeyEvent("0ZB2-9XXJ", 3, 5, List.of(1, 2, 3, 4, 5), List.of())));
        Cli.Result r = Cli.run("key", "drill", "--ledger", ledger.toString(), "--share", share(1), "--share", share(2), "--share", share(4));
        assertEquals(1, r.exit(), r::toString);
        assertTrue(r.err().contains("the shares rebuild key " + FINGERPRINT + " but ceremony 0ZB2-9XXJ recorded key "
                + other.fingerprint() + " (ledger record 1)"), r.err());
        assertEquals(1, new Ledger(ledger).records().size(), "a refused drill records nothing");
    }
}
