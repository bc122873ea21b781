package org.iotasign.seriallink;

import java.io.Closeable;
import java.io.IOException;

/**
 * A full-duplex byte transport between bridge and signer: a serial port, or a pipe in
 * memory. Bytes may be lost or damaged; the protocol above copes with that. An
 * IOException means the transport itself is gone (cable or adapter unplugged, closed).
 */
public interface Link extends Closeable {
    /**
     * Waits up to {@code timeoutMillis} for bytes and returns how many were copied into
     * {@code buf}; 0 when none arrived in time.
     */
    int read(byte[] buf, int timeoutMillis) throws IOException;

    /** Sends the bytes; may block while the line drains. */
    void write(byte[] data) throws IOException;

    /** A short name for messages, e.g. the port path. */
    String name();

    @Override
    void close();
}
