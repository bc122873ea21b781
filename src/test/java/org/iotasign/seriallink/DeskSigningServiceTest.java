package org.iotasign.seriallink;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;

import org.iotasign.ledger.Ledger;
import org.iotasign.ledger.LedgerRecord;
import org.iotasign.signing.Confirmation;
import org.iotasign.signing.Operator;
import org.iotasign.testing.SigningFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the serial signer does with a received blob, on the signing desk with a real SoftHSM2 token. */
@Tag("softhsm")
class DeskSigningServiceTest {
    static SigningFixture fx;

    @TempDir
    Path dir;

    @BeforeAll
    static void token() throws Exception {
        fx = SigningFixture.create(DeskSigningServiceTest.class);
    }

    @AfterAll
    static void close() {
        fx.close();
    }

    private DeskSigningService service(Path ledger, Operator operator, StringWriter console) {
        return new DeskSigningService(fx.desk(ledger), operator, new PrintWriter(console), "serial:/dev/ttyTEST");
    }

    /** Each test starts a ledger file of its own: the token is on its first use each time. */
    @BeforeEach
    void freshLedgerAnchor() {
        fx.forgetLedgerAnchor();
    }

    @Test
    void confirmedBlobIsSignedOverItsOwnDigestAndRecorded() {
        Path ledger = dir.resolve("l.jsonl");
        byte[] blob = fx.release("03_00_00");
        StringWriter console = new StringWriter();
        Verdict v = service(ledger, r -> Operator.Answer.yes(Confirmation.TYPED_VERSION), console)
                .handle(blob, TestSigning.sha256(blob));
        Verdict.Signed s = (Verdict.Signed) v;
        assertArrayEquals(TestSigning.sha256(blob), s.digest());
        assertTrue(fx.publicKey().verify(s.digest(), s.signature()));
        assertTrue(console.toString().contains("fingerprint"), "the operator saw the review: " + console);
        List<LedgerRecord> records = new Ledger(ledger).records();
        assertEquals(LedgerRecord.Outcome.SIGNED, records.get(0).outcome());
        assertEquals("typed-version", records.get(0).confirmation());
        assertEquals("serial:/dev/ttyTEST", records.get(0).source());
    }

    @Test
    void bytesThatDoNotMatchTheAnnouncementAreDeclinedAndRecordedWithoutAsking() {
        Path ledger = dir.resolve("l.jsonl");
        byte[] blob = fx.release("03_00_01");
        Verdict v = service(ledger, r -> {
            throw new AssertionError("the operator must not be asked");
        }, new StringWriter()).handle(blob, TestSigning.sha256(new byte[] {1}));
        Verdict.Refused r = (Verdict.Refused) v;
        assertEquals(RefusalCode.DIGEST_MISMATCH, r.code());
        LedgerRecord rec = new Ledger(ledger).records().get(0);
        assertEquals(LedgerRecord.Outcome.DECLINED, rec.outcome());
        assertTrue(rec.reasons().get(0).contains("the bridge announced digest"), rec.reasons().toString());
    }

    @Test
    void operatorDeclineAndPolicyRefusalTravelBackAndAreRecorded() {
        Path ledger = dir.resolve("l.jsonl");
        byte[] blob = fx.release("03_00_02");
        Verdict declined = service(ledger, r -> Operator.Answer.no("the operator typed 03_00_03, not 03_00_02"), new StringWriter())
                .handle(blob, TestSigning.sha256(blob));
        assertEquals(RefusalCode.DECLINED, ((Verdict.Refused) declined).code());
        byte[] foreign = SigningFixture.release("03_00_04", fx.importedKey.publicKey());
        Verdict refused = service(ledger, r -> Operator.Answer.yes(Confirmation.YES_FLAG), new StringWriter())
                .handle(foreign, TestSigning.sha256(foreign));
        assertEquals(RefusalCode.REJECTED, ((Verdict.Refused) refused).code());
        List<LedgerRecord> records = new Ledger(ledger).records();
        assertEquals(List.of(LedgerRecord.Outcome.DECLINED, LedgerRecord.Outcome.REFUSED),
                records.stream().map(LedgerRecord::outcome).toList());
    }
}
