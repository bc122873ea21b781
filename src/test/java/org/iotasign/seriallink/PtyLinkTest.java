package org.iotasign.seriallink;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.iotasign.io.PortWrites;
import org.iotasign.testing.SocatPty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Both ends on real serial ports (a socat pseudo-terminal pair) through jSerialComm. */
@Timeout(30)
class PtyLinkTest {
    @TempDir
    Path dir;

    @Test
    void blobCrossesRealPseudoTerminalsAndComesBackSigned() throws Exception {
        try (SocatPty pty = new SocatPty(dir);
             SerialSigner signer = new SerialSigner(new TestSigning.CarefulService(), UnreviewedRequests.NONE, TestSigning.KEY.publicKey(),
                     SignerSettings.defaults(), SignerListener.NONE)) {
            SerialPortLink signerLink = SerialPortLink.open(pty.hostSide.toString(), 921600);
            Thread serving = new Thread(() -> {
                try {
                    signer.serve(signerLink, () -> Thread.currentThread().isInterrupted());
                } catch (java.io.IOException ignored) {
                    // the test ends by closing the port
                }
            });
            serving.start();
            try {
                byte[] blob = new byte[200_000];
                new Random(1).nextBytes(blob);
                BridgeResult r = new SerialBridge(() -> SerialPortLink.open(pty.deviceSide.toString(), 921600),
                        BridgeSettings.defaults(), BridgeListener.NONE, TestSigning.KEY.publicKey()).submit(blob);
                assertTrue(TestSigning.KEY.publicKey().verify(TestSigning.sha256(blob), r.signature()));
            } finally {
                serving.interrupt();
                serving.join(5000);
                signerLink.close();
            }
        }
    }

    @Test
    void aLinkWhosePortVanishesFailsItsWritesInsteadOfSpinning() throws Exception {
        try (SocatPty pty = new SocatPty(dir)) {
            SerialPortLink link = SerialPortLink.open(pty.deviceSide.toString(), 921600);
            try {
                pty.kill();
                byte[] frame = new byte[8192];
                long t0 = System.nanoTime();
                // The kernel may take some bytes before the port counts as gone; then no write may
                // spin (a spinning write ignores interrupts: only a separate thread can fail it).
                assertTimeoutPreemptively(Duration.ofSeconds(PortWrites.STALL_MILLIS / 1000 + 10), () -> assertThrows(IOException.class, () -> {
                    for (int i = 0; i < 1000; i++) {
                        link.write(frame);
                    }
                }));
                long s = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0);
                assertTrue(s <= PortWrites.STALL_MILLIS / 1000 + 5, "the write failed after " + s + " s");
            } finally {
                link.close();
            }
        }
    }
}
