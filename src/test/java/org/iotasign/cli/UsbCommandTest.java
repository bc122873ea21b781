package org.iotasign.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.iotasign.crypto.Ed25519PublicKey;
import org.iotasign.ledger.Ledger;
import org.iotasign.ledger.LedgerRecord;
import org.iotasign.testing.Cli;
import org.iotasign.testing.SigningFixture;
import org.iotasign.token.SoftHsmFixture;
import org.iotasign.usb.DriveLayout;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The usb, sign and ledger commands as a user runs them, with a real SoftHSM2 token. */
@Tag(SoftHsmFixture.TAG)
class UsbCommandTest {
    static SigningFixture f;
    static String key;

    @TempDir
    Path dir;

    @BeforeAll
    static void token() throws IOException {
        f = SigningFixture.create(UsbCommandTest.class);
        key = f.hsm.uri(SigningFixture.TOKEN, "release");
    }

    @AfterAll
    static void close() {
        f.close();
    }

    Path drive(Path where, String... versions) throws IOException {
        Files.createDirectories(new DriveLayout(where).outbox());
        for (String v : versions) {
            Files.write(new DriveLayout(where).outbox().resolve(v + ".unsigned"), f.release(v));
        }
        return where;
    }

    String ledger() {
        return dir.resolve("ledger.jsonl").toString();
    }

    /** Each test starts a ledger file of its own: the token is on its first use each time. */
    @BeforeEach
    void freshLedgerAnchor() {
        f.forgetLedgerAnchor();
    }

    @Test
    void usbSignsADriveAndExitsOneWhenSomethingWasRefused() throws IOException {
        Path d = drive(dir.resolve("D"), "02_08_05");
        Files.write(new DriveLayout(d).outbox().resolve("stock.unsigned"),
                SigningFixture.release("02_08_06", f.publicKey(), Ed25519PublicKey.STOCK_IOTAWATT));
        Cli.Result r = Cli.run("usb", "--drive", d.toString(), "--yes", "--key", key, "--ledger", ledger());
        assertEquals(1, r.exit(), r::toString);
        assertTrue(r.out().contains("1 signed") && r.out().contains("1 refused") && r.out().contains("SAFE TO REMOVE"), r.out());
        assertTrue(r.out().contains("REFUSED (b)") && r.out().contains("[override: --allow-stock-key]"), r.out());
        assertTrue(Files.exists(new DriveLayout(d).signedBlob("02_08_05")));

        Cli.Result still = Cli.run("usb", "--drive", d.toString(), "--yes", "--key", key, "--ledger", ledger());
        assertEquals(1, still.exit(), still::toString);
        assertTrue(still.out().contains("\"stock.unsigned\": already refused"), still.out());
        Cli.Result again = Cli.run("usb", "--drive", d.toString(), "--yes", "--key", key, "--ledger", ledger(), "--allow-stock-key");
        assertEquals(0, again.exit(), "an override flag lets a refused blob be signed on the next pass: " + again);
        List<LedgerRecord> records = new Ledger(Path.of(ledger())).records();
        LedgerRecord last = records.get(records.size() - 1);
        assertEquals(List.of("--allow-stock-key"), last.overrides());
        assertEquals("yes-flag", last.confirmation());
        Cli.Result show = Cli.run("ledger", "show", "--ledger", ledger());
        assertTrue(show.out().contains("overrides --allow-stock-key"), show.out());
    }

    @Test
    @Timeout(60)
    void watchProcessesTheDrivesUnderTheMountRoot() throws IOException {
        Path root = Files.createDirectories(dir.resolve("media/op"));
        drive(root.resolve("STICK"), "02_08_05");
        Cli.Result r = Cli.run("usb", "--watch", "--mount-root", root.toString(), "--max-drives", "1", "--interval", "20",
                "--yes", "--key", key, "--ledger", ledger());
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("drive inserted: \"" + root.resolve("STICK") + "\"") && r.out().contains("SAFE TO REMOVE"), r.out());
    }

    @Test
    void usageErrorsSayWhatToDo() throws IOException {
        Cli.Result both = Cli.run("usb", "--drive", dir.toString(), "--watch", "--key", key);
        assertEquals(2, both.exit(), both::toString);
        Cli.Result mixed = Cli.run("usb", "--drive", dir.toString(), "--mount-root", dir.toString(), "--key", key, "--ledger", ledger());
        assertEquals(2, mixed.exit(), mixed::toString);
        Cli.Result noOutbox = Cli.run("usb", "--drive", dir.toString(), "--yes", "--key", key, "--ledger", ledger());
        assertEquals(2, noOutbox.exit(), noOutbox::toString);
        assertTrue(noOutbox.err().contains("has no iotasign/outbox folder"), noOutbox.err());
    }

    @Test
    void signGoesThroughThePolicyAndTheLedger() throws IOException {
        Path in = Files.write(dir.resolve("05.unsigned"), f.release("02_08_05"));
        Cli.Result r = Cli.run("sign", "--key", key, "--ledger", ledger(), in.toString(), "-o", dir.resolve("05.bin").toString());
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("ledger record 1"), r.out());
        Path old = Files.write(dir.resolve("04.unsigned"), f.release("02_08_04"));
        Cli.Result down = Cli.run("sign", "--key", key, "--ledger", ledger(), old.toString(), "-o", dir.resolve("04.bin").toString());
        assertEquals(1, down.exit(), down::toString);
        assertTrue(down.err().contains("is lower than 02_08_05") && down.err().contains("pass --allow-downgrade"), down.err());
        Cli.Result forced = Cli.run("sign", "--key", key, "--ledger", ledger(), "--allow-downgrade", old.toString(), "-o",
                dir.resolve("04.bin").toString());
        assertEquals(0, forced.exit(), forced::toString);
        List<LedgerRecord> records = new Ledger(Path.of(ledger())).records();
        assertEquals(List.of(LedgerRecord.Outcome.SIGNED, LedgerRecord.Outcome.REFUSED, LedgerRecord.Outcome.SIGNED),
                records.stream().map(LedgerRecord::outcome).toList());
        assertEquals("command-line", records.get(2).confirmation());
        assertEquals(List.of("--allow-downgrade"), records.get(2).overrides());
        Cli.Result verify = Cli.run("ledger", "verify", "--ledger", ledger(), "--head", records.get(0).hash());
        assertEquals(0, verify.exit(), verify::toString);
    }

    @Test
    void signIntoAMissingOrUnwritableFolderIsRefusedBeforeTheLedgerOrTheToken() throws IOException {
        Path in = Files.write(dir.resolve("05.unsigned"), f.release("02_08_05"));
        Cli.Result missing = Cli.run("sign", "--key", key, "--ledger", ledger(), in.toString(), "-o", dir.resolve("no/such/05.bin").toString());
        assertEquals(2, missing.exit(), missing::toString);
        assertTrue(missing.err().contains("output folder " + dir.resolve("no/such") + " does not exist"), missing.err());
        // /sys refuses new files even to root, whom permission bits do not stop.
        Cli.Result unwritable = Cli.run("sign", "--key", key, "--ledger", ledger(), in.toString(), "-o", "/sys/05.bin");
        assertEquals(3, unwritable.exit(), unwritable::toString);
        assertTrue(unwritable.err().contains("cannot write in output folder /sys"), unwritable.err());
        for (Cli.Result r : List.of(missing, unwritable)) {
            assertEquals(1, r.err().lines().count(), r::toString);
            assertTrue(r.out().isEmpty(), "refused before the review: " + r);
        }
        assertTrue(!Files.exists(Path.of(ledger())), "no ledger record: nothing was signed");
    }
}
