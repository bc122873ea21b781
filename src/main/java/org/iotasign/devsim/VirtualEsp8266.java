package org.iotasign.devsim;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;

import org.iotasign.espflash.RomLoader;
import org.iotasign.espflash.SerialTransport;
import org.iotasign.espflash.Slip;

/**
 * A virtual ESP8266 on a serial transport (normally one end of a pseudo-terminal pair).
 * It starts in the ROM's download mode, as a board powered up with GPIO0 held low. After
 * FLASH_END it boots what its flash holds: the IoTaWatt application simulator for a
 * known release, or an "unknown firmware" line. A pty has no DTR/RTS, so a SYNC frame
 * received while the application runs stands for the operator's reset into download
 * mode (GPIO0 low, EN pulsed): the device prints the ROM banner and becomes the loader.
 */
public final class VirtualEsp8266 implements AutoCloseable {
    /** What runs on the chip. */
    private enum Mode { LOADER, APPLICATION }

    /**
     * @param flashImage file saved on every FLASH_END and at close; null for none
     * @param updater    the firmware's update settings; null: the firmware never updates
     * @param trace      where to log each command (null: quiet)
     */
    public record Config(byte[] mac, Faults faults, SerialLineTiming line, FirmwareCatalog catalog, UpdaterConfig updater,
                         Path flashImage, PrintWriter trace) {
        public static Config basic(FirmwareCatalog catalog) {
            return new Config(DEFAULT_MAC, new Faults(), SerialLineTiming.INSTANT, catalog, null, null, null);
        }

        public Config withFaults(Faults f) {
            return new Config(mac, f, line, catalog, updater, flashImage, trace);
        }

        public Config withLine(SerialLineTiming l) {
            return new Config(mac, faults, l, catalog, updater, flashImage, trace);
        }

        public Config withUpdater(UpdaterConfig u) {
            return new Config(mac, faults, line, catalog, u, flashImage, trace);
        }

        public Config withFlashImage(Path p) {
            return new Config(mac, faults, line, catalog, updater, p, trace);
        }
    }

    public static final byte[] DEFAULT_MAC = {0x5c, (byte) 0xcf, 0x7f, 0x10, 0x20, 0x30};

    private final SerialTransport port;
    private final NorFlash flash;
    private final Config config;
    private final RomLoaderSim rom;
    private final Object writeLock = new Object();
    private volatile Mode mode = Mode.LOADER;
    private volatile boolean running;
    private Thread loop;
    private Thread app;

    public VirtualEsp8266(SerialTransport port, NorFlash flash, Config config) {
        this.port = port;
        this.flash = flash;
        this.config = config;
        this.rom = new RomLoaderSim(flash, config.faults(), config.mac());
    }

    public NorFlash flash() {
        return flash;
    }

    /** Number of FLASH_DATA requests received, including re-sent blocks. */
    public long flashBlocksReceived() {
        return rom.flashBlocksReceived();
    }

    /** Powers on in download mode and starts serving the port. */
    public synchronized void start() {
        running = true;
        banner(1, 1);
        loop = new Thread(this::serve, "devsim-serial");
        loop.setDaemon(true);
        loop.start();
    }

    private void serve() {
        Slip.Decoder decoder = new Slip.Decoder();
        byte[] buf = new byte[4096];
        long firstByteAt = -1;
        while (running) {
            int n;
            try {
                n = port.read(buf, 100);
            } catch (IOException e) {
                if (running) {
                    trace("port closed: " + e.getMessage());
                }
                return;
            }
            long arrived = System.nanoTime();
            for (int i = 0; i < n; i++) {
                if (firstByteAt < 0) {
                    firstByteAt = arrived;
                }
                byte[] frame = decoder.feed(buf[i]);
                if (frame != null) {
                    onFrame(frame, firstByteAt);
                    firstByteAt = -1;
                }
            }
        }
    }

