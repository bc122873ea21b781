package org.iotasign.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

import org.iotasign.ledger.Ledger;
import org.iotasign.ledger.LedgerAnchor;
import org.iotasign.ledger.LedgerRecord;
import org.iotasign.signing.Confirmation;
import org.iotasign.signing.SigningDesk;
import org.iotasign.signing.SigningKey;
import org.iotasign.testing.Cli;
import org.iotasign.testing.SigningFixture;
import org.iotasign.token.SoftHsmFixture;
import org.iotasign.token.TokenAnchors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ledger anchored on a real SoftHSM2 token, through the commands an operator runs:
 * deleting, truncating, forking or replacing the ledger stops {@code sign} with exit 3 and
 * what differs; {@code ledger recover} records the loss and signing continues; {@code ledger
 * verify} checks against the token when it is there and says so when it is not.
 */
@Tag(SoftHsmFixture.TAG)
@Timeout(120)
class LedgerAnchorTokenTest {
    static SigningFixture f;
    static String key;

    @TempDir
    Path dir;

    @BeforeAll
    static void token() throws IOException {
        f = SigningFixture.create(LedgerAnchorTokenTest.class);
        key = f.hsm.uri(SigningFixture.TOKEN, "release");
    }

    @AfterAll
    static void close() {
        f.close();
    }

    /** Each test starts a ledger file of its own: the token is on its first use each time. */
    @BeforeEach
    void freshLedgerAnchor() {
        f.forgetLedgerAnchor();
    }

    Path ledger() {
        return dir.resolve("ledger.jsonl");
    }

    Cli.Result sign(String version, byte[] blob) throws IOException {
        String name = version + "-" + Integer.toHexString(java.util.Arrays.hashCode(blob));
        Path in = Files.write(dir.resolve(name + ".unsigned"), blob);
        return Cli.run("sign", "--key", key, "--ledger", ledger().toString(), in.toString(), "-o", dir.resolve(name + ".bin").toString());
    }

    Cli.Result sign(String version) throws IOException {
        return sign(version, f.release(version));
    }

