package org.iotasign.seriallink;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/** Two connected pseudo-terminals made by socat, as a null-modem cable between two serial ports. */
public final class PtyPair implements AutoCloseable {
    public final Path a;
    public final Path b;
    private final Process socat;

    public PtyPair(Path dir) throws IOException, InterruptedException {
        Assumptions.assumeTrue(onPath("socat"), "socat is not installed");
        a = dir.resolve("ttyA");
        b = dir.resolve("ttyB");
        socat = new ProcessBuilder("socat", "-d", "-d", "pty,raw,echo=0,link=" + a, "pty,raw,echo=0,link=" + b)
                .redirectErrorStream(true).redirectOutput(dir.resolve("socat.log").toFile()).start();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!(Files.exists(a) && Files.exists(b))) {
            if (System.nanoTime() > until || !socat.isAlive()) {
                close();
                throw new IOException("socat did not create the pseudo-terminals: " + Files.readString(dir.resolve("socat.log")));
            }
            Thread.sleep(10);
        }
    }

    public static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() throws InterruptedException {
        socat.destroy();
        if (!socat.waitFor(5, TimeUnit.SECONDS)) {
            socat.destroyForcibly();
        }
    }
}
