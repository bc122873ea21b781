package org.iotasign.release;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Sequential reads of a blob, as the device's SD-card File reads it: 0 at end of file. */
interface ByteSource extends Closeable {
    long size();

    /** Reads up to {@code len} bytes; returns how many were read (0 at end of file, never -1). */
    int read(byte[] b, int off, int len) throws IOException;

    static ByteSource of(byte[] bytes) {
        return new ByteSource() {
            private int pos;

            @Override
            public long size() {
                return bytes.length;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                int n = Math.min(len, bytes.length - pos);
                System.arraycopy(bytes, pos, b, off, n);
                pos += n;
                return n;
            }

            @Override
            public void close() {
            }
        };
    }

    static ByteSource open(Path path) throws IOException {
        long size = Files.size(path);
        InputStream in = new BufferedInputStream(Files.newInputStream(path), 64 * 1024);
        return new ByteSource() {
            @Override
            public long size() {
                return size;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int total = 0;
                while (total < len) {
                    int n = in.read(b, off + total, len - total);
                    if (n < 0) {
                        break;
                    }
                    total += n;
                }
                return total;
            }

            @Override
            public void close() throws IOException {
                in.close();
            }
        };
    }
}
