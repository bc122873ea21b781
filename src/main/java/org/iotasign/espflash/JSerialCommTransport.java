package org.iotasign.espflash;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.iotasign.EnvironmentException;
import org.iotasign.Hint;
import org.iotasign.io.PortWrites;

import com.fazecast.jSerialComm.SerialPort;

/** {@link SerialTransport} over a jSerialComm port: USB-serial adapters and pseudo-terminals alike. */
public final class JSerialCommTransport implements SerialTransport {
    private final SerialPort port;
    private final String name;
    private int readTimeoutMs = -1;
    private int baud;

    private JSerialCommTransport(SerialPort port, String name, int baud) {
        this.port = port;
        this.name = name;
        this.baud = baud;
    }

    /** Opens {@code path} at {@code baud}, 8N1, no flow control; EnvironmentException when it cannot. */
    public static JSerialCommTransport open(String path, int baud) {
        if (!Files.exists(Path.of(path))) {
            throw new EnvironmentException("port " + path + " not found", Hint.NAME_PORT);
        }
        SerialPort port;
        try {
            port = SerialPort.getCommPort(path);
        } catch (RuntimeException e) {
            throw new EnvironmentException("port " + path + " cannot be used: " + e.getMessage(), Hint.NAME_PORT);
        }
        port.setComPortParameters(baud, 8, SerialPort.ONE_STOP_BIT, SerialPort.NO_PARITY);
        port.setFlowControl(SerialPort.FLOW_CONTROL_DISABLED);
        if (!port.openPort(0)) {
            throw new EnvironmentException("port " + path + " cannot be opened (error " + port.getLastErrorCode()
                    + "): check that no other program uses it and that you may access it (group dialout)");
        }
        return new JSerialCommTransport(port, path, baud);
    }

    @Override
    public void write(byte[] data) throws IOException {
        PortWrites.writeAll(data, port::writeBytes, name);
    }

    @Override
    public int read(byte[] buf, int timeoutMs) throws IOException {
        int timeout = Math.max(1, timeoutMs);
        if (timeout != readTimeoutMs) {
            port.setComPortTimeouts(SerialPort.TIMEOUT_READ_SEMI_BLOCKING, timeout, 0);
            readTimeoutMs = timeout;
        }
        int n = port.readBytes(buf, buf.length);
        if (n < 0) {
            throw new IOException("port " + name + " disappeared while reading");
        }
        return n;
    }

    @Override
    public void discardInput() throws IOException {
        port.flushIOBuffers();
        // flushIOBuffers discards both directions on some platforms; nothing is pending out here.
    }

    @Override
    public void setBaud(int baud) throws IOException {
        if (!port.setBaudRate(baud)) {
            throw new IOException("port " + name + " refused baud rate " + baud);
        }
        this.baud = baud;
    }

    @Override
    public int baud() {
        return baud;
    }

    @Override
    public void setDtr(boolean asserted) throws IOException {
        if (!(asserted ? port.setDTR() : port.clearDTR())) {
            throw new ModemLinesUnavailableException("port " + name + " cannot drive DTR (error " + port.getLastErrorCode() + ")");
        }
    }

    @Override
    public void setRts(boolean asserted) throws IOException {
        if (!(asserted ? port.setRTS() : port.clearRTS())) {
            throw new ModemLinesUnavailableException("port " + name + " cannot drive RTS (error " + port.getLastErrorCode() + ")");
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void close() {
        port.closePort();
    }
}
