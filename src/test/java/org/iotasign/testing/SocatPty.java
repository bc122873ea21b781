package org.iotasign.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * A real pseudo-terminal pair made by socat ({@code socat -d -d pty,raw,echo=0,link=ttyA
 * pty,raw,echo=0,link=ttyB}), as a null-modem cable between two serial ports: bytes written
 * to one end come out of the other. {@link #kill()} makes both ends disappear, as when a
 * USB adapter is unplugged. A test using it skips when socat is not installed; any other
 * failure to make the pair fails the test.
 */
public final class SocatPty implements AutoCloseable {
    private final Process socat;
    public final Path hostSide;
    public final Path deviceSide;

    public SocatPty(Path dir) throws IOException, InterruptedException {
        Assumptions.assumeTrue(Tools.onPath("socat"), "socat is not installed");
        this.hostSide = dir.resolve("ttyA");
        this.deviceSide = dir.resolve("ttyB");
        socat = new ProcessBuilder("socat", "-d", "-d", "pty,raw,echo=0,link=" + hostSide, "pty,raw,echo=0,link=" + deviceSide)
                .redirectErrorStream(true).redirectOutput(dir.resolve("socat.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!(Files.exists(hostSide) && Files.exists(deviceSide))) {
            if (System.nanoTime() > deadline || !socat.isAlive()) {
                close();
                throw new IOException("socat did not create the pty pair in " + dir + ": " + Files.readString(dir.resolve("socat.log")));
            }
            Thread.sleep(10);
        }
    }

    public String host() {
        return hostSide.toString();
    }

    public String device() {
        return deviceSide.toString();
    }

    /** Ends socat at once: both ptys vanish. */
    public void kill() {
        socat.destroyForcibly();
        try {
            socat.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        socat.destroy();
        try {
            if (!socat.waitFor(5, TimeUnit.SECONDS)) {
                socat.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