    Cli.Result verify(String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("ledger", "verify", "--key", key, "--ledger", ledger().toString()));
        args.addAll(List.of(more));
        return Cli.run(args.toArray(String[]::new));
    }

    LedgerAnchor anchor() {
        return SigningKey.of(f.releaseKey).anchor().read().orElseThrow();
    }

    @Test
    void theFirstSignatureOnANewTokenCreatesTheAnchorAndVerifyChecksAgainstIt() throws IOException {
        assertTrue(SigningKey.of(f.releaseKey).anchor().read().isEmpty());
        Cli.Result none = verify();
        assertEquals(0, none.exit(), none::toString);
        assertTrue(none.out().contains("does not exist and token 'iotasign'") && none.out().contains("holds no ledger anchor yet"),
                none::toString);
        assertEquals(0, sign("02_08_05").exit());
        assertEquals(new LedgerAnchor(1, new Ledger(ledger()).check().headHash()), anchor());
        Cli.Result v = verify();
        assertEquals(0, v.exit(), v::toString);
        assertTrue(v.out().contains("verifies: 1 records") && v.out().contains("matches the anchor on token 'iotasign'"), v::toString);
        Cli.Result self = Cli.run("selftest", "--key", key, "--ledger", ledger().toString());
        assertTrue(self.out().contains("ledger: token 'iotasign' anchors the signing ledger (a private data object; profile softhsm2)"),
                self::toString);
    }

    @Test
    void deletingTheLedgerStopsSigningAVersionAgainUntilTheLossIsRecorded() throws IOException {
        assertEquals(0, sign("02_08_05").exit());
        assertEquals(0, sign("02_08_06").exit());
        Files.delete(ledger());
        // The attack: a fresh chain, and other bytes under a version that was already signed.
        Cli.Result again = sign("02_08_06", SigningFixture.release("02_08_06", f.publicKey(), f.publicKey()));
        assertEquals(3, again.exit(), again::toString);
        assertTrue(again.err().contains("is missing but token 'iotasign'") && again.err().contains("anchors 2 records")
                && again.err().contains("records 1..2 are gone") && again.err().contains("'iotasign ledger recover'"), again::toString);
        assertFalse(Files.exists(ledger()), "nothing written");
        Cli.Result v = verify();
        assertEquals(1, v.exit(), v::toString);
        assertTrue(v.err().contains("does not verify against its token") && v.err().contains("records 1..2 are gone"), v::toString);

        Cli.Result recover = Cli.run("ledger", "recover", "--key", key, "--ledger", ledger().toString());
        assertEquals(0, recover.exit(), recover::toString);
        assertTrue(recover.out().contains("recorded the loss of ledger records 1..2 as record 1 (recovered)"), recover::toString);
        List<LedgerRecord> records = new Ledger(ledger()).records();
        assertEquals(LedgerRecord.Outcome.RECOVERED, records.get(0).outcome());
        assertEquals(new LedgerRecord.Continuation(2, records.get(0).continues().anchorHead(), 1, 2), records.get(0).continues());
        assertTrue(records.get(0).reasons().get(0).contains("records 1..2 are gone"), records.get(0).reasons().toString());
        assertEquals(new LedgerAnchor(1, records.get(0).hash()), anchor());
        assertEquals(0, sign("02_08_07").exit(), "signing continues after the recorded recovery");
        Cli.Result show = Cli.run("ledger", "show", "--ledger", ledger().toString());
        assertTrue(show.out().contains("recovered") && show.out().contains("lost records 1..2"), show::toString);
        Cli.Result nothing = Cli.run("ledger", "recover", "--key", key, "--ledger", ledger().toString());
        assertEquals(0, nothing.exit(), nothing::toString);
        assertTrue(nothing.out().contains("nothing to recover"), nothing::toString);
    }

    @Test
    void aTruncatedLedgerStopsSigningAndSaysWhichRecordsWereRemoved() throws IOException {
        assertEquals(0, sign("02_08_05").exit());
        byte[] one = Files.readAllBytes(ledger());
        assertEquals(0, sign("02_08_06").exit());
        assertEquals(0, sign("02_08_07").exit());
        Files.write(ledger(), one); // rolled back to an older copy
        Cli.Result r = sign("02_08_06", SigningFixture.release("02_08_06", f.publicKey(), f.publicKey()));
        assertEquals(3, r.exit(), r::toString);
        assertTrue(r.err().contains("has 1 records but token 'iotasign'") && r.err().contains("records 2..3 were removed"), r::toString);
        Cli.Result v = verify();
        assertEquals(1, v.exit(), v::toString);
        assertTrue(v.err().contains("records 2..3 were removed"), v::toString);
        Cli.Result recover = Cli.run("ledger", "recover", "--key", key, "--ledger", ledger().toString());
        assertTrue(recover.out().contains("recorded the loss of ledger records 2..3 as record 2"), recover::toString);
        Cli.Result down = sign("02_08_04");
        assertEquals(1, down.exit(), "the history the file kept still refuses a downgrade: " + down);
    }

    /** Signs into {@code file} with the release key but without the token's anchor: another chain. */
    static void signUnanchored(Path file, String version) {
        SigningKey k = SigningKey.of(f.releaseKey);
        SigningDesk desk = SigningFixture.desk(new SigningKey(k.publicKey(), k.signer(), k.tokenSerial(), k.description(),
                k.neverLeftToken()), file);
        desk.sign(desk.review(f.release(version), "test"), Confirmation.YES_FLAG);
    }

    @Test
    void aForkedOrReplacedLedgerStopsSigning() throws IOException {
        assertEquals(0, sign("02_08_05").exit());
        byte[] first = Files.readAllBytes(ledger());
        assertEquals(0, sign("02_08_06").exit());
        byte[] anchored = Files.readAllBytes(ledger());
        // A fork: the same first record, then another one.
        Path fork = Files.write(dir.resolve("fork.jsonl"), first);
        signUnanchored(fork, "02_08_09");
        Files.copy(fork, ledger(), StandardCopyOption.REPLACE_EXISTING);
        Cli.Result r = sign("02_08_10");
        assertEquals(3, r.exit(), r::toString);
        assertTrue(r.err().contains("record 2 of the signing ledger") && r.err().contains("the file was replaced or is another chain"),
                r::toString);
        // A replacement: a longer chain that shares nothing.
        Path other = dir.resolve("other.jsonl");
        for (String v : new String[] {"02_08_01", "02_08_02", "02_08_03"}) {
            signUnanchored(other, v);
        }
        Files.copy(other, ledger(), StandardCopyOption.REPLACE_EXISTING);
        Cli.Result replaced = sign("02_08_10");
        assertEquals(3, replaced.exit(), replaced::toString);
        assertTrue(replaced.err().contains("the file was replaced or is another chain"), replaced::toString);
        Cli.Result v = verify();
        assertEquals(1, v.exit(), v::toString);
        // The anchored file put back from a backup: signing goes on, nothing to recover.
        Files.write(ledger(), anchored);
        assertEquals(0, sign("02_08_10").exit());
    }

    @Test
    void verifyWithoutTheTokenSaysItDidNotCheckTheAnchor() throws IOException {
        assertEquals(0, sign("02_08_05").exit());
        Cli.Result absent = Cli.run("ledger", "verify", "--key", "pkcs11:token=not-plugged-in;object=release?pin-source=file:"
                + f.hsm.pinFile(), "--ledger", ledger().toString());
        assertEquals(0, absent.exit(), absent::toString);
        assertTrue(absent.out().contains("verifies: 1 records") && absent.out().contains("not checked against the token's anchor")
                && absent.out().contains("not-plugged-in"), absent::toString);
        Cli.Result off = Cli.run("ledger", "verify", "--no-token", "--ledger", ledger().toString());
        assertTrue(off.out().contains("not checked against the token's anchor (--no-token)"), off::toString);
        Files.delete(ledger());
        Cli.Result gone = Cli.run("ledger", "verify", "--no-token", "--ledger", ledger().toString());
        assertEquals(1, gone.exit(), "a missing file never verifies without the token: " + gone);
    }

    @Test
    void aCrashBetweenTheRecordAndTheAnchorUpdateIsNoFalseAlarm() throws IOException {
        assertEquals(0, sign("02_08_05").exit());
        LedgerAnchor before = anchor();
        // What kill -9 after the record's fsync and before the token write leaves: the record, the old anchor.
        signUnanchored(ledger(), "02_08_06");
        assertEquals(before, anchor());
        Cli.Result v = verify();
        assertEquals(0, v.exit(), v::toString);
        assertTrue(v.out().contains("and 1 record(s) after it") && v.out().contains("records 2..2"), v::toString);
        assertEquals(0, sign("02_08_07").exit(), "no false alarm");
        assertEquals(new LedgerAnchor(3, new Ledger(ledger()).check().headHash()), anchor(), "anchored again");
    }

    @Test
    void aCrashInsideTheTokenWriteLeavesTwoAnchorsAndTheNewerOneCounts() throws IOException {
        assertEquals(0, sign("02_08_05").exit());
        assertEquals(0, sign("02_08_06").exit());
        LedgerAnchor now = anchor();
        // The new object was created, the old one not yet destroyed.
        TokenAnchors.add(f.hsm, SigningFixture.TOKEN, new LedgerAnchor(1, new Ledger(ledger()).check().records().get(0).hash()).encode());
        assertEquals(now, anchor());
        assertEquals(0, sign("02_08_07").exit());
        assertEquals(3, anchor().count());
        assertEquals(1, TokenAnchors.count(f.hsm, SigningFixture.TOKEN), "the next write leaves one anchor");
    }

    @Test
    void aDataObjectThatIsNotAnAnchorStopsSigning() throws IOException {
        assertEquals(0, sign("02_08_05").exit());
        TokenAnchors.add(f.hsm, SigningFixture.TOKEN, "something else".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        Cli.Result r = sign("02_08_06");
        assertEquals(3, r.exit(), r::toString);
        assertTrue(r.err().contains("is not one iotasign wrote"), r::toString);
    }
}
