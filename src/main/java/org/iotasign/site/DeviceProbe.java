package org.iotasign.site;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

import org.iotasign.EnvironmentException;
import org.iotasign.crypto.Ed25519PublicKey;
import org.iotasign.io.AtomicFile;

/**
 * Does what a device's updater does on one poll (updater.cpp, states getVersion to
 * waitTable), in its order and with its log lines, against a real server: GET
 * versions.json, parse it with the device's parser, compare the class's version with
 * the running one by string equality, download the blob, run the device's
 * verification, then check the tables the way the device would on that poll (after an
 * install, on the first poll after the restart). Lines the device would print are
 * printed as they are; the probe's own remarks start with {@code probe:}.
 */
public final class DeviceProbe {
    /** Stop reading a blob beyond this; a real release is a few hundred KiB. */
    static final long MAX_DOWNLOAD = 64L << 20;

    /**
     * @param server        base URL, e.g. http://127.0.0.1:8080 (what IOTA_UPDATE_HOST names)
     * @param updateClass   the device's auto-update class
     * @param current       the firmware version the device runs (IOTAWATT_VERSION)
     * @param key           the public key compiled into that firmware
     * @param expectCurrent success means "no update offered" rather than "update installed"
     * @param currentTables the version of the device's /tables.txt; empty for none
     */
    public record Options(URI server, UpdateClass updateClass, String current, Ed25519PublicKey key,
                          boolean expectCurrent, Optional<String> currentTables) {
    }

    /** The verdict: {@code success} is the exit-0 condition. */
    public record Outcome(boolean success, String verdict) {
    }

    private final Options opts;
    private final Consumer<String> out;
    private final HttpClient http;
    private final String base;

    private DeviceProbe(Options opts, Consumer<String> out) {
        this.opts = opts;
        this.out = out;
        // The device speaks plain HTTP/1.1 and does not follow redirects.
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
        String s = opts.server().toString();
        this.base = s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    public static Outcome run(Options opts, Consumer<String> out) {
        return new DeviceProbe(opts, out).poll();
    }

    private Outcome poll() {
        String cls = opts.updateClass().name();
        out.accept("probe: device running " + opts.current() + ", class " + cls + ", key " + opts.key().fingerprint()
                + ", tables " + opts.currentTables().orElse("(none)") + ", host " + base);
        out.accept("Updater: service started. Auto-update class is " + cls);
        Fetched versions = get(SiteLayout.VERSIONS_PATH, Duration.ofSeconds(10), null);
        if (versions.status != 200) {
            out.accept("Updater: Invalid response from server. HTTPcode: " + versions.status);
            return fail(versions.status == 403
                    ? "the server answers 403: the device postpones to its next hourly check"
                    : "versions.json answers " + versions.status + ": the device retries in about 5 minutes and never updates");
        }
        Optional<DeviceJson.Obj> response = DeviceJson.parseObject(versions.body);
        if (response.isEmpty()) {
            out.accept("Updater: could not parse versions.json file.");
            return fail("versions.json is not something the device's JSON parser accepts");
        }
        Optional<DeviceJson.Obj> classes = response.get().object("classes");
        if (classes.isEmpty()) {
            out.accept("Updater: versions.json is invalid.");
            return fail("versions.json has no \"classes\" object");
        }
        boolean installed = false;
        String runningAfter = opts.current();
        if (!classes.get().containsKey(cls)) {
            out.accept("Updater: Unrecognized auto-update class " + cls + ".");
            Outcome tables = checkTables(response.get());
            return fail("versions.json has no class " + cls + (tables.success() ? "" : "; also " + tables.verdict()));
        }
        String offered = classes.get().string(cls);
        if (offered == null) {
            out.accept("probe: class " + cls + " holds no string (null, a number-less object or an array): the device gets a null version and cannot build a download URL");
            return fail("class " + cls + " in versions.json is not a version string");
        }
        if (offered.equals(opts.current())) {
            out.accept("Updater: Auto-update is current for class " + cls + ".");
        } else {
            out.accept("Updater: Update from " + opts.current() + " to " + offered);
            if (opts.expectCurrent()) {
                out.accept("probe: --expect-current was given; checking the offered release anyway");
            }
            Outcome install = download(offered);
            if (!install.success()) {
                return install;
            }
            installed = true;
            runningAfter = offered;
            out.accept("probe: after the restart the device runs " + offered + "; on its next poll it reads the same versions.json:");
            out.accept("Updater: service started. Auto-update class is " + cls);
            out.accept("Updater: Auto-update is current for class " + cls + ".");
        }
        Outcome tables = checkTables(response.get());
        if (!tables.success()) {
            return tables;
        }
        if (opts.expectCurrent()) {
            return installed
                    ? fail("a device on " + opts.current() + " would update to " + runningAfter + ", but --expect-current says it should be current")
                    : new Outcome(true, "a device of class " + cls + " on " + opts.current() + " is correctly current");
        }
        return installed
                ? new Outcome(true, "a device of class " + cls + " on " + opts.current() + " would install " + runningAfter)
                : fail("no update offered: class " + cls + " is at " + offered + ", which the device already runs (use --expect-current to check for that)");
    }

    private Outcome download(String version) {
        out.accept("Updater: download " + version);
        String path = SiteLayout.VERSIONS_DIR + version + ".bin";
        Path file;
        try {
            file = Files.createTempFile("iotasign-probe-", ".bin");
        } catch (IOException e) {
            throw new EnvironmentException("cannot create a temporary file for the download: " + AtomicFile.describe(e));
        }
        try {
            long start = System.nanoTime();
            Fetched blob = get(path, Duration.ofSeconds(120), file);
            if (blob.status == -1) {
                out.accept("Updater: Cannot GET " + base + path + ".");
                return fail("the offered version '" + version + "' does not make a valid URL");
            }
            if (blob.status != 200) {
                out.accept("Updater: Download failed HTTPcode " + blob.status);
                return fail(path + " answers " + blob.status + ": the device deletes the download and tries again in an hour");
            }
            long ms = (System.nanoTime() - start) / 1_000_000;
            out.accept("Updater: Release downloaded " + ms + "ms, size " + blob.size);
            ReleaseCheck.Verdict verdict = ReleaseCheck.verify(file, opts.key(), version);
            verdict.deviceLog().forEach(out);
            verdict.problems().forEach(p -> out.accept("probe: " + p));
            if (!verdict.deviceAccepts()) {
                return fail("the device rejects release " + version + ": " + verdict.explanation());
            }
            out.accept("Updater: firmware upgraded to version " + version);
            out.accept("Updater: Firmware updated, restarting.");
            return new Outcome(true, "installed");
        } finally {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // A stray temp file is harmless.
            }
        }
    }

