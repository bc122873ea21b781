package org.iotasign.espimage;

import java.io.ByteArrayOutputStream;

/** Independent, deliberately naive implementations the tests compare the main code against. */
final class Reference {
    private Reference() {
    }

    /** Bit-at-a-time CRC-32/MPEG-2 (MSB first, poly 0x04C11DB7, init 0xFFFFFFFF, no final XOR). */
    static int crcBitwise(byte[] data, int from, int to) {
        int crc = 0xFFFFFFFF;
        for (int i = from; i < to; i++) {
            for (int bit = 7; bit >= 0; bit--) {
                int in = (data[i] >> bit) & 1;
                int top = crc >>> 31;
                crc <<= 1;
                if ((top ^ in) != 0) {
                    crc ^= 0x04C11DB7;
                }
            }
        }
        return crc;
    }

    /** The firmware CRC as the build computes it: whole file, the words at 0x1010-0x1017 zeroed. */
    static int firmwareCrc(byte[] file) {
        byte[] copy = file.clone();
        for (int i = 0x1010; i < 0x1018; i++) {
            copy[i] = 0;
        }
        return crcBitwise(copy, 0, copy.length);
    }

    /** Rewrites the length and CRC words the way the build does, after a test edited the file. */
    static byte[] withFreshCrc(byte[] file) {
        byte[] out = file.clone();
        le32(out, 0x1010, out.length);
        le32(out, 0x1014, firmwareCrc(out));
        return out;
    }

    static int u32(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8 | (b[at + 2] & 0xff) << 16 | (b[at + 3] & 0xff) << 24;
    }

    static void le32(byte[] b, int at, long v) {
        for (int i = 0; i < 4; i++) {
            b[at + i] = (byte) (v >>> (8 * i));
        }
    }

    /** Hand-assembles one v1 image: header, segments {address, data}, zero padding, checksum. */
    static final class ImageBytes {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private int checksum = 0xEF;

        ImageBytes(int segments, int mode, int sizeFreq, long entry) {
            out.write(0xE9);
            out.write(segments);
            out.write(mode);
            out.write(sizeFreq);
            word(entry);
        }

        ImageBytes segment(long address, byte[] data) {
            word(address);
            word(data.length);
            out.writeBytes(data);
            for (byte b : data) {
                checksum ^= b & 0xff;
            }
            return this;
        }

        /** Pads with zeros so the checksum byte ends a 16-byte multiple and appends the checksum. */
        byte[] finish() {
            while (out.size() % 16 != 15) {
                out.write(0);
            }
            out.write(checksum);
            return out.toByteArray();
        }

        private void word(long v) {
            for (int i = 0; i < 4; i++) {
                out.write((int) (v >>> (8 * i)) & 0xff);
            }
        }
    }
}
