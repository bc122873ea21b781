package org.iotasign.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/** gzip-compressed firmware for tests. */
public final class GzipImages {
    private GzipImages() {
    }

    /** gzip with stored (uncompressed) deflate blocks, so an embedded key stays visible to the key scan. */
    public static byte[] stored(byte[] data) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(b) {
            {
                def.setLevel(Deflater.NO_COMPRESSION);
            }
        }) {
            g.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return b.toByteArray();
    }
}
