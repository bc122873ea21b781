package org.iotasign.cli;

import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import org.iotasign.UsageException;
import org.iotasign.devsim.Faults;
import org.iotasign.devsim.FirmwareCatalog;
import org.iotasign.devsim.SerialLineTiming;
import org.iotasign.devsim.NorFlash;
import org.iotasign.devsim.PtyEndpoint;
import org.iotasign.devsim.UpdaterConfig;
import org.iotasign.devsim.VirtualEsp8266;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "devsim", mixinStandardHelpOptions = true,
        description = {"Run a virtual ESP8266 on a pseudo-terminal, for tests and demos without hardware.",
                "It starts in the ROM's download mode (as if GPIO0 were held low) and speaks the ROM serial loader",
                "(esptool --before no_reset --after no_reset --no-stub works against it). After FLASH_END or",
                "'flash --after soft_reset' it boots its flash: an IoTaWatt simulator for a known release, which",
                "prints its version and runs the device's update procedure. A SYNC sent while it runs stands for",
                "resetting it into download mode (a pty has no DTR/RTS). Runs until Ctrl-C / SIGTERM."})
final class DevsimCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--pty", required = true, paramLabel = "LINK",
            description = "Path for the device's serial port. If LINK exists it is opened as the device's end of a pty pair "
                    + "you made (socat pty,raw,echo=0,link=HOST pty,raw,echo=0,link=LINK); otherwise socat is started and "
                    + "LINK is the end to give to --port.")
    Path pty;

    @Option(names = "--flash-image", paramLabel = "FILE",
            description = "Flash contents: loaded at start when the file exists, saved on every FLASH_END, after each "
                    + "update and at exit. Without it the flash starts empty (all 0xFF) and is not kept.")
    Path flashImage;

    @Option(names = "--release", paramLabel = "FILE",
            description = "A signed release blob the device can recognise in its flash (repeatable).")
    List<Path> releases = new ArrayList<>();

    @Option(names = "--site", paramLabel = "DIR",
            description = "An update site folder: every release in DIR/firmware/bin is recognised.")
    Path site;

    @Option(names = "--update-server", paramLabel = "URL",
            description = "Update host the firmware asks (http://HOST:PORT); with --update-class and --app-pubkey.")
    URI updateServer;

    @Option(names = "--update-class", paramLabel = "CLASS",
            description = "The device's auto-update class: MAJOR, MINOR, BETA, ALPHA or TEST.")
    String updateClass;

    @Option(names = "--app-pubkey", paramLabel = "KEY",
            description = "The public key compiled into the simulated firmware, which verifies updates.")
    String appPubkey;

    @Option(names = "--update-interval", defaultValue = "3600", paramLabel = "S",
            description = "Seconds between update checks (device: 3600; a failed request is retried after 301).")
    long updateInterval;

    @Option(names = "--line-rate", defaultValue = "0", paramLabel = "BAUD",
            description = "Simulate a serial line at BAUD (10 bits per byte) for timing; 0 (default): as fast as the pty.")
    int lineRate;

    @Option(names = "--latency-ms", defaultValue = "0", paramLabel = "MS",
            description = "Simulated turnaround before each reply, in milliseconds (default 0).")
    double latencyMs;

    @Option(names = "--mac", defaultValue = "5c:cf:7f:10:20:30", paramLabel = "MAC",
            description = "The MAC address in the chip's OTP words.")
    String mac;

    @Option(names = "--trace", description = "Log every loader command on standard error.")
    boolean trace;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        UpdaterConfig updater = updaterConfig();
        byte[] macBytes = parseMac(mac);
        if (lineRate < 0 || latencyMs < 0) {
            throw new UsageException("--line-rate and --latency-ms must not be negative");
        }
        FirmwareCatalog catalog = FirmwareCatalog.of(releases, site);
        NorFlash flash = new NorFlash(NorFlash.DEFAULT_SIZE);
        if (flashImage != null && Files.exists(flashImage)) {
            flash.load(flashImage);
        }
        VirtualEsp8266.Config config = new VirtualEsp8266.Config(macBytes, new Faults(), new SerialLineTiming(lineRate, latencyMs),
                catalog, updater, flashImage, trace ? spec.commandLine().getErr() : null);
        PtyEndpoint endpoint = PtyEndpoint.open(pty);
        VirtualEsp8266 device = new VirtualEsp8266(endpoint.transport(), flash, config);
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            device.close();
            endpoint.close();
            stopped.countDown();
        }, "devsim-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        device.start();
        out.println("virtual ESP8266 on " + pty + (endpoint.createdPair() ? " (give this path to --port)" : "")
                + ", " + catalog.size() + " known release(s); stop with Ctrl-C");
        out.flush();
        stopped.await();
        return 0;
    }

    private UpdaterConfig updaterConfig() {
        int given = (updateServer != null ? 1 : 0) + (updateClass != null ? 1 : 0) + (appPubkey != null ? 1 : 0);
        if (given == 0) {
            return null;
        }
        if (given != 3) {
            throw new UsageException("--update-server, --update-class and --app-pubkey go together: give all three or none");
        }
        if (!"http".equals(updateServer.getScheme()) || updateServer.getHost() == null) {
            throw new UsageException("--update-server " + updateServer + " must be an http://HOST[:PORT] URL (the device has no TLS)");
        }
        return new UpdaterConfig(updateServer, updateClass, KeyArguments.publicKey(appPubkey),
                Duration.ofSeconds(Math.max(1, updateInterval)), Duration.ofSeconds(Math.min(301, Math.max(1, updateInterval))));
    }

    private static byte[] parseMac(String s) {
        String hex = s.replace(":", "").replace("-", "");
        if (!hex.matches("[0-9a-fA-F]{12}")) {
            throw new UsageException("--mac " + s + " is not a MAC address like 5c:cf:7f:10:20:30");
        }
        return HexFormat.of().parseHex(hex);
    }
}
