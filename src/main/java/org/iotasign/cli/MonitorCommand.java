package org.iotasign.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.iotasign.EnvironmentException;
import org.iotasign.UsageException;
import org.iotasign.espflash.ConsoleMonitor;
import org.iotasign.espflash.JSerialCommTransport;
import org.iotasign.espflash.SerialTransport;
import org.iotasign.io.AtomicFile;
import org.iotasign.io.TerminalText;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "monitor", mixinStandardHelpOptions = true,
        header = "Watch a device's serial console until the expected lines appear.",
        description = {"Watch a device's serial console. Exits 0 as soon as every --expect text has appeared, in the",
                "order given, with no --reject text before; 1 when a --reject text appears or --timeout passes first.",
                "Texts match anywhere in a line, so the ROM's 74880-baud boot noise does not hide them. Without --expect,",
                "watches until --timeout and exits 0 unless a --reject text appeared."})
final class MonitorCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--port", required = true, paramLabel = "DEV", description = "Serial port of the device's console.")
    String port;

    @Option(names = "--baud", defaultValue = "115200", paramLabel = "BAUD", description = "Console rate (default 115200, the IoTaWatt's).")
    int baud;

    @Option(names = "--expect", paramLabel = "TEXT", description = "Text that must appear (repeatable; in this order).")
    List<String> expect = new ArrayList<>();

    @Option(names = "--reject", paramLabel = "TEXT", description = "Text that must not appear (repeatable).")
    List<String> reject = new ArrayList<>();

    @Option(names = "--timeout", defaultValue = "60", paramLabel = "S", description = "Seconds to watch at most (default 60).")
    double timeout;

    @Option(names = "--transcript", paramLabel = "FILE", description = "Save the bytes received, exactly as received, to FILE.")
    Path transcript;

    @Option(names = "--force", description = "Replace an existing --transcript file.")
    boolean force;

    @Override
    public Integer call() {
        if (timeout <= 0) {
            throw new UsageException("--timeout must be a positive number of seconds");
        }
        if (transcript != null && Files.exists(transcript) && !force) {
            throw new UsageException(transcript + " already exists: choose another --transcript or pass --force to replace it");
        }
        PrintWriter out = spec.commandLine().getOut();
        ConsoleMonitor.Result r;
        try (SerialTransport t = JSerialCommTransport.open(port, baud)) {
            ConsoleMonitor m = new ConsoleMonitor(t, expect, reject, line -> {
                out.println("| " + TerminalText.line(line));
                out.flush();
            });
            r = m.run((long) (timeout * 1000));
        } catch (IOException e) {
            throw new EnvironmentException("lost the console on " + port + ": " + e.getMessage() + ": check the cable and --port");
        }
        if (transcript != null) {
            AtomicFile.write(transcript, r.transcript(), force);
        }
        out.println((r.passed() ? "PASS: " : "FAIL: ") + TerminalText.line(r.reason()));
        out.flush();
        return r.passed() ? 0 : 1;
    }
}
