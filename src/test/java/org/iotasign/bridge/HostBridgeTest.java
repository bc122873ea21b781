package org.iotasign.bridge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.iotasign.crypto.Ed25519PublicKey;
import org.iotasign.crypto.SoftwareEd25519Signer;
import org.iotasign.seriallink.FaultyLink;
import org.iotasign.seriallink.FaultyRelay;
import org.iotasign.seriallink.SerialPortLink;
import org.iotasign.seriallink.SignerOnPort;
import org.iotasign.testing.Digests;
import org.iotasign.testing.SocatPty;
import org.iotasign.testing.Tools;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ESP8266 bridge's protocol core (src/bridge/lib/slink), built for the host with g++,
 * against the Java signer over a pseudo-terminal pair: the same C++ the sketch runs.
 */
@Timeout(120)
class HostBridgeTest {
    static final SoftwareEd25519Signer KEY = new SoftwareEd25519Signer(new byte[32]);
    static Path binary;

    @TempDir
    Path dir;

    @BeforeAll
    static void build() throws Exception {
        Assumptions.assumeTrue(Tools.onPath("g++") && Tools.onPath("make"), "g++ and make are needed for the host build");
        Path out = Path.of("target", "bridge-host").toAbsolutePath();
        Process make = new ProcessBuilder("make", "-s", "-C", "src/bridge", "OUT=" + out).redirectErrorStream(true).start();
        String log = new String(make.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(make.waitFor(90, TimeUnit.SECONDS) && make.exitValue() == 0, "host build of src/bridge failed:\n" + log);
        binary = out.resolve("bridge_host");
    }

    @Test
    void theArduinoSketchCompilesAgainstTheArduinoCallsItUses() throws Exception {
        Process check = new ProcessBuilder("make", "-s", "-C", "src/bridge", "sketch-check").redirectErrorStream(true).start();
        String log = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(check.waitFor(60, TimeUnit.SECONDS) && check.exitValue() == 0, "sketch does not compile:\n" + log);
    }

    record Outcome(int code, String stdout, String stderr) {
    }

    private Outcome runHostBridge(Path port, Path blob, byte[] announced, String... extra) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of(binary.toString(), port.toString(), "921600", blob.toString(),
                HexFormat.of().formatHex(announced)));
        cmd.addAll(List.of(extra));
        Process p = new ProcessBuilder(cmd).redirectError(dir.resolve("bridge.err").toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "host bridge finished");
        return new Outcome(p.exitValue(), out, Files.readString(dir.resolve("bridge.err")));
    }

    private Path blob(int n) throws IOException {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        Path p = dir.resolve("blob-" + n);
        Files.write(p, b);
        return p;
    }

    @Test
    void hostBuiltBridgeCoreGetsAVerifiableSignatureFromTheJavaSigner() throws Exception {
        Path blob = blob(300_000);
        byte[] digest = Digests.sha256(Files.readAllBytes(blob));
        try (SocatPty pty = new SocatPty(dir);
             SignerOnPort signer = new SignerOnPort(pty.hostSide.toString(), 921600, SignerOnPort.signingEverything(KEY), KEY.publicKey())) {
            Outcome o = runHostBridge(pty.deviceSide, blob, digest);
            assertEquals(0, o.code(), o.stdout() + "\n" + o.stderr());
            String[] f = o.stdout().split(" ");
            assertEquals("SIGNED", f[0]);
            assertArrayEquals(digest, HexFormat.of().parseHex(f[1]));
            Ed25519PublicKey key = Ed25519PublicKey.fromHex(f[3]);
            assertEquals(KEY.publicKey(), key);
            assertTrue(key.verify(digest, HexFormat.of().parseHex(f[2])), "the signature verifies over the blob's digest");
            assertTrue(o.stderr().contains("100%"), o.stderr());
        }
    }

    @Test
    void hostBridgeWithSmallChunksAndStopAndWaitAlsoWorks() throws Exception {
        Path blob = blob(5000);
        byte[] digest = Digests.sha256(Files.readAllBytes(blob));
        try (SocatPty pty = new SocatPty(dir);
             SignerOnPort signer = new SignerOnPort(pty.hostSide.toString(), 921600, SignerOnPort.signingEverything(KEY), KEY.publicKey())) {
            Outcome o = runHostBridge(pty.deviceSide, blob, digest, "1", "100");
            assertEquals(0, o.code(), o.stdout() + "\n" + o.stderr());
            assertTrue(KEY.publicKey().verify(digest, HexFormat.of().parseHex(o.stdout().split(" ")[2])));
        }
    }

    @Test
    void wrongDigestFromTheUploaderIsRefusedByTheSigner() throws Exception {
        Path blob = blob(4000);
        byte[] wrong = Digests.sha256(new byte[] {1, 2, 3});
        try (SocatPty pty = new SocatPty(dir);
             SignerOnPort signer = new SignerOnPort(pty.hostSide.toString(), 921600, SignerOnPort.signingEverything(KEY), KEY.publicKey())) {
            Outcome o = runHostBridge(pty.deviceSide, blob, wrong);
            assertEquals(1, o.code(), o.stdout());
            assertTrue(o.stdout().startsWith("REFUSED 3 "), "refusal code 3 (digest mismatch): " + o.stdout());
        }
    }

    @Test
    void hostBridgeCoreRecoversFromAFaultyCable() throws Exception {
        FaultyLink.Rates rates = new FaultyLink.Rates(0.03, 0.03, 0.01, 0.01, 0.01, 0.005, 0.005);
        Path bridgeSide = Files.createDirectory(dir.resolve("bridge-side"));
        Path signerSide = Files.createDirectory(dir.resolve("signer-side"));
        Random rnd = new Random(42);
        try (SocatPty toBridge = new SocatPty(bridgeSide);
             SocatPty toSigner = new SocatPty(signerSide);
             SignerOnPort signer = new SignerOnPort(toSigner.hostSide.toString(), 921600, SignerOnPort.signingEverything(KEY), KEY.publicKey())) {
            SerialPortLink relayA = SerialPortLink.open(toBridge.hostSide.toString(), 921600);
            SerialPortLink relayB = SerialPortLink.open(toSigner.deviceSide.toString(), 921600);
            try (FaultyRelay relay = new FaultyRelay(relayA, relayB, rates, 7)) {
                for (int i = 0; i < 12; i++) {
                    Path blob = blob(1 + rnd.nextInt(12_000));
                    byte[] digest = Digests.sha256(Files.readAllBytes(blob));
                    Outcome o = runHostBridge(toBridge.deviceSide, blob, digest, "4", "256", "60");
                    assertEquals(0, o.code(), "transfer " + i + ": " + o.stdout() + "\n" + o.stderr());
                    String[] f = o.stdout().split(" ");
                    assertTrue(KEY.publicKey().verify(digest, HexFormat.of().parseHex(f[2])), "transfer " + i);
                }
            } finally {
                relayA.close();
                relayB.close();
            }
        }
    }

    @Test
    void aRestartedHostBridgeSkipsWhatTheSignerAlreadyHas() throws Exception {
        Path blob = blob(200_000);
        byte[] digest = Digests.sha256(Files.readAllBytes(blob));
        try (SocatPty pty = new SocatPty(dir);
             SignerOnPort signer = new SignerOnPort(pty.hostSide.toString(), 921600, SignerOnPort.signingEverything(KEY), KEY.publicKey())) {
            // First upload: killed once half the blob is acknowledged (an ESP8266 losing power).
            Process first = new ProcessBuilder(binary.toString(), pty.deviceSide.toString(), "921600", blob.toString(),
                    HexFormat.of().formatHex(digest), "4", "1024").redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            try (java.io.BufferedReader err = new java.io.BufferedReader(
                    new java.io.InputStreamReader(first.getErrorStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = err.readLine()) != null && !line.startsWith("bridge: 50%")) {
                    // wait for the halfway line
                }
            }
            first.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            Outcome o = runHostBridge(pty.deviceSide, blob, digest);
            assertEquals(0, o.code(), o.stdout() + "\n" + o.stderr());
            assertTrue(KEY.publicKey().verify(digest, HexFormat.of().parseHex(o.stdout().split(" ")[2])));
            assertTrue(!o.stderr().contains("bridge: 0%") && !o.stderr().contains("bridge: 10%"),
                    "the second upload continued past the first half: " + o.stderr());
        }
    }
}
