package org.iotasign.usb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.iotasign.ledger.Ledger;
import org.iotasign.ledger.LedgerRecord;
import org.iotasign.release.DeviceVerifier;
import org.iotasign.release.FirmwareLimit;
import org.iotasign.signing.Operator;
import org.iotasign.signing.SigningDesk;
import org.iotasign.signing.SigningKey;
import org.iotasign.testing.Digests;
import org.iotasign.testing.SigningFixture;
import org.iotasign.testing.TestReleases;
import org.iotasign.token.SoftHsmFixture;
import org.iotasign.token.TokenKey;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** One pass over a drive (a real temporary folder) with a real SoftHSM2 token. */
@Tag(SoftHsmFixture.TAG)
class UsbDriveTest {
    static SigningFixture f;

    @TempDir
    Path dir;

    final StringWriter text = new StringWriter();
    final PrintWriter out = new PrintWriter(text, true);

    @BeforeAll
    static void token() throws IOException {
        f = SigningFixture.create(UsbDriveTest.class);
    }

    @AfterAll
    static void close() {
        f.close();
    }

    Path ledger() {
        return dir.resolve("home/ledger.jsonl");
    }

    Path drive(String... versions) throws IOException {
        Path drive = dir.resolve("DRIVE");
        DriveLayout layout = new DriveLayout(drive);
        Files.createDirectories(layout.outbox());
        for (String v : versions) {
            Files.write(layout.outbox().resolve(v + ".unsigned"), f.release(v));
        }
        return drive;
    }

    DriveReport run(Path drive, Operator operator) {
        return new DriveProcessor(f.desk(ledger()), operator, out).process(drive);
    }

    static Operator neverAsked() {
        return review -> fail("the operator was asked about " + review.source());
    }

