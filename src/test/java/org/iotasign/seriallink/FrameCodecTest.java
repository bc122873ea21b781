package org.iotasign.seriallink;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.Random;

import org.junit.jupiter.api.Test;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;

class FrameCodecTest {

    @Property(tries = 300)
    void cobsRoundTripsAnyBytesAndNeverEmitsZero(@ForAll @Size(max = 1100) byte[] data) {
        byte[] enc = Cobs.encode(data, 0, data.length);
        for (byte b : enc) {
            assertTrue(b != 0);
        }
        assertTrue(enc.length <= Cobs.maxEncodedLength(data.length));
        byte[] dec = new byte[data.length];
        assertEquals(data.length, Cobs.decode(enc, enc.length, dec));
        assertArrayEquals(data, dec);
    }

    @Property(tries = 200)
    void everyFrameSurvivesEncodingAndDecoding(@ForAll @Size(max = Protocol.MAX_PAYLOAD) byte[] payload,
                                               @ForAll int transfer, @ForAll int seq) {
        Frame f = new Frame(FrameType.DATA, 1, transfer, seq, payload);
        FrameReader r = new FrameReader();
        byte[] wire = FrameCodec.encode(f);
        assertTrue(wire.length <= Protocol.MAX_ENCODED_FRAME + 2, "frame fits the documented wire maximum");
        r.feed(wire, 0, wire.length);
        Frame back = r.poll();
        assertNotNull(back);
        assertEquals(FrameType.DATA, back.type());
        assertEquals(1, back.flags());
        assertEquals(transfer, back.transfer());
        assertEquals(seq, back.seq());
        assertArrayEquals(payload, back.payload());
    }

    @Test
    void resynchronisesAfterGarbageAndCutFrames() {
        Random rnd = new Random(1);
        ByteArrayOutputStream s = new ByteArrayOutputStream();
        byte[] garbage = new byte[500];
        rnd.nextBytes(garbage);
        s.writeBytes(garbage);
        byte[] cut = FrameCodec.encode(Frame.of(FrameType.QUERY, 5, 5));
        s.write(cut, 0, cut.length / 2);
        s.writeBytes(FrameCodec.encode(Frame.of(FrameType.QUERY, 1, 2)));
        s.writeBytes(garbage);
        s.writeBytes(FrameCodec.encode(Frame.of(FrameType.QUERY, 3, 4)));
        FrameReader r = new FrameReader();
        byte[] all = s.toByteArray();
        r.feed(all, 0, all.length);
        assertEquals(1, r.poll().transfer());
        assertEquals(3, r.poll().transfer());
        assertNull(r.poll());
    }

    @Test
    void everySingleBitErrorIsDetected() {
        byte[] payload = new byte[300];
        new Random(2).nextBytes(payload);
        byte[] wire = FrameCodec.encode(new Frame(FrameType.DATA, 0, 9, 1, payload));
        int accepted = 0;
        long crcFailures = 0;
        for (int i = 1; i < wire.length - 1; i++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] w = wire.clone();
                w[i] ^= (byte) (1 << bit);
                FrameReader r = new FrameReader();
                r.feed(w, 0, w.length);
                while (r.poll() != null) {
                    accepted++;
                }
                crcFailures += r.badCrc();
            }
        }
        assertEquals(0, accepted, "no damaged frame is accepted");
        assertTrue(crcFailures > 0, "most flips are caught by the CRC (others break the COBS structure)");
    }

    @Test
    void oversizeRunsAreSkippedWithBoundedMemory() {
        FrameReader r = new FrameReader();
        byte[] flood = new byte[100_000];
        java.util.Arrays.fill(flood, (byte) 0x55);
        r.feed(flood, 0, flood.length);
        assertTrue(r.bufferedBytes() <= Protocol.MAX_ENCODED_FRAME, "reader holds at most one encoded frame");
        byte[] ok = FrameCodec.encode(Frame.of(FrameType.HELLO, 0, 1));
        r.feed(ok, 0, ok.length);
        assertEquals(1, r.oversize());
        assertEquals(FrameType.HELLO, r.poll().type());
    }

    @Test
    void validCrcWithLyingLengthOrUnknownTypeIsDiscarded() {
        byte[] raw = new byte[Protocol.HEADER_LENGTH + 4 + Protocol.CRC_LENGTH];
        raw[0] = (byte) FrameType.DATA.code;
        raw[2] = 9; // says 9 payload bytes, carries 4
        putCrc(raw);
        FrameReader r = new FrameReader();
        feedRaw(r, raw);
        assertEquals(1, r.malformed());
        raw[0] = 0x7F;
        raw[2] = 4;
        putCrc(raw);
        feedRaw(r, raw);
        assertEquals(1, r.unknownType());
        assertNull(r.poll());
    }

    private static void putCrc(byte[] raw) {
        long crc = FrameCodec.crc(raw, raw.length - 4);
        for (int i = 0; i < 4; i++) {
            raw[raw.length - 4 + i] = (byte) (crc >>> (8 * i));
        }
    }

    private static void feedRaw(FrameReader r, byte[] raw) {
        byte[] c = Cobs.encode(raw, 0, raw.length);
        r.feed(new byte[] {0}, 0, 1);
        r.feed(c, 0, c.length);
        r.feed(new byte[] {0}, 0, 1);
    }

    @Test
    void crcIsZlibCrc32LittleEndianAtTheEnd() {
        // Known answer: CRC-32 of "123456789" is 0xCBF43926 (documented check value).
        assertEquals(0xCBF43926L, FrameCodec.crc("123456789".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 9));
    }
}
