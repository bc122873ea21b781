package org.iotasign.selftest;

import java.util.ArrayList;
import java.util.List;

import com.fazecast.jSerialComm.SerialPort;

/** The serial ports the operating system offers, through jSerialComm (whose native library the jar carries). */
public final class SerialPorts {
    /** One port: its device path and what the system says it is. */
    public record Port(String path, String description) {
    }

    private SerialPorts() {
    }

    public static List<Port> list() {
        List<Port> out = new ArrayList<>();
        for (SerialPort p : SerialPort.getCommPorts()) {
            out.add(new Port(p.getSystemPortPath(), p.getPortDescription()));
        }
        out.sort((a, b) -> a.path().compareTo(b.path()));
        return out;
    }
}
