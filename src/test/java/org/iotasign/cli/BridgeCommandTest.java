package org.iotasign.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.iotasign.crypto.SoftwareEd25519Signer;
import org.iotasign.espimage.SampleFirmware;
import org.iotasign.release.DeviceVerifier;
import org.iotasign.release.FirmwareLimit;
import org.iotasign.release.ReleaseEntry;
import org.iotasign.release.ReleasePacker;
import org.iotasign.seriallink.RefusalCode;
import org.iotasign.seriallink.SignerOnPort;
import org.iotasign.seriallink.Verdict;
import org.iotasign.testing.SocatPty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

/** {@code iotasign bridge submit} against a signer on the other end of a pseudo-terminal pair. */
@Timeout(60)
class BridgeCommandTest {
    static final SoftwareEd25519Signer KEY = new SoftwareEd25519Signer(new byte[32]);

    @TempDir
    Path dir;

    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private Path unsignedBlob() throws Exception {
        byte[] fw = SampleFirmware.build("02_09_00", List.of(KEY.publicKey()), 150_000);
        byte[] blob = ReleasePacker.pack("02_09_00", List.of(new ReleaseEntry("iotawatt.bin", fw),
                new ReleaseEntry("tables.txt", "tables".getBytes())), FirmwareLimit.DEFAULT).bytes();
        Path p = dir.resolve("02_09_00.unsigned");
        Files.write(p, blob);
        return p;
    }

    @Test
    void submittedBlobComesBackSignedAndVerifiedTheDevicesWay() throws Exception {
        Path in = unsignedBlob();
        Path out = dir.resolve("02_09_00.bin");
        try (SocatPty pty = new SocatPty(dir);
             SignerOnPort signer = new SignerOnPort(pty.hostSide.toString(), 921600, SignerOnPort.signingEverything(KEY), KEY.publicKey())) {
            Run r = run("bridge", "--port", pty.deviceSide.toString(), "--baud", "921600", "submit", in.toString(), "-o", out.toString(),
                    "--pubkey", KEY.publicKey().hex());
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().contains("wrote " + out), r.out());
            assertTrue(r.out().contains("sending 100%"), "plain progress lines off a terminal: " + r.out());
            assertTrue(DeviceVerifier.verify(out, KEY.publicKey(), "02_09_00", FirmwareLimit.DEFAULT).ok());
            assertEquals(Files.size(in) + 64, Files.size(out));
        }
    }

    @Test
    void refusalExitsOneWithTheSignersReasonAndWritesNothing() throws Exception {
        Path in = unsignedBlob();
        Path out = dir.resolve("out.bin");
        try (SocatPty pty = new SocatPty(dir);
             SignerOnPort signer = new SignerOnPort(pty.hostSide.toString(), 921600,
                     (b, d) -> new Verdict.Refused(null, RefusalCode.DECLINED, "the operator declined 02_09_00"), KEY.publicKey())) {
            Run r = run("bridge", "--port", pty.deviceSide.toString(), "submit", in.toString(), "-o", out.toString());
            assertEquals(1, r.code());
            assertTrue(r.err().contains("operator declined 02_09_00"), r.err());
            assertFalse(Files.exists(out));
            assertEquals(0, Arrays.stream(dir.toFile().list()).filter(n -> n.startsWith(".out.bin")).count(), "no temp file left");
        }
    }

    @Test
    void missingPortIsAnEnvironmentProblemNamingThePort() throws Exception {
        Path in = unsignedBlob();
        Run r = run("bridge", "--port", dir.resolve("nope").toString(), "submit", in.toString(), "-o", dir.resolve("o.bin").toString());
        assertEquals(3, r.code());
        assertTrue(r.err().contains("nope not found"), r.err());
    }

    @Test
    void existingOutputIsRefusedBeforeAnythingIsSent() throws Exception {
        Path in = unsignedBlob();
        Path out = dir.resolve("exists.bin");
        Files.writeString(out, "keep");
        Run r = run("bridge", "--port", dir.resolve("no-port-needed").toString(), "submit", in.toString(), "-o", out.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("already exists"), r.err());
        assertEquals("keep", Files.readString(out));
    }
}
