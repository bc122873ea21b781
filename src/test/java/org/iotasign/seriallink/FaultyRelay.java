package org.iotasign.seriallink;

import java.io.IOException;

/**
 * Relays bytes between two links (e.g. two pseudo-terminal pairs), damaging frames in
 * both directions like {@link FaultyLink}: a faulty cable between a bridge and a signer
 * that run as separate programs.
 */
public final class FaultyRelay implements AutoCloseable {
    private final Thread[] threads = new Thread[2];
    private volatile boolean stop;

    public FaultyRelay(Link a, Link b, FaultyLink.Rates rates, long seed) {
        threads[0] = pump(new FaultyLink(a, rates, seed), b);
        threads[1] = pump(new FaultyLink(b, rates, seed + 1), a);
    }

    private Thread pump(Link from, Link to) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[4096];
            try {
                while (!stop) {
                    int n = from.read(buf, 20);
                    if (n > 0) {
                        to.write(java.util.Arrays.copyOf(buf, n));
                    }
                }
            } catch (IOException closed) {
                // a port went away: the relay ends
            }
        }, "faulty-relay");
        t.setDaemon(true);
        t.start();
        return t;
    }

    @Override
    public void close() throws InterruptedException {
        stop = true;
        for (Thread t : threads) {
            t.join(2000);
        }
    }
}
