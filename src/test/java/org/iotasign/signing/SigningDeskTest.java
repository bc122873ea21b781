package org.iotasign.signing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.iotasign.EnvironmentException;
import org.iotasign.RejectedException;
import org.iotasign.crypto.Fingerprints;
import org.iotasign.ledger.Ledger;
import org.iotasign.ledger.LedgerRecord;
import org.iotasign.release.DeviceVerifier;
import org.iotasign.release.FirmwareLimit;
import org.iotasign.release.ReleaseEntry;
import org.iotasign.release.ReleasePacker;
import org.iotasign.espimage.SampleFirmware;
import org.iotasign.testing.Digests;
import org.iotasign.testing.SigningFixture;
import org.iotasign.token.SoftHsmFixture;
import org.iotasign.token.TokenKey;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one signing path, with a real SoftHSM2 token: ledger first, verified signatures, failures recorded. */
@Tag(SoftHsmFixture.TAG)
class SigningDeskTest {
    static SigningFixture f;

    @TempDir
    Path dir;

    @BeforeAll
    static void token() throws IOException {
        f = SigningFixture.create(SigningDeskTest.class);
    }

    @AfterAll
    static void close() {
        f.close();
    }

    Path ledger() {
        return dir.resolve("ledger.jsonl");
    }

    /** Each test starts a ledger file of its own: the token is on its first use each time. */
    @BeforeEach
    void freshLedgerAnchor() {
        f.forgetLedgerAnchor();
    }

    @Test
    void theLedgerRecordIsOnDiskBeforeTheTokenSigns() {
        byte[] blob = f.release("02_08_05");
        List<LedgerRecord> seenBySigner = new ArrayList<>();
        SigningKey token = SigningKey.of(f.releaseKey);
        SigningKey watching = new SigningKey(token.publicKey(), digest -> {
            seenBySigner.addAll(new Ledger(ledger()).records());
            return token.signer().sign(digest);
        }, token.tokenSerial(), token.description(), token.neverLeftToken());
        SigningDesk desk = SigningFixture.desk(watching, ledger());
        SignedRelease s = desk.sign(desk.review(blob, "test"), Confirmation.TYPED_VERSION);
        assertEquals(1, seenBySigner.size());
        LedgerRecord r = seenBySigner.get(0);
        assertEquals(LedgerRecord.Outcome.SIGNED, r.outcome());
        assertEquals(HexFormat.of().formatHex(Digests.sha256(blob)), r.digest());
        assertEquals("typed-version", r.confirmation());
        assertEquals(f.releaseKey.tokenSerial(), r.tokenSerial());
        assertEquals(f.publicKey().fingerprint(), r.key());
        assertEquals(3, r.entries().size());
        assertEquals(r, s.record());
    }

    @Test
    void theWarmUpRecordsNothingAndAsksTheTokenForNoSignature() throws IOException {
        SigningKey token = SigningKey.of(f.releaseKey);
        AtomicInteger signatures = new AtomicInteger();
        SigningKey counting = new SigningKey(token.publicKey(), digest -> {
            signatures.incrementAndGet();
            return token.signer().sign(digest);
        }, token.tokenSerial(), token.description(), token.neverLeftToken());
        SigningDesk desk = SigningFixture.desk(counting, ledger());
        desk.sign(desk.review(f.release("02_08_05"), "test"), Confirmation.YES_FLAG);
        byte[] before = Files.readAllBytes(ledger());

        desk.warmUp();

        assertEquals(1, signatures.get(), "the warm-up asked the token for no signature");
        assertArrayEquals(before, Files.readAllBytes(ledger()), "the warm-up wrote nothing to the ledger");
        // The token's anchor still agrees with the file: the next signature goes through.
        desk.sign(desk.review(f.release("02_08_06"), "test"), Confirmation.YES_FLAG);
        assertEquals(2, signatures.get());
        assertEquals(2, new Ledger(ledger()).records().size());
    }

    @Test
    void theSignedBlobIsTheReviewedBytesPlusASignatureThatVerifies() {
        byte[] blob = f.release("02_08_05");
        SigningDesk desk = f.desk(ledger());
        SignedRelease s = desk.sign(desk.review(blob, "test"), Confirmation.YES_FLAG);
        assertArrayEquals(blob, Arrays.copyOf(s.signed(), blob.length));
        assertArrayEquals(s.signature(), Arrays.copyOfRange(s.signed(), blob.length, s.signed().length));
        assertTrue(f.publicKey().verify(Digests.sha256(blob), s.signature()));
        assertTrue(DeviceVerifier.verify(s.signed(), f.publicKey(), "02_08_05", FirmwareLimit.DEFAULT).ok());
    }

