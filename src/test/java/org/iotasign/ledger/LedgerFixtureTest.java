package org.iotasign.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.iotasign.testing.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A ledger written by iotasign 0.1.0 (scripts/demo, then a refused and an overridden
 * downgrade) is committed as a fixture: every later build must read and verify it byte for
 * byte. A change to the ledger's line format fails here instead of marking every existing
 * ledger damaged.
 */
class LedgerFixtureTest {
    static final String FIXTURE = "/org/iotasign/compat/v0.1.0/ledger.jsonl";
    /** The head hash of the fixture as 0.1.0 computed it. */
    static final String HEAD = "25d6a9cfe5fc1b534c6bb96164c135852535a96e3d448070d9157ea61b16427a";

    @TempDir
    Path dir;

    Path fixture() throws IOException {
        Path p = dir.resolve(Ledger.FILE_NAME);
        try (InputStream in = LedgerFixtureTest.class.getResourceAsStream(FIXTURE)) {
            Files.copy(in, p);
        }
        return p;
    }

    @Test
    void ledgerWrittenBy010VerifiesWithItsHead() throws IOException {
        LedgerCheck check = new Ledger(fixture()).check();
        assertTrue(check.intact(), () -> "0.1.0 ledger no longer verifies: " + check.problem());
        assertEquals(HEAD, check.headHash());
        assertEquals(List.of(LedgerRecord.Outcome.SIGNED, LedgerRecord.Outcome.SIGNED, LedgerRecord.Outcome.SIGNED,
                        LedgerRecord.Outcome.REPEAT, LedgerRecord.Outcome.REPEAT, LedgerRecord.Outcome.REFUSED,
                        LedgerRecord.Outcome.SIGNED),
                check.records().stream().map(LedgerRecord::outcome).toList());
    }

    @Test
    void recordFieldsOf010ReadBackUnchanged() throws IOException {
        List<LedgerRecord> records = new Ledger(fixture()).check().records();
        LedgerRecord refused = records.get(5);
        assertEquals("02_08_09", refused.version());
        assertEquals(1, refused.reasons().size());
        assertTrue(refused.reasons().get(0).contains("lower than 02_09_03"), refused.reasons()::toString);
        LedgerRecord overridden = records.get(6);
        assertEquals(1, overridden.overrides().size(), overridden.overrides()::toString);
        assertEquals(refused.digest(), overridden.digest());
        assertEquals(Long.valueOf(1), records.get(3).repeatOf());
        assertEquals("680c69435288020bb21f52be96d43d844a4791cc611c2e8494cf38fef6184f63", records.get(0).publicKey());
    }

    @Test
    void ledgerShowAndVerifyRead010Ledger() throws IOException {
        Path p = fixture();
        Cli.Result verify = Cli.run("ledger", "verify", "--no-token", "--ledger", p.toString(), "--head", HEAD);
        assertEquals(0, verify.exit(), verify::toString);
        Cli.Result show = Cli.run("ledger", "show", "--ledger", p.toString());
        assertEquals(0, show.exit(), show::toString);
        assertTrue(show.out().contains("02_08_09"), show::toString);
    }
}
