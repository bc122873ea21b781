package org.iotasign.testing;

import java.io.IOException;
import java.nio.file.Path;

import org.iotasign.devsim.NorFlash;
import org.iotasign.devsim.VirtualEsp8266;
import org.iotasign.espflash.FlashSession;
import org.iotasign.espflash.JSerialCommTransport;
import org.iotasign.espflash.SerialTransport;

/** A virtual ESP8266 on the device end of a fresh socat pty pair; tests open {@link #port()}. */
public final class VirtualDevice implements AutoCloseable {
    public final SocatPty pty;
    public final VirtualEsp8266 device;
    public final NorFlash flash;
    private final SerialTransport deviceEnd;

    public VirtualDevice(Path dir, NorFlash flash, VirtualEsp8266.Config config) throws IOException, InterruptedException {
        this.pty = new SocatPty(dir);
        this.flash = flash;
        this.deviceEnd = JSerialCommTransport.open(pty.device(), FlashSession.ROM_BAUD);
        this.device = new VirtualEsp8266(deviceEnd, flash, config);
        device.start();
    }

    /** The host end, for --port. */
    public String port() {
        return pty.host();
    }

    @Override
    public void close() {
        device.close();
        deviceEnd.close();
        pty.close();
    }
}
