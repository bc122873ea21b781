package org.iotasign.bench;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

import org.iotasign.seriallink.Link;

/**
 * A serial cable between two programs that each hold a pseudo-terminal: relays bytes
 * between two links (the far ends of two pty pairs), each direction paced by its own
 * {@link PacedLine}. A direction reads from its source only while its transmit FIFO has
 * room, so a sender that outruns the line is held back (first by the ptys' and socat's
 * buffers, tens of KiB, then by a blocking write, as by a UART driver), and hands each
 * byte to the destination once it has crossed the wire and the latency. Bytes are
 * delivered in batches at most {@link #TICK_NANOS} apart, never before their time; a late
 * delivery never shifts the schedule. A late read can leave the line idle, as a sender
 * with nothing to send does: {@link #idleGaps} tells the two apart.
 */
final class PacedRelay implements AutoCloseable {
    /** Delivery granularity: about 46 bytes at 921600 baud (a USB adapter delivers in 1 ms frames). */
    static final long TICK_NANOS = 500_000L;
    /** Refill the FIFO once this much room is free, so the source is not read byte by byte. */
    private static final int REFILL_BYTES = 256;

    /** What the relay saw, for measurements: called on a direction's delivery thread. */
    interface Tap {
        /** {@code len} bytes of {@code data} from {@code off} reached the far end at {@code nanos} (System.nanoTime). */
        void delivered(Direction direction, byte[] data, int off, int len, long nanos);
    }

    enum Direction { A_TO_B, B_TO_A }

    private final Lane[] lanes;
    private volatile boolean stop;

    /**
     * @param aToB the line from {@code a} to {@code b}
     * @param bToA the line from {@code b} to {@code a}
     */
    PacedRelay(Link a, Link b, PacedLine aToB, PacedLine bToA, Tap tap) {
        lanes = new Lane[] {new Lane(Direction.A_TO_B, a, b, aToB, tap), new Lane(Direction.B_TO_A, b, a, bToA, tap)};
        for (Lane l : lanes) {
            l.start();
        }
    }

    /** Forgets the first byte read in each direction, so the next one counts as the first (a second submission over the same cable). */
    void resetFirstRead() {
        for (Lane l : lanes) {
            l.firstRead = 0;
        }
    }

    /** System.nanoTime at which the first byte from that direction's source was read, or 0 when none yet. */
    long firstByteRead(Direction d) {
        return lanes[d.ordinal()].firstRead;
    }

    /**
     * A time the line stood idle: from {@code from} to {@code to} (System.nanoTime), because
     * the sender had written nothing more, or because the cable was late: after waiting
     * for room in its FIFO the relay found nothing to send although the sender had been
     * sending (the machine did not run the relay, or the socat in front of it, in time: an
     * error of the measuring cable, not of the programs measured).
     */
    record Idle(long from, long to, boolean relayLate) {
    }

    /** The idle gaps of that direction's line after its first byte, in order. */
    List<Idle> idleGaps(Direction d) {
        synchronized (lanes[d.ordinal()].gaps) {
            return List.copyOf(lanes[d.ordinal()].gaps);
        }
    }

    /** The first error that stopped a direction (a port went away), or null. */
    IOException failure() {
        for (Lane l : lanes) {
            if (l.failure != null) {
                return l.failure;
            }
        }
        return null;
    }

    /** Stops both directions and closes both links (the relay owns them). */
    @Override
    public void close() throws InterruptedException {
        stop = true;
        for (Lane l : lanes) {
            LockSupport.unpark(l.deliverer);
            l.reader.join(2000);
            l.deliverer.join(2000);
        }
        lanes[0].from.close();
        lanes[0].to.close();
    }

    /** Bytes read together at one moment: they go on the wire back to back from {@code wireStart}. */
    private record Run(byte[] data, long wireStart) {
    }

    /** One direction: a thread reading into the FIFO and a thread delivering what has arrived. */
    private final class Lane {
        final Direction direction;
        final Link from;
        final Link to;
        final PacedLine line;
        final Tap tap;
        final ArrayDeque<Run> inFlight = new ArrayDeque<>();
        final Thread reader;
        final Thread deliverer;
        volatile long firstRead;
        final List<Idle> gaps = new ArrayList<>();
        volatile IOException failure;

        Lane(Direction direction, Link from, Link to, PacedLine line, Tap tap) {
            this.direction = direction;
            this.from = from;
            this.to = to;
            this.line = line;
            this.tap = tap;
            reader = new Thread(this::read, "paced-relay-read-" + direction);
            deliverer = new Thread(this::deliver, "paced-relay-deliver-" + direction);
            reader.setDaemon(true);
            deliverer.setDaemon(true);
        }

        void start() {
            reader.start();
            deliverer.start();
        }

        private void read() {
            int refill = Math.min(REFILL_BYTES, line.fifoBytes());
            boolean waitedForRoom = false;
            try {
                while (!stop) {
                    long now = System.nanoTime();
                    int room;
                    long roomAt;
                    synchronized (line) {
                        room = line.space(now);
                        roomAt = line.spaceAt(now, refill);
                    }
                    if (room < refill) {
                        LockSupport.parkNanos(Math.max(roomAt - now, 10_000L));
                        waitedForRoom = true;
                        continue;
                    }
                    byte[] chunk = new byte[room];
                    int n = from.read(chunk, 5);
                    if (n <= 0) {
                        continue;
                    }
                    long at = System.nanoTime();
                    if (firstRead == 0) {
                        firstRead = at;
                    }
                    long start;
                    synchronized (line) {
                        start = line.accept(at, n);
                    }
                    if (start == at && firstRead != at) {
                        synchronized (gaps) {
                            gaps.add(new Idle(line.lastIdleSince(), at, waitedForRoom));
                        }
                    }
                    waitedForRoom = false;
                    synchronized (inFlight) {
                        inFlight.addLast(new Run(n == room ? chunk : Arrays.copyOf(chunk, n), start));
                    }
                    LockSupport.unpark(deliverer);
                }
            } catch (IOException e) {
                failure = e;
            }
        }

        private void deliver() {
            int done = 0; // bytes of the head run already delivered
            try {
                while (!stop) {
                    Run head;
                    synchronized (inFlight) {
                        head = inFlight.peekFirst();
                    }
                    if (head == null) {
                        LockSupport.parkNanos(TICK_NANOS);
                        continue;
                    }
                    long now = System.nanoTime();
                    int due = line.arrived(head.wireStart(), head.data().length, now);
                    if (due > done) {
                        to.write(Arrays.copyOfRange(head.data(), done, due));
                        tap.delivered(direction, head.data(), done, due - done, now);
                        done = due;
                    }
                    if (done == head.data().length) {
                        synchronized (inFlight) {
                            inFlight.pollFirst();
                        }
                        done = 0;
                        continue;
                    }
                    long next = line.arrival(head.wireStart(), done);
                    LockSupport.parkNanos(Math.max(next - System.nanoTime(), TICK_NANOS));
                }
            } catch (IOException e) {
                failure = e;
            }
        }
    }
}
