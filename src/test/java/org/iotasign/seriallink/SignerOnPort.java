package org.iotasign.seriallink;

import java.io.IOException;

import org.iotasign.crypto.Hashes;

/** A {@link SerialSigner} serving one serial port on a background thread, for tests of the bridge side. */
public final class SignerOnPort implements AutoCloseable {
    private final SerialSigner signer;
    private final SerialPortLink link;
    private final Thread thread;
    private volatile boolean stop;

    public SignerOnPort(String port, int baud, BlobSigningService service, org.iotasign.crypto.Ed25519PublicKey key) {
        this.signer = new SerialSigner(service, UnreviewedRequests.NONE, key, SignerSettings.defaults(), SignerListener.NONE);
        this.link = SerialPortLink.open(port, baud);
        this.thread = new Thread(() -> {
            try {
                signer.serve(link, () -> stop);
            } catch (IOException ignored) {
                // closed at the end of the test
            }
        }, "signer-on-port");
        thread.setDaemon(true);
        thread.start();
    }

    /** Signs whatever arrives intact with {@code key}: the protocol's own digest check still applies. */
    public static BlobSigningService signingEverything(org.iotasign.crypto.SoftwareEd25519Signer key) {
        return (blob, announced) -> {
            byte[] d = Hashes.sha256().digest(blob);
            return new Verdict.Signed(d, key.sign(d));
        };
    }

    @Override
    public void close() throws InterruptedException {
        stop = true;
        thread.join(5000);
        link.close();
        signer.close();
    }
}
