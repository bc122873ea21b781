package org.iotasign.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real pseudo-terminal pair made by socat ({@code socat -d -d pty,raw,echo=0,link=A
 * pty,raw,echo=0,link=B}): bytes written to one end come out of the other. {@link #kill()}
 * makes both ends disappear, as when a USB adapter is unplugged.
 */
public final class SocatPty implements AutoCloseable {
    private final Process socat;
    public final Path hostSide;
    public final Path deviceSide;

    public SocatPty(Path dir) throws IOException, InterruptedException {
        this.hostSide = dir.resolve("A");
        this.deviceSide = dir.resolve("B");
        socat = new ProcessBuilder("socat", "-d", "-d", "pty,raw,echo=0,link=" + hostSide, "pty,raw,echo=0,link=" + deviceSide)
                .redirectErrorStream(true).redirectOutput(dir.resolve("socat.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!(Files.exists(hostSide) && Files.exists(deviceSide))) {
            if (System.nanoTime() > deadline || !socat.isAlive()) {
                socat.destroy();
                throw new IOException("socat did not create the pty pair in " + dir);
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
