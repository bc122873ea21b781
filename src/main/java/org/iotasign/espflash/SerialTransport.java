package org.iotasign.espflash;

import java.io.Closeable;
import java.io.IOException;

/**
 * A byte pipe to a device: a real serial port, a pseudo-terminal, or an in-memory pipe in
 * tests. The ROM-loader protocol runs over any of them.
 */
public interface SerialTransport extends Closeable {
    /** Writes all bytes; IOException when the port is gone. */
    void write(byte[] data) throws IOException;

    /**
     * Reads what is available into {@code buf}, waiting at most {@code timeoutMs} for the
     * first byte. Returns 0 on timeout; IOException when the port is gone.
     */
    int read(byte[] buf, int timeoutMs) throws IOException;

    /** Throws away bytes received but not read yet. */
    void discardInput() throws IOException;

    void setBaud(int baud) throws IOException;

    int baud();

    /** Asserts (true: pin at 0 V) or releases DTR; ModemLinesUnavailableException on ptys. */
    void setDtr(boolean asserted) throws IOException;

    /** Asserts (true: pin at 0 V) or releases RTS; ModemLinesUnavailableException on ptys. */
    void setRts(boolean asserted) throws IOException;

    /** A name for messages, e.g. the port path. */
    String name();

    @Override
    void close();

    /** The port has no DTR/RTS lines (a pseudo-terminal, or an adapter without them). */
    final class ModemLinesUnavailableException extends IOException {
        private static final long serialVersionUID = 1L;

        public ModemLinesUnavailableException(String message) {
            super(message);
        }
    }
}