    @Test
    void anUnwritableLedgerMeansNoSignature() throws IOException {
        Path blocked = Files.writeString(dir.resolve("not-a-folder"), "x").resolve("ledger.jsonl");
        AtomicInteger signatures = new AtomicInteger();
        SigningKey token = SigningKey.of(f.releaseKey);
        SigningKey counting = new SigningKey(token.publicKey(), digest -> {
            signatures.incrementAndGet();
            return token.signer().sign(digest);
        }, token.tokenSerial(), token.description(), token.neverLeftToken());
        SigningDesk desk = new SigningDesk(counting, new Ledger(blocked), new org.iotasign.policy.SigningPolicy(java.util.Set.of()),
                FirmwareLimit.DEFAULT);
        Review r = desk.review(f.release("02_08_05"), "test");
        EnvironmentException e = assertThrows(EnvironmentException.class, () -> desk.sign(r, Confirmation.YES_FLAG));
        assertTrue(e.getMessage().contains("nothing was signed"), e.getMessage());
        assertEquals(0, signatures.get());
    }

    @Test
    void aSignatureMadeElsewhereBetweenReviewAndSignIsSeenUnderTheLock() {
        SigningDesk desk = f.desk(ledger());
        Review mine = desk.review(f.release("02_08_05"), "usb");
        byte[] other = ReleasePacker.pack("02_08_05", List.of(new ReleaseEntry("iotawatt.bin",
                SampleFirmware.build("02_08_05", List.of(f.publicKey()), 20 * 1024))), FirmwareLimit.DEFAULT).bytes();
        f.desk(ledger()).sign(f.desk(ledger()).review(other, "serial"), Confirmation.YES_FLAG);
        RejectedException e = assertThrows(RejectedException.class, () -> desk.sign(mine, Confirmation.YES_FLAG));
        assertTrue(e.getMessage().contains("already signed with other content"), e.getMessage());
        List<LedgerRecord> records = new Ledger(ledger()).records();
        assertEquals(LedgerRecord.Outcome.REFUSED, records.get(records.size() - 1).outcome());
    }

    @Test
    void aTokenFailureAfterTheLedgerRecordIsRecordedAsFailed() throws IOException {
        TokenKey removed = TokenKey.open(f.hsm.keyUri(SigningFixture.TOKEN, "release"), f.hsm.context(),
                what -> SoftHsmFixture.USER_PIN.getBytes());
        SigningKey onToken = SigningKey.of(removed);
        // The token is pulled after the record and its anchor were written, as the signature starts.
        SigningKey pulledWhileSigning = new SigningKey(onToken.publicKey(), digest -> {
            removed.close();
            return onToken.signer().sign(digest);
        }, onToken.tokenSerial(), onToken.description(), onToken.neverLeftToken(), onToken.anchor());
        SigningDesk desk = SigningFixture.desk(pulledWhileSigning, ledger());
        Review r = desk.review(f.release("02_08_05"), "test");
        assertThrows(EnvironmentException.class, () -> desk.sign(r, Confirmation.YES_FLAG));
        List<LedgerRecord> records = new Ledger(ledger()).records();
        assertEquals(List.of(LedgerRecord.Outcome.SIGNED, LedgerRecord.Outcome.FAILED), records.stream().map(LedgerRecord::outcome).toList());
        assertTrue(records.get(1).reasons().get(0).startsWith("the signature recorded as ledger record 1 failed"), records.get(1).reasons().toString());
        Review again = f.desk(ledger()).review(f.release("02_08_05"), "test");
        assertTrue(again.isRepeat(), "the next attempt completes the recorded signature as a repeat");
    }

    @Test
    void aTokenPulledBeforeTheLedgerRecordStopsWithNothingRecorded() throws IOException {
        TokenKey removed = TokenKey.open(f.hsm.keyUri(SigningFixture.TOKEN, "release"), f.hsm.context(),
                what -> SoftHsmFixture.USER_PIN.getBytes());
        SigningDesk desk = SigningFixture.desk(SigningKey.of(removed), ledger());
        Review r = desk.review(f.release("02_08_05"), "test");
        removed.close(); // the session ends as when the token is pulled
        EnvironmentException e = assertThrows(EnvironmentException.class, () -> desk.sign(r, Confirmation.YES_FLAG));
        assertTrue(e.getMessage().contains("the token was removed"), e.getMessage());
        assertEquals(List.of(), new Ledger(ledger()).records(), "the anchor is read before the record: nothing is written");
    }