    /** Every file under the folder with its content, for before/after comparisons. */
    static Map<String, String> snapshot(Path folder) throws IOException {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(folder)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                m.put(folder.relativize(p).toString(), HexFormat.of().formatHex(Digests.sha256(Files.readAllBytes(p))));
            }
        }
        return m;
    }

    static long signatures(Path ledger, LedgerRecord.Outcome outcome) {
        return new Ledger(ledger).records().stream().filter(r -> r.outcome() == outcome).count();
    }

    /** Each test starts a ledger file of its own: the token is on its first use each time. */
    @BeforeEach
    void freshLedgerAnchor() {
        f.forgetLedgerAnchor();
    }

    @Test
    void signsEveryBlobWithVerifiedOutputsAndReceiptsAndLeavesInputsAlone() throws IOException {
        Path drive = drive("02_08_04", "02_08_05", "02_08_06");
        DriveLayout layout = new DriveLayout(drive);
        Map<String, String> inputs = snapshot(layout.outbox());
        DriveReport report = run(drive, Operator.unattended());
        assertEquals(3, report.count(DriveReport.Result.SIGNED), text.toString());
        assertTrue(report.isSafeToRemove());
        assertEquals(List.of("02_08_04.bin", "02_08_05.bin", "02_08_06.bin"), report.verifiedOutputs());
        assertTrue(text.toString().contains("SAFE TO REMOVE"));
        assertEquals(inputs, snapshot(layout.outbox()), "inputs are never modified");
        List<LedgerRecord> records = new Ledger(ledger()).records();
        for (String v : List.of("02_08_04", "02_08_05", "02_08_06")) {
            byte[] unsigned = Files.readAllBytes(layout.outbox().resolve(v + ".unsigned"));
            byte[] signed = Files.readAllBytes(layout.signedBlob(v));
            assertTrue(DeviceVerifier.verify(signed, f.publicKey(), v, FirmwareLimit.DEFAULT).ok());
            assertArrayEquals(unsigned, java.util.Arrays.copyOf(signed, unsigned.length));
            Receipt receipt = Receipt.parse(Files.readAllBytes(layout.receipt(v)));
            LedgerRecord r = records.stream().filter(x -> v.equals(x.version())).findFirst().orElseThrow();
            assertEquals(HexFormat.of().formatHex(Digests.sha256(unsigned)), receipt.digest());
            assertEquals(r.seq(), receipt.ledgerSeq());
            assertEquals(r.hash(), receipt.ledgerHead());
            assertEquals(f.publicKey().fingerprint(), receipt.key());
            assertEquals("yes-flag", r.confirmation());
            assertEquals(signed.length, receipt.size());
        }
        try (Stream<Path> s = Files.list(layout.signed())) {
            assertEquals(6, s.count(), "no temp files are left behind");
        }
    }

    @Test
    void anAlreadySignedBlobIsNotOfferedAgain() throws IOException {
        Path drive = drive("02_08_05");
        run(drive, Operator.unattended());
        Map<String, String> before = snapshot(drive);
        DriveReport again = run(drive, neverAsked());
        assertEquals(1, again.count(DriveReport.Result.ALREADY_SIGNED));
        assertTrue(again.isSafeToRemove());
        assertEquals(before, snapshot(drive));
        assertEquals(1, new Ledger(ledger()).records().size(), "nothing new in the ledger");
    }

    @Test
    void theOperatorConfirmsByTypingTheVersionAndADeclinedBlobIsNotOfferedAgain() throws IOException {
        Path drive = drive("02_08_05", "02_08_06");
        BufferedReader typed = new BufferedReader(new StringReader("02_08_05\n02_08_05\n"));
        DriveReport report = run(drive, Operator.typingVersion(typed, out));
        assertEquals(1, report.count(DriveReport.Result.SIGNED));
        assertEquals(1, report.count(DriveReport.Result.DECLINED));
        List<LedgerRecord> records = new Ledger(ledger()).records();
        assertEquals("typed-version", records.get(0).confirmation());
        assertEquals(LedgerRecord.Outcome.DECLINED, records.get(1).outcome());
        assertEquals("the operator typed '02_08_05', not 02_08_06", records.get(1).reasons().get(0));
        String reason = Files.readString(new DriveLayout(drive).reason("02_08_06.unsigned"));
        assertTrue(reason.contains("verdict      declined") && reason.contains("the operator typed"), reason);
        DriveReport again = run(drive, neverAsked());
        assertEquals(1, again.count(DriveReport.Result.ALREADY_REJECTED));
    }

    @Test
    void anotherBlobUnderASignedVersionIsRefusedFromTheDriveAlone() throws IOException {
        Path drive = drive("02_08_05");
        run(drive, Operator.unattended());
        DriveLayout layout = new DriveLayout(drive);
        byte[] signedBefore = Files.readAllBytes(layout.signedBlob("02_08_05"));
        Files.write(layout.outbox().resolve("rebuild.unsigned"), TestReleases.unsigned("02_08_05", List.of(f.publicKey()), 20 * 1024));
        // A fresh ledger (another laptop, and a token on its first use): only the drive shows that 02_08_05 names other bytes.
        f.forgetLedgerAnchor();
        Path otherLedger = dir.resolve("other/ledger.jsonl");
        DriveReport report = new DriveProcessor(f.desk(otherLedger), neverAsked(), out).process(drive);
        assertEquals(1, report.count(DriveReport.Result.REFUSED), text.toString());
        assertArrayEquals(signedBefore, Files.readAllBytes(layout.signedBlob("02_08_05")), "never overwritten");
        String reason = Files.readString(layout.reason("rebuild.unsigned"));
        assertTrue(reason.contains("signed/02_08_05.bin on this drive holds another blob of version 02_08_05"), reason);
        assertEquals(LedgerRecord.Outcome.REFUSED, new Ledger(otherLedger).records().get(0).outcome());
    }

    @Test
    void linksSpecialFilesAndHugeOrTruncatedFilesAreNeverSigned() throws Exception {
        Path drive = drive("02_08_05");
        DriveLayout layout = new DriveLayout(drive);
        Path elsewhere = Files.write(dir.resolve("elsewhere.unsigned"), f.release("02_08_09"));
        Files.createSymbolicLink(layout.outbox().resolve("link.unsigned"), elsewhere);
        Process mkfifo = new ProcessBuilder("mkfifo", layout.outbox().resolve("pipe.unsigned").toString()).start();
        assertTrue(mkfifo.waitFor(10, TimeUnit.SECONDS) && mkfifo.exitValue() == 0);
        Files.createDirectory(layout.outbox().resolve("folder.unsigned"));
        try (RandomAccessFile huge = new RandomAccessFile(layout.outbox().resolve("huge.unsigned").toFile(), "rw")) {
            huge.setLength(40L * 1024 * 1024);
        }
        byte[] whole = f.release("02_08_07");
        Files.write(layout.outbox().resolve("truncated.unsigned"), java.util.Arrays.copyOf(whole, whole.length / 2));
        DriveReport report = run(drive, Operator.unattended());
        assertEquals(1, report.count(DriveReport.Result.SIGNED), text.toString());
        assertEquals(4, report.count(DriveReport.Result.IGNORED), text.toString());
        assertEquals(1, report.count(DriveReport.Result.REFUSED), text.toString());
        assertTrue(text.toString().contains("\"link.unsigned\" is a symbolic link (never followed)"), text.toString());
        assertTrue(text.toString().contains("\"pipe.unsigned\" is a special file"), text.toString());
        assertTrue(text.toString().contains("\"huge.unsigned\" is 41943040 bytes, larger than any release"), text.toString());
        assertFalse(Files.exists(layout.signedBlob("02_08_09")), "the link target was not signed");
        assertTrue(Files.readString(layout.reason("truncated.unsigned")).contains("not a valid unsigned release blob"));
        assertTrue(report.isSafeToRemove());
    }

    @Test
    void aDrivePulledMidRunLosesNothingAndTheNextPassFinishes() throws IOException {
        Path drive = drive("02_08_04", "02_08_05", "02_08_06");
        Path away = dir.resolve("pulled");
        SigningKey token = SigningKey.of(f.releaseKey);
        int[] signed = {0};
        SigningKey pullsDuringSecondSignature = new SigningKey(token.publicKey(), digest -> {
            if (++signed[0] == 2) {
                try {
                    Files.move(drive, away); // unmounted while the token signs
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
            return token.signer().sign(digest);
        }, token.tokenSerial(), token.description(), token.neverLeftToken());
        DriveReport first = new DriveProcessor(SigningFixture.desk(pullsDuringSecondSignature, ledger()), Operator.unattended(), out)
                .process(drive);
        assertTrue(first.fault().isPresent(), text.toString());
        assertFalse(first.isSafeToRemove());
        Files.move(away, drive); // inserted again
        DriveLayout layout = new DriveLayout(drive);
        // The folders stay open during a pass, so what was written went to the drive itself; what is there is complete.
        try (Stream<Path> s = Files.list(layout.signed())) {
            for (Path p : s.toList()) {
                String n = p.getFileName().toString();
                assertFalse(n.startsWith("."), "no temp file: " + n);
                if (n.endsWith(".bin")) {
                    assertTrue(DeviceVerifier.verify(p, f.publicKey(), n.substring(0, 8), FirmwareLimit.DEFAULT).ok(), n);
                    assertTrue(Files.exists(layout.receipt(n.substring(0, 8))), "each signed file has its receipt: " + n);
                }
            }
        }
        assertFalse(Files.exists(layout.signedBlob("02_08_06")), "nothing was signed after the drive was gone");
        DriveReport second = run(drive, Operator.unattended());
        assertTrue(second.isSafeToRemove(), text.toString());
        assertEquals(3, second.count(DriveReport.Result.ALREADY_SIGNED) + second.count(DriveReport.Result.SIGNED));
        assertEquals(3, signatures(ledger(), LedgerRecord.Outcome.SIGNED), "each blob signed once");
        for (String v : List.of("02_08_04", "02_08_05", "02_08_06")) {
            assertTrue(DeviceVerifier.verify(layout.signedBlob(v), f.publicKey(), v, FirmwareLimit.DEFAULT).ok());
        }
    }

    @Test
    void aTokenRemovedMidBatchStopsThePassAndTheNextPassFinishes() throws IOException {
        Path drive = drive("02_08_04", "02_08_05");
        TokenKey pulled = TokenKey.open(f.hsm.keyUri(SigningFixture.TOKEN, "release"), f.hsm.context(),
                what -> SoftHsmFixture.USER_PIN.getBytes());
        SigningDesk desk = SigningFixture.desk(SigningKey.of(pulled), ledger());
        Operator removesTokenOnSecond = new Operator() {
            int asked;

            @Override
            public Answer ask(org.iotasign.signing.Review review) {
                if (++asked == 2) {
                    pulled.close();
                }
                return Answer.yes(org.iotasign.signing.Confirmation.YES_FLAG);
            }
        };
        DriveReport first = new DriveProcessor(desk, removesTokenOnSecond, out).process(drive);
        assertTrue(first.fault().isPresent(), text.toString());
        assertFalse(Files.exists(new DriveLayout(drive).signedBlob("02_08_05")));
        DriveReport second = run(drive, Operator.unattended());
        assertTrue(second.isSafeToRemove(), text.toString());
        assertTrue(Files.exists(new DriveLayout(drive).signedBlob("02_08_05")));
    }

    @Test
    void aDriveThatCannotBeWrittenIsFoundBeforeAnythingIsSigned() throws IOException {
        Path drive = drive("02_08_05");
        Files.writeString(new DriveLayout(drive).signed(), "not a folder");
        DriveReport report = run(drive, neverAsked());
        assertTrue(report.fault().orElseThrow().contains("nothing was signed"), report.fault().orElseThrow());
        assertFalse(Files.exists(ledger()), "no ledger record, no signature");
    }

    @Test
    @Timeout(30)
    void theWatcherProcessesADriveWhenItAppears() throws Exception {
        Path root = Files.createDirectories(dir.resolve("media/op"));
        DriveWatcher watcher = new DriveWatcher(List.of(root), Duration.ofMillis(20), out);
        DriveProcessor processor = new DriveProcessor(f.desk(ledger()), Operator.unattended(), out);
        Thread t = new Thread(() -> {
            try {
                watcher.run(processor::process, 1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        t.start();
        Path staging = dir.resolve("staging");
        Files.createDirectories(new DriveLayout(staging).outbox());
        Files.write(new DriveLayout(staging).outbox().resolve("02_08_05.unsigned"), f.release("02_08_05"));
        Files.move(staging, root.resolve("SIGNDRIVE")); // mounted
        t.join(20_000);
        assertFalse(t.isAlive());
        assertTrue(text.toString().contains("drive inserted: \"" + root.resolve("SIGNDRIVE") + "\""), text.toString());
        assertTrue(text.toString().contains("SAFE TO REMOVE"), text.toString());
        assertTrue(Files.exists(new DriveLayout(root.resolve("SIGNDRIVE")).signedBlob("02_08_05")));
    }
}
