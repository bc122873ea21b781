package org.iotasign.seriallink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One decoded frame. {@code transfer} and {@code seq} are unsigned 32-bit wire fields
 * held in an int; their meaning depends on the type (docs/serial-link.md).
 */
public record Frame(FrameType type, int flags, int transfer, int seq, byte[] payload) {
    /** ACK flag: a chunk arrived ahead of the next expected one (something was lost). */
    public static final int FLAG_GAP = 0x01;
    /** ANNOUNCE flag: continue a partial transfer of the same blob if the signer holds one. */
    public static final int FLAG_RESUME = 0x01;

    public Frame {
        if (payload.length > Protocol.MAX_PAYLOAD) {
            throw new IllegalArgumentException("payload of " + payload.length + " bytes exceeds " + Protocol.MAX_PAYLOAD);
        }
    }

    public static Frame of(FrameType type, int transfer, int seq) {
        return new Frame(type, 0, transfer, seq, new byte[0]);
    }

    public ByteBuffer payloadBuffer() {
        return ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Override
    public String toString() {
        return type + "[transfer=" + Integer.toUnsignedString(transfer) + " seq=" + Integer.toUnsignedString(seq)
                + " flags=" + flags + " payload=" + payload.length + "]";
    }
}
