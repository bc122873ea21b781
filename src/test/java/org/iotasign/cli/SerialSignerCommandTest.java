package org.iotasign.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.iotasign.ledger.Ledger;
import org.iotasign.ledger.LedgerRecord;
import org.iotasign.release.DeviceVerifier;
import org.iotasign.release.FirmwareLimit;
import org.iotasign.testing.Cli;
import org.iotasign.testing.SigningFixture;
import org.iotasign.testing.SocatPty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code iotasign serial-signer} with a real SoftHSM2 token, and {@code iotasign bridge
 * submit} on the other end of a pseudo-terminal pair: the serial workflow end to end,
 * with the review, policy and ledger of the USB workflow.
 */
@Tag("softhsm")
@Timeout(120)
class SerialSignerCommandTest {
    static SigningFixture fx;

    @TempDir
    Path dir;

    @BeforeAll
    static void token() throws Exception {
        fx = SigningFixture.create(SerialSignerCommandTest.class);
    }

    @AfterAll
    static void close() {
        fx.close();
    }

    /** Runs the signer command on its own thread until it has given {@code verdicts} verdicts. */
    private static Thread signer(Path port, Path ledger, int verdicts, AtomicReference<Cli.Result> result) {
        List<String> args = new ArrayList<>(List.of("serial-signer", "--port", port.toString(),
                "--key", fx.hsm.uri(SigningFixture.TOKEN, "release"), "--yes", "--ledger", ledger.toString(),
                "--max-requests", String.valueOf(verdicts)));
        Thread t = new Thread(() -> result.set(Cli.run(args.toArray(String[]::new))));
        t.start();
        return t;
    }

    /** Each test starts a ledger file of its own: the token is on its first use each time. */
    @BeforeEach
    void freshLedgerAnchor() {
        fx.forgetLedgerAnchor();
    }

    @Test
    void blobSubmittedByTheBridgeComesBackSignedAndTheLedgerRecordsIt() throws Exception {
        Path unsigned = dir.resolve("02_09_00.unsigned");
        Files.write(unsigned, fx.release("02_09_00"));
        Path ledger = dir.resolve("ledger.jsonl");
        Path out = dir.resolve("02_09_00.bin");
        AtomicReference<Cli.Result> signerResult = new AtomicReference<>();
        Cli.Result bridge;
        try (SocatPty pty = new SocatPty(dir)) {
            Thread t = signer(pty.hostSide, ledger, 1, signerResult);
            bridge = Cli.run("bridge", "--port", pty.deviceSide.toString(), "submit", unsigned.toString(), "-o", out.toString(),
                    "--pubkey", fx.publicKey().hex());
            t.join(30_000);
        }
        assertEquals(0, bridge.exit(), bridge.toString());
        assertEquals(0, signerResult.get().exit(), signerResult.get().toString());
        assertTrue(DeviceVerifier.verify(out, fx.publicKey(), "02_09_00", FirmwareLimit.DEFAULT).ok());
        String signerOut = signerResult.get().out();
        assertTrue(signerOut.contains("waiting for a bridge") && signerOut.contains("as announced")
                && signerOut.contains("fingerprint") && signerOut.contains("signed 02_09_00"), signerOut);
        List<LedgerRecord> records = new Ledger(ledger).records();
        assertEquals(1, records.size());
        assertEquals(LedgerRecord.Outcome.SIGNED, records.get(0).outcome());
        assertEquals("serial:" + dir.resolve("ttyA"), records.get(0).source());
        assertEquals("yes-flag", records.get(0).confirmation());
    }

    @Test
    void policyRefusalTravelsToTheBridgeAndIsRecorded() throws Exception {
        Path unsigned = dir.resolve("02_09_01.unsigned");
        // Firmware that does not embed the signing key: policy rule (a) refuses.
        Files.write(unsigned, SigningFixture.release("02_09_01", fx.importedKey.publicKey()));
        Path ledger = dir.resolve("ledger.jsonl");
        AtomicReference<Cli.Result> signerResult = new AtomicReference<>();
        Cli.Result bridge;
        try (SocatPty pty = new SocatPty(dir)) {
            Thread t = signer(pty.hostSide, ledger, 1, signerResult);
            bridge = Cli.run("bridge", "--port", pty.deviceSide.toString(), "submit", unsigned.toString(), "-o",
                    dir.resolve("x.bin").toString());
            t.join(30_000);
        }
        assertEquals(1, bridge.exit(), bridge.toString());
        assertTrue(bridge.err().contains("the signer refused the blob (rejected)"), bridge.err());
        List<LedgerRecord> records = new Ledger(ledger).records();
        assertEquals(1, records.size());
        assertEquals(LedgerRecord.Outcome.REFUSED, records.get(0).outcome());
        assertTrue(Files.notExists(dir.resolve("x.bin")));
    }

    @Test
    void aDamagedLedgerStopsTheSignerBeforeItWaitsForABridge() throws Exception {
        Path ledger = Files.writeString(dir.resolve("ledger.jsonl"), "this is not a ledger record\n");
        AtomicReference<Cli.Result> result = new AtomicReference<>();
        try (SocatPty pty = new SocatPty(dir)) {
            Thread t = signer(pty.hostSide, ledger, 1, result);
            t.join(30_000);
            assertFalse(t.isAlive(), "the signer stopped by itself");
        }
        Cli.Result r = result.get();
        assertEquals(Main.EXIT_ENVIRONMENT, r.exit(), r.toString());
        assertFalse(r.out().contains("waiting for a bridge"), r.out());
        assertTrue(r.err().startsWith("iotasign: the signing ledger ") && r.err().contains("fails verification"), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertEquals("this is not a ledger record\n", Files.readString(ledger), "the ledger is left as it was");
    }

    @Test
    void missingPortIsAnEnvironmentErrorNamingThePort() {
        Cli.Result r = Cli.run("serial-signer", "--port", dir.resolve("ttyNone").toString(),
                "--key", fx.hsm.uri(SigningFixture.TOKEN, "release"), "--yes", "--ledger", dir.resolve("l.jsonl").toString());
        assertEquals(3, r.exit());
        assertTrue(r.err().contains("ttyNone not found"), r.err());
    }
}