    /** updater.cpp after the class check: tables are fetched when newer than the device's. */
    private Outcome checkTables(DeviceJson.Obj response) {
        if (!response.containsKey("tables")) {
            out.accept("probe: versions.json advertises no tables");
            return new Outcome(true, "no tables");
        }
        int latest = TablesVersion.parse(response.string("tables"));
        int mine = opts.currentTables().map(TablesVersion::parse).orElse(TablesVersion.NONE);
        if (latest <= mine) {
            out.accept("probe: tables " + TablesVersion.display(latest) + " are not newer than the device's " + TablesVersion.display(mine));
            return new Outcome(true, "tables current");
        }
        out.accept("Updater: update tables from " + TablesVersion.display(mine) + " to " + TablesVersion.display(latest));
        String path = SiteLayout.TABLE_DIR + TablesVersion.display(latest) + ".txt";
        Fetched tables = get(path, Duration.ofSeconds(10), null);
        if (tables.status != 200) {
            out.accept("probe: " + path + " answers " + tables.status + "; the device logs nothing and tries again at its next poll");
            return fail("the advertised tables " + path + " cannot be downloaded (HTTP " + tables.status + ")");
        }
        int got = DeviceTables.version(tables.body);
        if (got != latest) {
            out.accept("probe: the downloaded tables read as version " + TablesVersion.display(got));
            return fail(path + " reads as version " + TablesVersion.display(got) + ", not " + TablesVersion.display(latest)
                    + ": devices download it again on every poll");
        }
        out.accept("probe: tables " + TablesVersion.display(latest) + " downloaded (" + tables.body.length + " bytes) and read back as that version");
        return new Outcome(true, "tables ok");
    }

    private Outcome fail(String why) {
        return new Outcome(false, why);
    }

    /** Status -1: not a valid URL. Body kept in memory unless {@code toFile} is given. */
    private record Fetched(int status, byte[] body, long size) {
    }

    private Fetched get(String path, Duration timeout, Path toFile) {
        URI uri;
        try {
            uri = URI.create(base + path);
        } catch (IllegalArgumentException e) {
            return new Fetched(-1, new byte[0], 0);
        }
        HttpRequest req = HttpRequest.newBuilder(uri).timeout(timeout).GET().build();
        try {
            HttpResponse<InputStream> resp = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
            out.accept("probe: GET " + uri + " -> " + resp.statusCode());
            try (InputStream in = resp.body()) {
                if (toFile == null || resp.statusCode() != 200) {
                    byte[] body = in.readNBytes((int) Math.min(MAX_DOWNLOAD, Integer.MAX_VALUE - 8));
                    return new Fetched(resp.statusCode(), body, body.length);
                }
                long size = 0;
                try (OutputStream file = Files.newOutputStream(toFile)) {
                    byte[] buf = new byte[64 * 1024];
                    for (int n; (n = in.read(buf)) > 0; ) {
                        size += n;
                        if (size > MAX_DOWNLOAD) {
                            throw new EnvironmentException(uri + " sends more than " + (MAX_DOWNLOAD >> 20) + " MiB: that is not a release blob");
                        }
                        file.write(buf, 0, n);
                    }
                }
                return new Fetched(200, new byte[0], size);
            }
        } catch (HttpTimeoutException e) {
            throw new EnvironmentException("GET " + uri + " timed out after " + timeout.toSeconds() + " s: check the server");
        } catch (ConnectException e) {
            throw new EnvironmentException("cannot connect to " + base + ": is the server running and --server right?");
        } catch (IOException e) {
            throw new EnvironmentException("GET " + uri + " failed: " + e + ": check the server");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EnvironmentException("interrupted while fetching " + uri);
        }
    }
}
