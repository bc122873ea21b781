package org.iotasign.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.iotasign.crypto.Ed25519PublicKey;
import org.iotasign.ledger.Ledger;
import org.iotasign.ledger.LedgerRecord;
import org.iotasign.release.FirmwareLimit;
import org.iotasign.release.ReleaseBlob;
import org.iotasign.testing.Digests;
import org.iotasign.testing.TestKeys;
import org.iotasign.testing.TestReleases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rule (f) and the ledger's key records: an imported key signs without the override only when a recorded ceremony or restore put it on that token. */
class KeyBirthPolicyTest {
    static final Ed25519PublicKey KEY = TestKeys.test1().publicKey();
    static final byte[] BLOB = TestReleases.unsigned("02_09_01", TestKeys.test1());

    @TempDir
    Path dir;

    static LedgerRecord ceremony(Ledger ledger, Ed25519PublicKey key, String serial) {
        return ledger.append(h -> LedgerRecord.keyEvent(LedgerRecord.Outcome.CEREMONY, key.fingerprint(), key.hex(), "ceremony 0ZB2-9XXJ",
                new LedgerRecord.KeyEvent("0ZB2-9XXJ", 3, 5, List.of(1, 2, 3, 4, 5),
                        List.of(new LedgerRecord.TokenWritten(serial, "alpha", "pkcs11:token=alpha;object=release;id=%01"))))).record();
    }

    static PolicyDecision decide(boolean neverLeftToken, String serial, List<LedgerRecord> history) {
        return new SigningPolicy(Set.of()).evaluate(new SigningPolicy.Request(ReleaseBlob.parseUnsigned(BLOB, FirmwareLimit.DEFAULT), null,
                Digests.sha256(BLOB), KEY, neverLeftToken, history, Optional.empty(), serial));
    }

    static boolean extractableRuleFires(PolicyDecision d) {
        return d.violations().stream().anyMatch(v -> v.rule() == PolicyRule.EXTRACTABLE_KEY);
    }

    @Test
    void anImportedKeyOfARecordedCeremonySignsOnTheTokensItNames() {
        Ledger ledger = new Ledger(dir.resolve("ledger.jsonl"));
        LedgerRecord c = ceremony(ledger, KEY, "SERIAL-A");
        List<LedgerRecord> history = ledger.records();
        PolicyDecision onA = decide(false, "SERIAL-A", history);
        assertFalse(extractableRuleFires(onA), onA::toString);
        assertFalse(onA.refused());
        assertEquals("born in ceremony 0ZB2-9XXJ (3 of 5 shares, ledger record " + c.seq() + ")", onA.keyBirth().describe());

        PolicyDecision onB = decide(false, "SERIAL-B", history);
        assertTrue(extractableRuleFires(onB), "a token the ceremony did not write needs the override");
        assertTrue(onB.refused());
        assertTrue(extractableRuleFires(decide(false, "SERIAL-A", List.of())), "no record, no exemption");
        assertTrue(extractableRuleFires(decide(false, null, history)));
    }

    @Test
    void aCeremonyOfAnotherKeyExemptsNothingAndAGeneratedKeyNeedsNoRecord() {
        Ledger ledger = new Ledger(dir.resolve("ledger.jsonl"));
        ceremony(ledger, TestKeys.test2().publicKey(), "SERIAL-A");
        assertTrue(extractableRuleFires(decide(false, "SERIAL-A", ledger.records())));
        PolicyDecision generated = decide(true, "SERIAL-A", List.of());
        assertFalse(extractableRuleFires(generated));
        assertEquals("generated on the token, never extractable", generated.keyBirth().describe());
    }

    @Test
    void aRestoreRecordExemptsItsNewToken() {
        Ledger ledger = new Ledger(dir.resolve("ledger.jsonl"));
        ceremony(ledger, KEY, "SERIAL-A");
        LedgerRecord r = ledger.append(h -> LedgerRecord.keyEvent(LedgerRecord.Outcome.RESTORE, KEY.fingerprint(), KEY.hex(),
                "restore", new LedgerRecord.KeyEvent("0ZB2-9XXJ", 3, 5, List.of(2, 4, 5),
                        List.of(new LedgerRecord.TokenWritten("SERIAL-C", "gamma", "pkcs11:token=gamma;object=release;id=%01"))))).record();
        PolicyDecision onC = decide(false, "SERIAL-C", ledger.records());
        assertFalse(extractableRuleFires(onC));
        assertTrue(onC.keyBirth().describe().startsWith("restored from shares of ceremony 0ZB2-9XXJ"), onC.keyBirth().describe());
        // A drill imports nothing, so it exempts nothing.
        ledger.append(h -> LedgerRecord.keyEvent(LedgerRecord.Outcome.DRILL, KEY.fingerprint(), KEY.hex(), "drill",
                new LedgerRecord.KeyEvent("0ZB2-9XXJ", 3, 5, List.of(1, 2, 3), List.of())));
        assertTrue(extractableRuleFires(decide(false, "SERIAL-D", ledger.records())));
        assertEquals(r.seq(), decide(false, "SERIAL-C", ledger.records()).keyBirth().record().orElseThrow().seq());
    }

    @Test
    void keyRecordsRoundTripThroughTheLedgerAndLeaveOtherLinesAsTheyWere() throws Exception {
        Path path = dir.resolve("ledger.jsonl");
        Ledger ledger = new Ledger(path);
        ledger.append(h -> LedgerRecord.draft(LedgerRecord.Outcome.REFUSED, "02_09_01", "00".repeat(32), 10, List.of(), KEY.fingerprint(),
                KEY.hex(), "S", "test", null, List.of(), List.of("no"), List.of(), null));
        String first = Files.readAllLines(path).get(0);
        assertFalse(first.contains("keyEvent"), "records other than key records keep their form");
        LedgerRecord c = ceremony(ledger, KEY, "SERIAL-A");
        LedgerRecord back = new Ledger(path).records().get(1);
        assertEquals(c, back);
        assertEquals(LedgerRecord.Outcome.CEREMONY, back.outcome());
        assertEquals(List.of(1, 2, 3, 4, 5), back.keyEvent().shareIndexes());
        assertEquals("SERIAL-A", back.keyEvent().tokens().get(0).serial());
        assertTrue(Files.readAllLines(path).get(1).contains("\"outcome\":\"ceremony\""));
        assertTrue(new Ledger(path).check().problem().isEmpty());
        // Editing the key record breaks its hash.
        Files.writeString(path, Files.readString(path).replace("\"threshold\":3", "\"threshold\":2"));
        assertTrue(new Ledger(path).check().problem().isPresent());
    }
}
