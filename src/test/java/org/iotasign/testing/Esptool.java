package org.iotasign.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Espressif's esptool, when the environment names one: ESPTOOL holds the command, e.g.
 * {@code esptool.py} or {@code /usr/bin/python3 /path/to/esptool.py} (needs pyserial).
 */
public final class Esptool {
    private Esptool() {
    }

    public static boolean available() {
        String cmd = System.getenv("ESPTOOL");
        return cmd != null && !cmd.isBlank();
    }

    /** What a run printed, its exit code, and the write time esptool reported ("in X seconds"). */
    public record Run(int exit, String output, double writeSeconds) {
    }

    public static Run run(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(Arrays.asList(System.getenv("ESPTOOL").trim().split("\\s+")));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(600, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        String text = new String(out, StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("Wrote \\d+ bytes.* in ([0-9.]+) seconds").matcher(text);
        return new Run(p.exitValue(), text, m.find() ? Double.parseDouble(m.group(1)) : Double.NaN);
    }
}
