package org.iotasign.devsim;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

import org.iotasign.release.DeviceVerdict;
import org.iotasign.release.DeviceVerifier;
import org.iotasign.release.FirmwareLimit;
import org.iotasign.release.ReleaseBlob;
import org.iotasign.site.DeviceJson;


/**
 * What the IoTaWatt firmware in the virtual device's flash does after boot, as far as its
 * serial log shows: the boot line with its version, the files a previous update staged,
 * and the updater service (versions.json, download, the device's own unpack and
 * signature check, install, restart). Log lines are the device's (updater.cpp, Setup.cpp).
 */
final class IotaWattAppSim {
    /** How a run of the firmware ended. */
    sealed interface Outcome permits Restart, Halt {
    }

    /** The firmware installed a new image and restarts; {@code staged} is the version whose files to install at boot. */
    record Restart(String staged) implements Outcome {
    }

    record Halt() implements Outcome {
    }

    static final String HARDWARE = "5.0";

    private final NorFlash flash;
    private final FirmwareCatalog catalog;
    private final UpdaterConfig updater;
    private final Consumer<String> console;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    IotaWattAppSim(NorFlash flash, FirmwareCatalog catalog, UpdaterConfig updater, Consumer<String> console) {
        this.flash = flash;
        this.catalog = catalog;
        this.updater = updater;
        this.console = console;
    }

    /** Runs until the firmware restarts itself, or forever (until interrupted). */
    Outcome run(String stagedVersion) throws InterruptedException {
        Optional<FirmwareCatalog.Known> running = catalog.identify(flash);
        if (running.isEmpty()) {
            boolean empty = (flash.read(0, 1)[0] & 0xff) == 0xff;
            console.accept("devsim: unknown firmware in flash (" + (empty ? "the flash is empty" : "it matches no known release")
                    + "): nothing to run; flash a known release or give its blob with --release or --site");
            return halt();
        }
        String version = running.get().version();
        console.accept("IoTaWatt " + HARDWARE + ", Firmware version " + version);
        if (stagedVersion != null && stagedVersion.equals(version)) {
            console.accept("Updater: Installing update files for version " + version);
            for (String name : running.get().otherFiles()) {
                if (!name.equalsIgnoreCase("config.txt")) {
                    console.accept("Updater: Installing " + name);
                }
            }
            console.accept("Updater: Installation complete.");
        }
        if (updater == null) {
            return halt();
        }
        console.accept("Updater: service started. Auto-update class is " + updater.updateClass());
        boolean reportedCurrent = false;
        while (true) {
            Check c = check(version, reportedCurrent);
            reportedCurrent = c.reportedCurrent;
            if (c.restart != null) {
                return c.restart;
            }
            Thread.sleep(c.retry ? updater.retryDelay().toMillis() : updater.interval().toMillis());
        }
    }

    private record Check(Restart restart, boolean retry, boolean reportedCurrent) {
    }

    private Check check(String version, boolean reportedCurrent) throws InterruptedException {
        HttpResponse<byte[]> r = get(updater.versionsUri().toString());
        if (r == null) {
            return new Check(null, true, reportedCurrent);
        }
        if (r.statusCode() != 200) {
            console.accept("Updater: Invalid response from server. HTTPcode: " + r.statusCode());
            return new Check(null, r.statusCode() != 403, reportedCurrent);
        }
        // The device's own JSON parser (ArduinoJson semantics), shared with 'probe'.
        Optional<DeviceJson.Obj> root = DeviceJson.parseObject(r.body());
        if (root.isEmpty()) {
            console.accept("Updater: could not parse versions.json file.");
            return new Check(null, false, reportedCurrent);
        }
        Optional<DeviceJson.Obj> classes = root.get().object("classes");
        if (classes.isEmpty()) {
            console.accept("Updater: versions.json is invalid.");
            return new Check(null, false, reportedCurrent);
        }
        if (!classes.get().containsKey(updater.updateClass())) {
            console.accept("Updater: Unrecognized auto-update class " + updater.updateClass() + ".");
            return new Check(null, false, true);
        }
        String target = classes.get().string(updater.updateClass());
        if (target == null) {
            // as<char*>() of a non-string: the device builds no usable download URL.
            console.accept("devsim: class " + updater.updateClass() + " in versions.json holds no version string: the device cannot update");
            return new Check(null, false, true);
        }
        if (target.equals(version)) {
            if (!reportedCurrent) {
                console.accept("Updater: Auto-update is current for class " + updater.updateClass() + ".");
            }
            return new Check(null, false, true);
        }
        console.accept("Updater: Update from " + version + " to " + target);
        return new Check(download(target), false, false);
    }

    private Restart download(String target) throws InterruptedException {
        console.accept("Updater: download " + target);
        long t0 = System.nanoTime();
        HttpResponse<byte[]> r = get(updater.releaseUri(target).toString());
        if (r == null) {
            return null;
        }
        if (r.statusCode() != 200) {
            console.accept("Updater: Download failed HTTPcode " + r.statusCode());
            return null;
        }
        byte[] blob = r.body();
        console.accept("Updater: Release downloaded " + (System.nanoTime() - t0) / 1_000_000 + "ms, size " + blob.length);
        DeviceVerdict verdict = DeviceVerifier.verify(blob, updater.appKey(), target, FirmwareLimit.DEFAULT);
        verdict.deviceLog().forEach(console);
        if (!verdict.deviceAccepts() || verdict.blob().isEmpty()) {
            return null;
        }
        ReleaseBlob release = verdict.blob().get();
        install(release.firmware());
        catalog.add(release);
        console.accept("Updater: firmware upgraded to version " + target);
        console.accept("Updater: Firmware updated, restarting.");
        return new Restart(target);
    }

    /** The ESP8266 Updater stages the image and eboot copies it to 0 at the next boot; the end state is the same. */
    private void install(byte[] firmware) {
        flash.beginSession();
        flash.eraseSectors(0, (firmware.length + NorFlash.SECTOR - 1) / NorFlash.SECTOR);
        flash.program(0, firmware);
    }

    private HttpResponse<byte[]> get(String url) throws InterruptedException {
        try {
            return http.send(HttpRequest.newBuilder(java.net.URI.create(url)).timeout(Duration.ofSeconds(30)).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            console.accept("Updater: Cannot GET " + url + ".");
            return null;
        }
    }

    private static Outcome halt() throws InterruptedException {
        // Firmware that has nothing more to say still runs until the next reset.
        Thread.sleep(Long.MAX_VALUE);
        return new Halt();
    }
}
