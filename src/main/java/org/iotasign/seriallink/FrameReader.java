package org.iotasign.seriallink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;

/**
 * Reassembles frames from the byte stream. Memory is bounded by one encoded frame: a
 * run without delimiter longer than {@link Protocol#MAX_ENCODED_FRAME} is counted as
 * oversize and skipped up to the next 0x00. Every discarded frame is counted by cause.
 */
public final class FrameReader {
    private final byte[] encoded = new byte[Protocol.MAX_ENCODED_FRAME];
    private final byte[] decoded = new byte[Protocol.MAX_FRAME];
    private int fill;
    private boolean overflow;
    private final Deque<Frame> ready = new ArrayDeque<>();
    private long badCrc;
    private long malformed;
    private long oversize;
    private long unknownType;

    /** Feeds received bytes; complete frames become available through {@link #poll()}. */
    public void feed(byte[] data, int off, int len) {
        for (int i = off; i < off + len; i++) {
            byte b = data[i];
            if (b == 0) {
                endOfFrame();
            } else if (overflow) {
                continue;
            } else if (fill == encoded.length) {
                overflow = true;
            } else {
                encoded[fill++] = b;
            }
        }
    }

    /** @return the next complete valid frame, or null */
    public Frame poll() {
        return ready.pollFirst();
    }

    private void endOfFrame() {
        if (overflow) {
            oversize++;
        } else if (fill > 0) {
            Frame f = parse();
            if (f != null) {
                ready.addLast(f);
            }
        }
        fill = 0;
        overflow = false;
    }

    private Frame parse() {
        int n = Cobs.decode(encoded, fill, decoded);
        if (n < Protocol.HEADER_LENGTH + Protocol.CRC_LENGTH) {
            malformed++;
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(decoded, 0, n).order(ByteOrder.LITTLE_ENDIAN);
        long crc = b.getInt(n - Protocol.CRC_LENGTH) & 0xFFFFFFFFL;
        if (crc != FrameCodec.crc(decoded, n - Protocol.CRC_LENGTH)) {
            badCrc++;
            return null;
        }
        int typeCode = b.get() & 0xFF;
        int flags = b.get() & 0xFF;
        int length = b.getShort() & 0xFFFF;
        int transfer = b.getInt();
        int seq = b.getInt();
        if (length != n - Protocol.HEADER_LENGTH - Protocol.CRC_LENGTH || length > Protocol.MAX_PAYLOAD) {
            malformed++;
            return null;
        }
        FrameType type = FrameType.of(typeCode);
        if (type == null) {
            unknownType++;
            return null;
        }
        byte[] payload = Arrays.copyOfRange(decoded, Protocol.HEADER_LENGTH, Protocol.HEADER_LENGTH + length);
        return new Frame(type, flags, transfer, seq, payload);
    }

    public long badCrc() {
        return badCrc;
    }

    public long malformed() {
        return malformed;
    }

    public long oversize() {
        return oversize;
    }

    public long unknownType() {
        return unknownType;
    }

    /** Bytes held for a frame not yet complete: never more than one encoded frame. */
    public int bufferedBytes() {
        return fill;
    }
}
