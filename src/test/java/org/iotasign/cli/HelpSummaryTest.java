package org.iotasign.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import picocli.CommandLine;

/**
 * {@code iotasign --help} (and {@code iotasign COMMAND --help}) lists each command with the
 * first line of its header, or of its description when it has none: that line must be a
 * complete sentence of its own, never the start of a longer one.
 */
class HelpSummaryTest {
    static final int MAX = 100;

    static void collect(String path, CommandLine cl, List<String> bad) {
        for (Map.Entry<String, CommandLine> e : cl.getSubcommands().entrySet()) {
            CommandLine sub = e.getValue();
            String name = path + " " + e.getKey();
            if (sub.getCommand() instanceof CommandLine.HelpCommand) {
                continue;
            }
            CommandLine.Model.UsageMessageSpec usage = sub.getCommandSpec().usageMessage();
            String[] lines = usage.header().length > 0 ? usage.header() : usage.description();
            String summary = lines.length == 0 ? "" : lines[0].strip();
            if (summary.isEmpty() || !summary.endsWith(".") || summary.length() > MAX || summary.endsWith(":")) {
                bad.add(name + ": '" + summary + "'");
            }
            collect(name, sub, bad);
        }
    }

    @Test
    void everyCommandAndSubcommandHasAOneLineSummaryThatStandsAlone() {
        List<String> bad = new ArrayList<>();
        collect("iotasign", Main.commandLine(), bad);
        assertTrue(bad.isEmpty(), "summaries that do not stand alone as one sentence of at most " + MAX + " characters:\n"
                + String.join("\n", bad));
    }
}
