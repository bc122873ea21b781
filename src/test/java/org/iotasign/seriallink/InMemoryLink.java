package org.iotasign.seriallink;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Two connected link ends in memory. Optionally models a serial line: bytes leave at the
 * line rate (10 bits per byte, 8N1) after a small transmit buffer fills, and arrive
 * {@code latency} later. Closing either end closes both.
 */
public final class InMemoryLink implements Link {
    /** A serial line: {@code baud} bits per second, 8N1 framing, one-way latency in microseconds. */
    public record SerialLine(int baud, long latencyMicros, int txBufferBytes) {
        public static final SerialLine INSTANT = new SerialLine(0, 0, 0);

        long nanosPerByte() {
            return baud == 0 ? 0 : 10_000_000_000L / baud;
        }
    }

    private final String name;
    private final Pipe in;
    private final Pipe out;

    private InMemoryLink(String name, Pipe in, Pipe out) {
        this.name = name;
        this.in = in;
        this.out = out;
    }

    /** @return {bridge end, signer end} */
    public static InMemoryLink[] pair(SerialLine line) {
        Pipe toSigner = new Pipe(line);
        Pipe toBridge = new Pipe(line);
        return new InMemoryLink[] {
            new InMemoryLink("memory:bridge", toBridge, toSigner),
            new InMemoryLink("memory:signer", toSigner, toBridge),
        };
    }

    public static InMemoryLink[] pair() {
        return pair(SerialLine.INSTANT);
    }

    @Override
    public int read(byte[] buf, int timeoutMillis) throws IOException {
        return in.read(buf, timeoutMillis);
    }

    @Override
    public void write(byte[] data) throws IOException {
        out.write(data);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void close() {
        in.close();
        out.close();
    }

    /** One direction: segments of bytes, each with the time its last byte arrives. */
    private static final class Pipe {
        private final SerialLine line;
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition changed = lock.newCondition();
        private final Deque<Segment> segments = new ArrayDeque<>();
        private long lineFreeAt = System.nanoTime();
        private boolean closed;

        Pipe(SerialLine line) {
            this.line = line;
        }

        private record Segment(byte[] data, long arrivesAt, int[] consumed) {
        }

        void write(byte[] data) throws IOException {
            if (data.length == 0) {
                return;
            }
            long arrives;
            long wait;
            lock.lock();
            try {
                if (closed) {
                    throw new IOException("link closed");
                }
                long now = System.nanoTime();
                long start = Math.max(now, lineFreeAt);
                lineFreeAt = start + data.length * line.nanosPerByte();
                arrives = lineFreeAt + line.latencyMicros() * 1000;
                segments.addLast(new Segment(data.clone(), arrives, new int[1]));
                changed.signalAll();
                // Like a UART driver: the writer blocks while more than the buffer is queued.
                wait = lineFreeAt - line.txBufferBytes() * line.nanosPerByte() - now;
            } finally {
                lock.unlock();
            }
            if (wait > 0) {
                sleepNanos(wait);
            }
        }

        int read(byte[] buf, int timeoutMillis) throws IOException {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
            lock.lock();
            try {
                while (true) {
                    if (closed) {
                        throw new IOException("link closed");
                    }
                    long now = System.nanoTime();
                    Segment head = segments.peekFirst();
                    if (head != null && head.arrivesAt() <= now) {
                        return drain(buf, now);
                    }
                    long until = head == null ? deadline : Math.min(deadline, head.arrivesAt());
                    if (now >= deadline) {
                        return 0;
                    }
                    changed.awaitNanos(Math.max(until - now, 1000));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted");
            } finally {
                lock.unlock();
            }
        }

        private int drain(byte[] buf, long now) {
            int n = 0;
            while (n < buf.length) {
                Segment s = segments.peekFirst();
                if (s == null || s.arrivesAt() > now) {
                    break;
                }
                int take = Math.min(buf.length - n, s.data().length - s.consumed()[0]);
                System.arraycopy(s.data(), s.consumed()[0], buf, n, take);
                n += take;
                s.consumed()[0] += take;
                if (s.consumed()[0] == s.data().length) {
                    segments.pollFirst();
                }
            }
            return n;
        }

        void close() {
            lock.lock();
            try {
                closed = true;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        private static void sleepNanos(long nanos) throws IOException {
            try {
                TimeUnit.NANOSECONDS.sleep(nanos);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted");
            }
        }
    }
}
