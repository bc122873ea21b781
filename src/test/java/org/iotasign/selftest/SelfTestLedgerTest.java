package org.iotasign.selftest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ledger part of the self-check: a broken chain blocks signing, a torn last line only warns. */
class SelfTestLedgerTest {
    @TempDir
    Path dir;

    @Test
    void missingLedgerIsAnEmptyIntactOneThatBlocksNothing() {
        SelfTest.LedgerReport r = SelfTest.checkLedger(dir.resolve("ledger.jsonl"));
        assertFalse(r.exists());
        assertTrue(r.intact());
        assertEquals(0, r.records());
        assertFalse(r.blocksSigning());
    }

    @Test
    void damagedRecordBlocksSigningAndSaysWhy() throws IOException {
        Path ledger = Files.writeString(dir.resolve("ledger.jsonl"), "{\"seq\":1,\"outcome\":\"signed\"}\n");
        SelfTest.LedgerReport r = SelfTest.checkLedger(ledger);
        assertTrue(r.exists());
        assertFalse(r.intact());
        assertTrue(r.blocksSigning());
        assertTrue(r.verdict().startsWith("record 1 (line 1) is damaged"), r.verdict());
    }

    @Test
    void incompleteLastLineIsReportedButDoesNotBlockSigning() throws IOException {
        Path ledger = Files.writeString(dir.resolve("ledger.jsonl"), "{\"seq\":1,\"outc");
        SelfTest.LedgerReport r = SelfTest.checkLedger(ledger);
        assertFalse(r.intact());
        assertFalse(r.blocksSigning());
        assertTrue(r.verdict().startsWith("record 1 is incomplete"), r.verdict());
    }
}
