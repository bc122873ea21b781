package org.iotasign.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.iotasign.testing.SocatPty;
import org.iotasign.seriallink.SerialPortLink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The relay behind the end-to-end serial bench paces like a serial line. The schedule is
 * checked exactly on made-up times; over real pseudo-terminals only the bound that cannot
 * flake is asserted (bytes never arrive sooner than the line allows) and the measured
 * rate is printed.
 */
class PacedRelayTest {
    private static final long MS = 1_000_000L;

    @Test
    void oneHundredKibAt115200BaudTakesExactlyTheirWireTimePlusLatencyWhenTheSenderKeepsTheFifoFull() {
        PacedLine line = new PacedLine(115200, 4 * MS, 4096);
        long t0 = 1_000_000_000L;
        long now = t0;
        long lastStart = 0;
        int lastLength = 0;
        int left = 100 * 1024;
        while (left > 0) {
            now = line.spaceAt(now, 256);
            int n = Math.min(left, line.space(now));
            assertTrue(line.queued(now) + n <= 4096, "the FIFO never holds more than its size");
            lastStart = line.accept(now, n);
            lastLength = n;
            left -= n;
        }
        long lastArrival = line.arrival(lastStart, lastLength - 1);
        long wire = 100L * 1024 * 10 * 1_000_000_000L / 115200; // 8.888 s
        assertEquals(t0 + wire + 4 * MS, lastArrival, 1000, "the last byte arrives one wire time and one latency after the first left");
    }

    @Test
    void aSingleByteArrivesNoSoonerThanItsWireTimePlusTheLatency() {
        PacedLine line = new PacedLine(921600, 4 * MS, 4096);
        long start = line.accept(5_000L, 1);
        assertEquals(5_000L, start, "an idle line starts sending at once");
        assertEquals(5_000L + 10_850L + 4 * MS, line.arrival(start, 0));
        assertEquals(0, line.arrived(start, 1, line.arrival(start, 0) - 1));
        assertEquals(1, line.arrived(start, 1, line.arrival(start, 0)));
    }

    @Test
    void aFullFifoRefusesMoreBytesUntilTheWireHasTakenSome() {
        PacedLine line = new PacedLine(921600, 0, 4096);
        line.accept(0, 4096);
        assertEquals(0, line.space(0));
        assertThrows(IllegalStateException.class, () -> line.accept(0, 1), "backpressure: a full FIFO takes nothing");
        long roomFor1024 = line.spaceAt(0, 1024);
        assertEquals(line.wireNanos(1024), roomFor1024, 1, "room for 1 KiB once 1 KiB has left");
        assertTrue(line.space(roomFor1024) >= 1024);
        assertTrue(line.space(roomFor1024 - 20_000) < 1024);
    }

    @Test
    void bytesArriveInOrderOneAtATimeAtTheLineRate() {
        PacedLine line = new PacedLine(921600, 2 * MS, 4096);
        long start = line.accept(0, 4000);
        int previous = 0;
        for (long t = 0; t < line.arrival(start, 3999) + MS; t += 3_333) {
            int n = line.arrived(start, 4000, t);
            assertTrue(n >= previous, "arrivals never go back");
            previous = n;
        }
        assertEquals(4000, previous);
        Random r = new Random(7);
        for (int i = 0; i < 1000; i++) {
            int k = r.nextInt(4000);
            long at = line.arrival(start, k);
            assertEquals(k + 1, line.arrived(start, 4000, at), "byte " + k + " has arrived at its time");
            assertEquals(k, line.arrived(start, 4000, at - 1), "byte " + k + " has not arrived a nanosecond earlier");
        }
    }

    @Test
    void overRealPseudoTerminalsTheRelayIsNeverFasterThanTheLineAndKeepsEveryByte(@TempDir Path dir) throws Exception {
        try (SocatPty left = new SocatPty(Files.createDirectories(dir.resolve("left")));
             SocatPty right = new SocatPty(Files.createDirectories(dir.resolve("right")))) {
            SerialPortLink sender = SerialPortLink.open(left.hostSide.toString(), 921600);
            SerialPortLink receiver = SerialPortLink.open(right.deviceSide.toString(), 921600);
            int baud = 921600;
            long latency = 4 * MS;
            byte[] blob = new byte[100 * 1024];
            new Random(3).nextBytes(blob);
            try (PacedRelay relay = new PacedRelay(SerialPortLink.open(left.deviceSide.toString(), baud), SerialPortLink.open(right.hostSide.toString(), baud),
                    new PacedLine(baud, latency, 4096), new PacedLine(baud, latency, 4096), (d, b, o, l, t) -> { })) {
                // One byte alone: it cannot arrive before its latency.
                long t0 = System.nanoTime();
                sender.write(new byte[] {42});
                byte[] one = readExactly(receiver, 1);
                long single = System.nanoTime() - t0;
                assertEquals(42, one[0]);
                assertTrue(single >= latency, "one byte took " + single + " ns, less than the latency");

                // 100 KiB written as fast as the sender can: never faster than the wire.
                long start = System.nanoTime();
                Thread writer = new Thread(() -> {
                    try {
                        sender.write(blob);
                    } catch (java.io.IOException e) {
                        throw new IllegalStateException(e);
                    }
                });
                writer.start();
                byte[] got = readExactly(receiver, blob.length);
                long elapsed = System.nanoTime() - start;
                writer.join();
                assertArrayEquals(blob, got, "every byte arrives, in order, unchanged");
                long wire = new PacedLine(baud, latency, 4096).wireNanos(blob.length);
                assertTrue(elapsed >= wire + latency, "100 KiB took " + elapsed + " ns, less than the line allows (" + (wire + latency) + ")");
                System.out.printf(Locale.ROOT, "paced relay at %d baud: one byte %.2f ms (latency %.1f ms); 100 KiB %.3f s for %.3f s of wire time"
                                + " plus latency (%.3f of line rate)%n",
                        baud, single / 1e6, latency / 1e6, elapsed / 1e9, (wire + latency) / 1e9, (double) (wire + latency) / elapsed);
                assertEquals(null, relay.failure());
            } finally {
                sender.close();
                receiver.close();
            }
        }
    }

    private static byte[] readExactly(SerialPortLink link, int n) throws Exception {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (got.size() < n) {
            assertTrue(System.nanoTime() < deadline, "only " + got.size() + " of " + n + " bytes arrived within 60 s");
            int r = link.read(buf, 50);
            got.write(buf, 0, r);
        }
        return got.toByteArray();
    }
}
