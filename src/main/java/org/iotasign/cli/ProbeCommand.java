package org.iotasign.cli;

import java.io.PrintWriter;
import java.net.URI;
import java.util.Optional;
import java.util.concurrent.Callable;

import org.iotasign.UsageException;
import org.iotasign.io.TerminalText;
import org.iotasign.site.DeviceProbe;
import org.iotasign.site.UpdateClass;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "probe", mixinStandardHelpOptions = true,
        header = "Poll an update server exactly as a device's updater would.",
        description = {"Poll an update server exactly as a device's updater would: GET /firmware/versions.json, parse it",
                "with the device's parser, compare the class's version with --current (string inequality), download",
                "/firmware/bin/<version>.bin, verify it the device's way with --pubkey, then fetch the advertised tables.",
                "Prints the device's log lines (the probe's own remarks start with 'probe:') and a verdict.",
                "Exit 0 only if a device would install the update, or with --expect-current, is correctly current."})
final class ProbeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--server", required = true, paramLabel = "URL",
            description = "The update host as the firmware's IOTA_UPDATE_HOST names it, e.g. http://127.0.0.1:8080; a path is put before every request path (a bucket in path style: http://HOST:PORT/BUCKET/PREFIX).")
    String server;

    @Option(names = "--class", required = true, paramLabel = "CLASS",
            description = "The device's auto-update class: MAJOR, MINOR, BETA, ALPHA or TEST.")
    String updateClass;

    @Option(names = "--current", required = true, paramLabel = "VERSION",
            description = "The firmware version the device runs (IOTAWATT_VERSION), e.g. 02_08_04.")
    String current;

    @Option(names = "--pubkey", required = true, paramLabel = "KEY",
            description = "The public key compiled into the device's firmware: 64 hex digits, a file in hex, PEM, C-array or raw form, or a PKCS#11 URI (pkcs11:token=...;object=...).")
    String pubkey;

    @Option(names = "--expect-current",
            description = "Succeed when the device is up to date (no update offered) instead of when it would install one.")
    boolean expectCurrent;

    @Option(names = "--current-tables", paramLabel = "X.Y.Z",
            description = "Version of the device's /tables.txt (default: none, so any advertised tables are fetched).")
    String currentTables;

    @Override
    public Integer call() {
        URI uri;
        try {
            uri = URI.create(server);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--server " + server + " is not a URL: give it as http://HOST:PORT");
        }
        if (!"http".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new UsageException("--server " + server + " must be http://HOST[:PORT][/PATH]: devices speak plain HTTP only");
        }
        if (current.isEmpty()) {
            throw new UsageException("--current is empty: give the running firmware version, e.g. 02_08_04");
        }
        DeviceProbe.Options opts = new DeviceProbe.Options(uri, UpdateClass.parse(updateClass), current,
                KeyArguments.publicKey(pubkey), expectCurrent, Optional.ofNullable(currentTables));
        PrintWriter out = spec.commandLine().getOut();
        DeviceProbe.Outcome outcome = DeviceProbe.run(opts, line -> {
            out.println(TerminalText.line(line));
            out.flush();
        });
        out.println((outcome.success() ? "verdict: OK: " : "verdict: FAIL: ") + TerminalText.line(outcome.verdict()));
        out.flush();
        return outcome.success() ? Main.EXIT_OK : Main.EXIT_REJECTED;
    }
}