    /** @param startedAt when the frame's first byte arrived: its simulated time on the wire starts there */
    private void onFrame(byte[] frame, long startedAt) {
        if (mode == Mode.APPLICATION) {
            if (frame.length >= 2 && frame[0] == 0 && (frame[1] & 0xff) == RomLoader.SYNC) {
                stopApp();
                mode = Mode.LOADER;
                trace("SYNC while the application runs: reset into download mode");
                banner(2, 1);
            }
            return;
        }
        RomLoaderSim.Result result = rom.handle(frame);
        trace(String.format(Locale.ROOT, "op 0x%02x, %d bytes -> %d replies", frame.length > 1 ? frame[1] & 0xff : -1,
                frame.length, result.replies().size()));
        SerialLineTiming line = config.line();
        long due = startedAt + line.wireNanos(Slip.encode(frame).length) + line.latencyNanos();
        for (byte[] reply : result.replies()) {
            byte[] wire = Slip.encode(reply);
            due += line.wireNanos(wire.length);
            waitUntil(due);
            send(wire);
        }
        if (result.after() != RomLoaderSim.AfterReply.NONE) {
            saveFlash();
            if (result.after() == RomLoaderSim.AfterReply.REBOOT) {
                banner(2, 3);
            }
            startApp(null);
        }
    }

    private void startApp(String staged) {
        mode = Mode.APPLICATION;
        IotaWattAppSim sim = new IotaWattAppSim(flash, config.catalog(), config.updater(), this::println);
        Thread t = new Thread(() -> {
            String pending = staged;
            try {
                while (running) {
                    IotaWattAppSim.Outcome o = sim.run(pending);
                    if (!(o instanceof IotaWattAppSim.Restart r)) {
                        return;
                    }
                    pending = r.staged();
                    saveFlash();
                    banner(2, 3);
                }
            } catch (InterruptedException e) {
                // Reset or power-off: the firmware stops where it is.
            }
        }, "devsim-app");
        t.setDaemon(true);
        synchronized (this) {
            app = t;
        }
        t.start();
    }

    private void stopApp() {
        Thread t;
        synchronized (this) {
            t = app;
            app = null;
        }
        if (t != null) {
            t.interrupt();
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * The ROM's first line. Boot mode 1 is UART download (GPIO0 low), 3 is boot from flash,
     * which continues with the loader's lines for the image at offset 0.
     */
    private void banner(int rstCause, int bootMode) {
        StringBuilder sb = new StringBuilder();
        sb.append("\r\n ets Jan  8 2013,rst cause:").append(rstCause).append(", boot mode:(").append(bootMode).append(",7)\r\n\r\n");
        if (bootMode == 3) {
            byte[] all = flash.read(0, Math.min(flash.size(), 0x10000));
            if ((all[0] & 0xff) == 0xE9) {
                int segments = Math.min(all[1] & 0xff, 16);
                int at = 8;
                for (int s = 0; s < segments && at + 8 <= all.length; s++) {
                    long addr = le(all, at);
                    long len = le(all, at + 4);
                    sb.append(String.format(Locale.ROOT, "load 0x%08x, len %d, room 16 \r\n", addr, len));
                    at += 8 + (int) Math.min(len, all.length);
                }
            }
        }
        send(sb.toString().getBytes(StandardCharsets.US_ASCII));
    }

    private void println(String line) {
        send((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
    }

    private void send(byte[] bytes) {
        synchronized (writeLock) {
            try {
                port.write(bytes);
            } catch (IOException e) {
                trace("cannot write: " + e.getMessage());
            }
        }
    }

    private void saveFlash() {
        if (config.flashImage() != null) {
            flash.save(config.flashImage());
        }
    }

    private void trace(String message) {
        PrintWriter t = config.trace();
        if (t != null) {
            t.println("devsim: " + message);
            t.flush();
        }
    }

    private static void waitUntil(long deadline) {
        long left;
        while ((left = deadline - System.nanoTime()) > 0) {
            LockSupport.parkNanos(left);
        }
    }

    private static long le(byte[] d, int at) {
        return (d[at] & 0xffL) | (d[at + 1] & 0xffL) << 8 | (d[at + 2] & 0xffL) << 16 | (d[at + 3] & 0xffL) << 24;
    }

    /** Stops serving, stops the firmware, and saves the flash image. */
    @Override
    public void close() {
        running = false;
        stopApp();
        Thread l;
        synchronized (this) {
            l = loop;
        }
        if (l != null) {
            try {
                l.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        saveFlash();
    }
}
