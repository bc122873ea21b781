package org.iotasign.devsim;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.iotasign.EnvironmentException;
import org.iotasign.espflash.FlashSession;
import org.iotasign.espflash.JSerialCommTransport;
import org.iotasign.espflash.SerialTransport;

/**
 * The device's end of a pseudo-terminal. If LINK already exists it is taken to be the
 * device's end of a pair someone made (e.g. {@code socat pty,raw,echo=0,link=HOST
 * pty,raw,echo=0,link=LINK}) and opened directly. Otherwise socat is started to make a
 * pair: LINK for the host side (what flash/monitor open) and a private link for the
 * device; socat is stopped and both links removed at close.
 */
public final class PtyEndpoint implements AutoCloseable {
    private final SerialTransport transport;
    private final Process socat;
    private final Path privateDir;

    private PtyEndpoint(SerialTransport transport, Process socat, Path privateDir) {
        this.transport = transport;
        this.socat = socat;
        this.privateDir = privateDir;
    }

    public static PtyEndpoint open(Path link) {
        if (Files.exists(link)) {
            return new PtyEndpoint(JSerialCommTransport.open(link.toString(), FlashSession.ROM_BAUD), null, null);
        }
        Path dir;
        try {
            if (Files.isSymbolicLink(link)) {
                Files.delete(link); // left dangling by a socat that was killed: its pty is gone
            }
            dir = Files.createTempDirectory("iotasign-devsim");
        } catch (IOException e) {
            throw new EnvironmentException("cannot create a temporary folder for the pty: " + e.getMessage());
        }
        Path device = dir.resolve("device");
        List<String> cmd = new ArrayList<>(List.of("socat", "pty,raw,echo=0,link=" + link.toAbsolutePath(),
                "pty,raw,echo=0,link=" + device));
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            deleteQuietly(dir);
            throw new EnvironmentException("cannot start socat to make a pseudo-terminal pair: install socat (apt-get install socat)");
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!(Files.exists(device) && Files.exists(link))) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                p.destroy();
                deleteQuietly(dir);
                throw new EnvironmentException("socat could not create the pty " + link + ": check that its folder exists and is writable");
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroy();
                throw new EnvironmentException("interrupted while creating the pty");
            }
        }
        return new PtyEndpoint(JSerialCommTransport.open(device.toString(), FlashSession.ROM_BAUD), p, dir);
    }

    public SerialTransport transport() {
        return transport;
    }

    public boolean createdPair() {
        return socat != null;
    }

    @Override
    public void close() {
        transport.close();
        if (socat != null) {
            socat.destroy();
            try {
                socat.waitFor(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            deleteQuietly(privateDir);
        }
    }

    private static void deleteQuietly(Path dir) {
        try {
            Files.deleteIfExists(dir.resolve("device"));
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // A leftover empty temp folder is harmless.
        }
    }
}
