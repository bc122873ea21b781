package org.iotasign.seriallink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32;

/**
 * Turns frames into wire bytes: header, payload and CRC-32, COBS-encoded, with a 0x00
 * delimiter before and after so a frame survives garbage sent ahead of it.
 */
public final class FrameCodec {
    private FrameCodec() {
    }

    public static byte[] encode(Frame f) {
        byte[] raw = new byte[Protocol.HEADER_LENGTH + f.payload().length + Protocol.CRC_LENGTH];
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) f.type().code).put((byte) f.flags()).putShort((short) f.payload().length)
                .putInt(f.transfer()).putInt(f.seq()).put(f.payload());
        b.putInt((int) crc(raw, raw.length - Protocol.CRC_LENGTH));
        byte[] cobs = Cobs.encode(raw, 0, raw.length);
        byte[] wire = new byte[cobs.length + 2];
        System.arraycopy(cobs, 0, wire, 1, cobs.length);
        return wire;
    }

    /** CRC-32 (IEEE 802.3, reflected, as zlib) over the first {@code len} bytes. */
    static long crc(byte[] data, int len) {
        CRC32 c = new CRC32();
        c.update(data, 0, len);
        return c.getValue();
    }
}
