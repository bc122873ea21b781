package org.iotasign.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class PortWritesTest {
    private static final byte[] DATA = "a frame of bytes for the port".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    @Test
    void aPortThatTakesPartsAndSometimesNothingGetsEveryByteInOrder() throws IOException {
        ByteArrayOutputStream taken = new ByteArrayOutputStream();
        AtomicInteger calls = new AtomicInteger();
        PortWrites.writeAll(DATA, (data, length, offset) -> {
            if (calls.incrementAndGet() % 3 == 0) {
                return 0;
            }
            int n = Math.min(4, length);
            taken.write(data, offset, n);
            return n;
        }, "test", 1000);
        assertArrayEquals(DATA, taken.toByteArray());
    }

    @Test
    void aPortThatTakesNothingForTheStallTimeIsAnErrorNotASpin() {
        long t0 = System.nanoTime();
        IOException e = assertThrows(IOException.class, () -> PortWrites.writeAll(DATA, (data, length, offset) -> 0, "/dev/gone", 200));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms >= 200 && ms < 5000, ms + " ms");
        assertTrue(e.getMessage().startsWith("port /dev/gone took no bytes for 0.2 s while writing"), e.getMessage());
    }

    @Test
    void aStallShorterThanTheLimitIsRiddenOut() throws IOException {
        long until = System.nanoTime() + 100_000_000L;
        ByteArrayOutputStream taken = new ByteArrayOutputStream();
        PortWrites.writeAll(DATA, (data, length, offset) -> {
            if (System.nanoTime() < until) {
                return 0;
            }
            taken.write(data, offset, length);
            return length;
        }, "test", 1000);
        assertArrayEquals(DATA, taken.toByteArray());
    }

    @Test
    void aFailedWriteIsAnErrorAtOnce() {
        IOException e = assertThrows(IOException.class, () -> PortWrites.writeAll(DATA, (data, length, offset) -> -1, "/dev/ttyUSB0", 60_000));
        assertTrue(e.getMessage().startsWith("port /dev/ttyUSB0 failed while writing"), e.getMessage());
    }
}
