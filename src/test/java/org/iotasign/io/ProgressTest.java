package org.iotasign.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class ProgressTest {
    private final AtomicLong now = new AtomicLong();
    private final StringWriter text = new StringWriter();

    @Test
    void terminalBarShowsPercentRateAndEta() {
        Progress p = new Progress("writing", 10240, new PrintWriter(text), true, now::get);
        now.set(1_000_000_000L);
        p.advance(2048);
        assertTrue(text.toString().endsWith("\rwriting [######------------------------]  20%  2.0 KiB/10.0 KiB  2.0 KiB/s  ETA 0:04"), text.toString());
        now.set(5_000_000_000L);
        p.advance(8192);
        p.finish();
        assertTrue(text.toString().endsWith("100%  10.0 KiB/10.0 KiB  2.0 KiB/s  in 0:05\n"), text.toString());
    }

    @Test
    void plainOutputPrintsOneLinePerTenthWithoutCarriageReturns() {
        Progress p = new Progress("writing", 1000, new PrintWriter(text), false, now::get);
        for (int i = 0; i < 100; i++) {
            now.addAndGet(10_000_000L);
            p.advance(10);
        }
        p.finish();
        String out = text.toString();
        assertEquals(11, out.lines().count(), "one line at the start, then one per tenth\n" + out);
        assertTrue(!out.contains("\r") && out.lines().allMatch(l -> l.startsWith("writing ")), out);
    }

    @Test
    void aStatusLineEndsTheBarFirstAndTheBarResumesBelowIt() {
        Progress p = new Progress("sending", 2048, new PrintWriter(text), true, now::get);
        p.line("signer ready");
        assertEquals("signer ready\n", text.toString(), "no bar is drawn before any progress");
        now.set(1_000_000_000L);
        p.update(1024);
        p.line("signer reviewing");
        now.set(2_000_000_000L);
        p.update(2048);
        p.finish();
        String out = text.toString();
        assertTrue(out.contains("ETA 0:01\r") && out.contains(" 50%  1.0 KiB/2.0 KiB  1.0 KiB/s  ETA 0:01\nsigner reviewing\n\r"), out);
        assertTrue(out.endsWith("100%  2.0 KiB/2.0 KiB  1.0 KiB/s  in 0:02\n"), out);
    }

    @Test
    void aResumedTransferCountsTheRateFromWhereItResumed() {
        Progress p = new Progress("receiving", 10240, 8192, new PrintWriter(text), false, now::get);
        now.set(1_000_000_000L);
        p.update(9216);
        assertEquals(1024.0, p.rate(now.get()), "only the bytes moved in this run count");
        assertTrue(text.toString().startsWith("receiving  90%  9.0 KiB/10.0 KiB  1.0 KiB/s  ETA 0:01"), text.toString());
    }

    @Test
    void formatsSizesAndDurations() {
        assertEquals("1.5 KiB", Progress.bytes(1536));
        assertEquals("1.00 MiB", Progress.bytes(1 << 20));
        assertEquals("1:15", Progress.duration(75));
        assertEquals("1:01:01", Progress.duration(3661));
    }
}
