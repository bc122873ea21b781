package org.iotasign.seriallink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BridgeSettingsTest {
    @Test
    void aFastLineGetsLargerChunksAndKeepsTheDefaultBytesInFlight() {
        assertLine(921_600, 8192, 2);
        assertLine(460_800, 4096, 4);
        assertLine(230_400, 2048, 8);
        assertLine(115_200, 1024, 16);
        assertLine(9_600, 1024, 16);
        assertLine(4_000_000, Protocol.MAX_CHUNK, 2);
    }

    @Test
    void aChunkAboveTheDefaultNeverSpendsMoreThanTheChunkTimeOnTheWire() {
        for (int baud = 1_200; baud <= 4_000_000; baud += 9_973) {
            BridgeSettings s = BridgeSettings.forLine(baud);
            int chunk = s.chunkSize();
            assertTrue(chunk == Protocol.DEFAULT_CHUNK || chunk * 10L * 1000 <= (long) baud * BridgeSettings.CHUNK_TIME_MS,
                    chunk + " bytes at " + baud + " baud");
            assertTrue(chunk * 2 > Protocol.MAX_CHUNK || chunk * 2 * 10L * 1000 > (long) baud * BridgeSettings.CHUNK_TIME_MS,
                    "the largest chunk that fits is picked: " + chunk + " at " + baud);
            assertEquals(Integer.bitCount(chunk), 1, "a power of two");
        }
    }

    private static void assertLine(int baud, int chunk, int window) {
        BridgeSettings s = BridgeSettings.forLine(baud);
        assertEquals(chunk, s.chunkSize(), "chunk at " + baud + " baud");
        assertEquals(window, s.window(), "window at " + baud + " baud");
    }
}
