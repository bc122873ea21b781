package org.iotasign.seriallink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.api.Test;

class ProgressPrinterTest {
    @Test
    void offATerminalItPrintsOnePlainLinePerTenth() {
        StringWriter s = new StringWriter();
        ProgressPrinter p = new ProgressPrinter(new PrintWriter(s), false, "sending");
        for (long done = 0; done <= 100_000; done += 1000) {
            p.update(done, 100_000);
        }
        p.finish();
        String[] lines = s.toString().split("\n");
        assertEquals(11, lines.length, s.toString());
        assertTrue(lines[10].startsWith("sending: 100% (100000 of 100000 bytes"), lines[10]);
        assertTrue(!s.toString().contains("\r"));
    }

    @Test
    void onATerminalItRedrawsOneBarWithRateAndEta() {
        StringWriter s = new StringWriter();
        ProgressPrinter p = new ProgressPrinter(new PrintWriter(s), true, "sending");
        p.update(0, 2048);
        p.update(2048, 2048);
        p.line("done");
        String out = s.toString();
        assertTrue(out.startsWith("\rsending [") && out.contains("ETA") && out.contains("/s"), out);
        assertTrue(out.contains("100% 2.0 KiB/2.0 KiB"), out);
        assertTrue(out.endsWith("\ndone\n"), "a status line starts on its own line: " + out);
    }

    @Test
    void sizesAndClockAreReadable() {
        assertEquals("512 B", ProgressPrinter.size(512));
        assertEquals("1.5 KiB", ProgressPrinter.size(1536));
        assertEquals("1.00 MiB", ProgressPrinter.size(1 << 20));
        assertEquals("1:15", ProgressPrinter.clock(75));
    }
}
