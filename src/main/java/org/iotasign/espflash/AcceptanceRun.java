package org.iotasign.espflash;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.iotasign.EnvironmentException;
import org.iotasign.RejectedException;
import org.iotasign.site.DeviceJson;
import org.iotasign.site.SiteLayout;


/**
 * The device-in-the-loop acceptance check: flash the OLD release's firmware, watch it boot
 * with its version, and watch it take NEW from the update site (signature verified,
 * upgraded, rebooted into NEW) — or, for a tampered NEW, refuse it. Each step is reported
 * with the time it took.
 */
public final class AcceptanceRun {
    /**
     * @param toBlob        the bytes of NEW exactly as the site must serve them
     * @param expectRefusal NEW is tampered: the device must say "Signature does not verify"
     */
    public record Plan(String fromVersion, String toVersion, byte[] toBlob, String updateClass, Path site, URI server,
                       boolean expectRefusal, long watchTimeoutMs) {
    }

    /** One step: what, whether it passed, how long it took. */
    public record Step(String name, boolean passed, long millis) {
    }

    public record Report(List<Step> steps, boolean passed, String reason, byte[] transcript) {
    }

    private AcceptanceRun() {
    }

    /** Checks the site, then opens the port and runs the steps on it (one port for flashing and the console). */
    public static Report run(Plan plan, FlashSession.Request flash, FlashSession.PortOpener opener, PrintWriter out, boolean terminal) {
        List<Step> steps = new ArrayList<>();
        long t0 = System.nanoTime();
        checkSite(plan);
        steps.add(report(out, new Step("site serves " + plan.toVersion() + " for class " + plan.updateClass(), true, ms(t0))));
        try (SerialTransport port = opener.open(flash.port(), flash.baud())) {
            return watch(plan, flash, port, steps, out, terminal);
        }
    }

    private static Report watch(Plan plan, FlashSession.Request flash, SerialTransport port, List<Step> steps, PrintWriter out,
                                boolean terminal) {

        long t1 = System.nanoTime();
        FlashSession.Summary s = FlashSession.run(flash, port, out, terminal);
        out.println(s.describe());
        steps.add(report(out, new Step("flash " + plan.fromVersion(), true, ms(t1))));

        List<String> expect = new ArrayList<>();
        List<String> names = new ArrayList<>();
        expect.add("Firmware version " + plan.fromVersion());
        names.add("boots " + plan.fromVersion());
        expect.add("Updater: Update from " + plan.fromVersion() + " to " + plan.toVersion());
        names.add("asks for " + plan.toVersion());
        List<String> reject = new ArrayList<>(List.of("unknown firmware", "Release file format error", "release file header invalid",
                "Update rejected, no signature", "update failed"));
        if (plan.expectRefusal()) {
            expect.add("Updater: Signature does not verify.");
            names.add("refuses the tampered " + plan.toVersion());
            reject.add("Updater: signature verified");
            reject.add("firmware upgraded");
        } else {
            expect.add("Updater: signature verified");
            names.add("signature verified");
            expect.add("Updater: firmware upgraded to version " + plan.toVersion());
            names.add("upgraded to " + plan.toVersion());
            expect.add("Firmware version " + plan.toVersion());
            names.add("reboots into " + plan.toVersion());
            reject.add("Signature does not verify");
        }
        long[] last = {System.nanoTime()};
        ConsoleMonitor m = new ConsoleMonitor(port, expect, reject, line -> {
            out.println("| " + line);
            out.flush();
        }).withPending(s.consoleAfter()).onExpectationMet(i -> {
            long now = System.nanoTime();
            steps.add(report(out, new Step(names.get(i), true, (now - last[0]) / 1_000_000)));
            last[0] = now;
        });
        ConsoleMonitor.Result r;
        try {
            r = m.run(plan.watchTimeoutMs());
        } catch (IOException e) {
            throw new EnvironmentException("lost the console on " + port.name() + ": " + e.getMessage() + ": check the cable and port");
        }
        if (!r.passed()) {
            int done = steps.size() - 2;
            if (done < names.size()) {
                steps.add(report(out, new Step(names.get(done), false, (System.nanoTime() - last[0]) / 1_000_000)));
            }
        }
        return new Report(steps, r.passed(), r.reason(), r.transcript());
    }

    private static Step report(PrintWriter out, Step s) {
        out.printf(Locale.ROOT, "[%s] %s (%.1f s)%n", s.passed() ? "ok" : "FAILED", s.name(), s.millis() / 1000.0);
        out.flush();
        return s;
    }

    private static long ms(long since) {
        return (System.nanoTime() - since) / 1_000_000;
    }

    /**
     * The update site must offer NEW to the device's class, with exactly the bytes given:
     * in the folder, and from the server when one is named.
     */
    static void checkSite(Plan plan) {
        SiteLayout layout = new SiteLayout(plan.site());
        Path versions = layout.versionsJson();
        Path bin = layout.blob(plan.toVersion());
        try {
            if (!Files.isRegularFile(versions)) {
                throw new RejectedException("site " + plan.site() + " has no firmware/versions.json: publish " + plan.toVersion() + " to it first");
            }
            checkOffer(Files.readAllBytes(versions), Files.isRegularFile(bin) ? Files.readAllBytes(bin) : null, plan, "site " + plan.site());
        } catch (IOException e) {
            throw new EnvironmentException("cannot read site " + plan.site() + ": " + e.getMessage());
        }
        if (plan.server() != null) {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            byte[] v = fetch(http, plan.server().resolve(SiteLayout.VERSIONS_PATH));
            byte[] b = fetch(http, plan.server().resolve(SiteLayout.VERSIONS_DIR + plan.toVersion() + ".bin"));
            checkOffer(v, b, plan, "update server " + plan.server());
        }
    }

    private static void checkOffer(byte[] versionsJson, byte[] served, Plan plan, String where) {
        // Read as the device reads it (ArduinoJson semantics), not as a lenient parser would.
        String offered = DeviceJson.parseObject(versionsJson).flatMap(o -> o.object("classes"))
                .map(c -> c.string(plan.updateClass())).orElse(null);
        if (offered == null || !offered.equals(plan.toVersion())) {
            throw new RejectedException(where + " offers " + (offered != null ? offered : "nothing") + " to class "
                    + plan.updateClass() + ", not " + plan.toVersion() + ": publish " + plan.toVersion() + " for that class first");
        }
        if (served == null || !Arrays.equals(served, plan.toBlob())) {
            throw new RejectedException(where + " does not serve the given " + plan.toVersion() + " release byte for byte at firmware/bin/"
                    + plan.toVersion() + ".bin: publish that file");
        }
    }

    private static byte[] fetch(HttpClient http, URI uri) {
        try {
            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            return r.statusCode() == 200 ? r.body() : null;
        } catch (IOException e) {
            throw new EnvironmentException("cannot reach the update server at " + uri + ": " + e.getMessage() + ": start it (iotasign serve)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EnvironmentException("interrupted while asking " + uri);
        }
    }
}
