package org.iotasign.seriallink;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Random;

/**
 * Damages what a link end receives, frame by frame: bit errors, drops, duplicates,
 * reordering (a frame held back and delivered after the next), garbage between frames,
 * malformed frames with a valid CRC, oversize runs without delimiter; and, on command, a
 * blackout (everything lost, as with a pulled cable) or a stall (nothing delivered for a
 * while, then everything at once, as with a peer that hangs).
 */
public final class FaultyLink implements Link {
    public record Rates(double bitError, double drop, double duplicate, double reorder, double garbage,
                 double malformed, double oversize) {
        static final Rates NONE = new Rates(0, 0, 0, 0, 0, 0, 0);
    }

    private final Link inner;
    private final Rates rates;
    private final Random random;
    private final byte[] tmp = new byte[4096];
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private byte[] pending = new byte[0];
    private int pendingAt;
    private byte[] held;
    private volatile long blackoutUntil;
    private volatile long stallUntil;
    long framesSeen;
    long faultsInjected;

    public FaultyLink(Link inner, Rates rates, long seed) {
        this.inner = inner;
        this.rates = rates;
        this.random = new Random(seed);
    }

    void blackout(long millis) {
        blackoutUntil = System.nanoTime() + millis * 1_000_000L;
    }

    void stall(long millis) {
        stallUntil = System.nanoTime() + millis * 1_000_000L;
    }

    @Override
    public synchronized int read(byte[] buf, int timeoutMillis) throws IOException {
        if (pendingAt < pending.length) {
            return drain(buf);
        }
        long now = System.nanoTime();
        if (now < stallUntil) {
            sleep(Math.min(timeoutMillis, (stallUntil - now) / 1_000_000L + 1));
            return 0;
        }
        int n = inner.read(tmp, timeoutMillis);
        if (System.nanoTime() < blackoutUntil) {
            partial.reset();
            held = null;
            return 0;
        }
        for (int i = 0; i < n; i++) {
            if (tmp[i] == 0) {
                frame(partial.toByteArray());
                partial.reset();
            } else {
                partial.write(tmp[i]);
            }
        }
        if (n == 0 && held != null) {
            emit(held);
            held = null;
        }
        pending = out.toByteArray();
        pendingAt = 0;
        out.reset();
        return drain(buf);
    }

    private int drain(byte[] buf) {
        int k = Math.min(buf.length, pending.length - pendingAt);
        System.arraycopy(pending, pendingAt, buf, 0, k);
        pendingAt += k;
        return k;
    }

    private void frame(byte[] f) {
        if (f.length == 0) {
            out.write(0);
            return;
        }
        framesSeen++;
        if (hit(rates.garbage())) {
            byte[] g = new byte[1 + random.nextInt(40)];
            random.nextBytes(g);
            out.writeBytes(g);
        }
        if (hit(rates.malformed())) {
            out.writeBytes(malformed());
        }
        if (hit(rates.oversize())) {
            byte[] g = new byte[Protocol.MAX_ENCODED_FRAME + 1 + random.nextInt(500)];
            for (int i = 0; i < g.length; i++) {
                g[i] = (byte) (1 + random.nextInt(255));
            }
            out.writeBytes(g);
            out.write(0);
        }
        if (hit(rates.drop())) {
            return;
        }
        if (hit(rates.bitError())) {
            f = f.clone();
            int i = random.nextInt(f.length);
            f[i] ^= (byte) (1 << random.nextInt(8));
        }
        if (held == null && hit(rates.reorder())) {
            held = f;
            return;
        }
        emit(f);
        if (hit(rates.duplicate())) {
            emit(f);
        }
        if (held != null) {
            emit(held);
            held = null;
        }
    }

    /** A frame that is valid COBS with a correct CRC but wrong inside: unknown type, or a length field that lies. */
    private byte[] malformed() {
        byte[] raw = new byte[Protocol.HEADER_LENGTH + 8 + Protocol.CRC_LENGTH];
        random.nextBytes(raw);
        if (random.nextBoolean()) {
            raw[0] = (byte) 0x7F;
        } else {
            raw[0] = (byte) FrameType.DATA.code;
            raw[2] = (byte) 200;
            raw[3] = 0;
        }
        long crc = FrameCodec.crc(raw, raw.length - 4);
        for (int i = 0; i < 4; i++) {
            raw[raw.length - 4 + i] = (byte) (crc >>> (8 * i));
        }
        byte[] cobs = Cobs.encode(raw, 0, raw.length);
        byte[] wire = new byte[cobs.length + 2];
        System.arraycopy(cobs, 0, wire, 1, cobs.length);
        return wire;
    }

    private void emit(byte[] f) {
        out.writeBytes(f);
        out.write(0);
    }

    private boolean hit(double p) {
        boolean h = p > 0 && random.nextDouble() < p;
        if (h) {
            faultsInjected++;
        }
        return h;
    }

    @Override
    public void write(byte[] data) throws IOException {
        if (System.nanoTime() < blackoutUntil) {
            return;
        }
        inner.write(data);
    }

    @Override
    public String name() {
        return "faulty:" + inner.name();
    }

    @Override
    public void close() {
        inner.close();
    }

    private static void sleep(long millis) throws IOException {
        try {
            Thread.sleep(Math.max(1, millis));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }
}
