package org.iotasign.seriallink;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.iotasign.EnvironmentException;
import org.iotasign.Hint;
import org.iotasign.io.PortWrites;

import com.fazecast.jSerialComm.SerialPort;
import com.fazecast.jSerialComm.SerialPortInvalidPortException;

/** A serial port (USB-serial adapter, UART, pseudo-terminal) through jSerialComm, 8N1, no flow control. */
public final class SerialPortLink implements Link {
    private final SerialPort port;
    private final String path;
    private int readTimeout = -1;

    private SerialPortLink(SerialPort port, String path) {
        this.port = port;
        this.path = path;
    }

    /**
     * Opens {@code path} at {@code baud}. A missing or busy port is an
     * {@link EnvironmentException} naming the port and what to check.
     */
    public static SerialPortLink open(String path, int baud) {
        if (!Files.exists(Path.of(path))) {
            throw new EnvironmentException("serial port " + path + " not found", Hint.NAME_PORT);
        }
        SerialPort port;
        try {
            // jSerialComm follows symbolic links itself only for some names; give it the real device.
            String device = Path.of(path).toRealPath().toString();
            port = SerialPort.getCommPort(device);
        } catch (SerialPortInvalidPortException | IOException e) {
            throw new EnvironmentException("serial port " + path + " cannot be used: " + e.getMessage(), Hint.CHECK_PORT);
        }
        port.setComPortParameters(baud, 8, SerialPort.ONE_STOP_BIT, SerialPort.NO_PARITY);
        port.setFlowControl(SerialPort.FLOW_CONTROL_DISABLED);
        if (!port.openPort(0)) {
            throw new EnvironmentException("serial port " + path + " cannot be opened (error " + port.getLastErrorCode()
                    + "): check that no other program uses it and that you may access it (group dialout)");
        }
        SerialPortLink link = new SerialPortLink(port, path);
        link.port.flushIOBuffers();
        return link;
    }

    @Override
    public int read(byte[] buf, int timeoutMillis) throws IOException {
        int timeout = Math.max(1, timeoutMillis);
        if (timeout != readTimeout) {
            port.setComPortTimeouts(SerialPort.TIMEOUT_READ_SEMI_BLOCKING | SerialPort.TIMEOUT_WRITE_BLOCKING, timeout, 0);
            readTimeout = timeout;
        }
        int n = port.readBytes(buf, buf.length);
        if (n < 0) {
            throw new IOException("serial port " + path + " failed (error " + port.getLastErrorCode() + ")");
        }
        return n;
    }

    @Override
    public void write(byte[] data) throws IOException {
        PortWrites.writeAll(data, port::writeBytes, path);
    }

    @Override
    public String name() {
        return path;
    }

    @Override
    public void close() {
        port.closePort();
    }
}