    @Test
    void theReviewShowsEverythingTheOperatorMustCompare() {
        SigningDesk desk = f.desk(ledger());
        desk.sign(desk.review(f.release("02_08_04"), "test"), Confirmation.YES_FLAG);
        byte[] blob = ReleasePacker.pack("02_08_05", List.of(
                new ReleaseEntry("iotawatt.bin", SampleFirmware.build("02_08_05", List.of(f.publicKey()), 16 * 1024)),
                new ReleaseEntry("index.htm", "<html>IoTaWatt 02_08_04</html>\n".getBytes()),
                new ReleaseEntry("new.js", "x".getBytes())), FirmwareLimit.DEFAULT).bytes();
        List<String> lines = desk.review(blob, "usb:/media/op/D/iotasign/outbox/a.unsigned").lines();
        String text = String.join("\n", lines);
        for (String expected : List.of("version      \"02_08_05\"", "\"iotawatt.bin\"", "\"new.js\"", "image at 0x1000",
                "OTA space    firmware", "signing " + f.publicKey().fingerprint()
                        + ": embedded in the firmware", "stock IoTaWatt", "not embedded", "previous     \"02_08_04\" signed",
                "added      \"new.js\" (1 bytes)", "removed    \"tables.txt\"", "changed    \"iotawatt.bin\"", "unchanged  1 entry",
                "token serial \"" + f.releaseKey.tokenSerial() + "\"", "ledger       anchored on token 'iotasign' (serial "
                        + f.releaseKey.tokenSerial() + ")", "verdict      may be signed")) {
            assertTrue(text.contains(expected), "missing '" + expected + "' in:\n" + text);
        }
        assertEquals("fingerprint  " + Fingerprints.of(Digests.sha256(blob)) + "  computed here over the " + blob.length + " bytes",
                lines.get(lines.size() - 1), "the desk's own fingerprint is the last line, right above the prompt");
        assertEquals(1, lines.stream().filter(l -> l.startsWith("fingerprint")).count(), "one fingerprint, in one place:\n" + text);
    }

    @Test
    void outsideTextInTheReviewIsQuotedAndEscaped() {
        SigningDesk desk = f.desk(ledger());
        byte[] blob = ReleasePacker.pack("02_08_05", List.of(
                new ReleaseEntry("iotawatt.bin", SampleFirmware.build("02_08_05", List.of(f.publicKey()), 16 * 1024))),
                FirmwareLimit.DEFAULT).bytes();
        String source = "usb:/media/x\u001b[2J\u001b[H\nfingerprint  0000-1111-2222-3333\u202e.unsigned";
        List<String> lines = desk.review(blob, source).lines();
        assertEquals("source       \"usb:/media/x\\x1b[2J\\x1b[H\\x0afingerprint  0000-1111-2222-3333\\u202e.unsigned\"", lines.get(0));
        lines.forEach(l -> assertTrue(l.chars().allMatch(c -> c >= 0x20 && c != 0x7f && c != 0x202e), "raw control in " + l));
        assertTrue(lines.get(lines.size() - 1).startsWith("fingerprint  " + Fingerprints.of(Digests.sha256(blob))));
    }

    @Test
    void theReviewSaysWhenTheTokenCannotAnchorTheLedger() {
        SigningKey k = SigningKey.of(f.releaseKey);
        SigningDesk desk = SigningFixture.desk(new SigningKey(k.publicKey(), k.signer(), k.tokenSerial(), k.description(),
                k.neverLeftToken()), ledger());
        String text = String.join("\n", desk.review(f.release("02_08_04"), "test").lines());
        assertTrue(text.contains("ledger       NOT anchored:") && text.contains("the ledger has only its file's protection"), text);
    }

    @Test
    void aDamagedLedgerStopsReviews() throws IOException {
        SigningDesk desk = f.desk(ledger());
        desk.sign(desk.review(f.release("02_08_04"), "test"), Confirmation.YES_FLAG);
        desk.sign(desk.review(f.release("02_08_05"), "test"), Confirmation.YES_FLAG);
        List<String> lines = new ArrayList<>(Files.readAllLines(ledger()));
        lines.remove(0);
        Files.write(ledger(), lines);
        EnvironmentException e = assertThrows(EnvironmentException.class, () -> desk.review(f.release("02_08_06"), "test"));
        assertTrue(e.getMessage().contains("fails verification: record 1 is missing"), e.getMessage());
    }
}
