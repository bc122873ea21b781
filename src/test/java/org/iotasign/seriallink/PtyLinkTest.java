package org.iotasign.seriallink;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Random;

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
}
