package org.iotasign.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.Callable;

import org.junit.jupiter.api.Test;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Errors reach the user as one line, never as a Java exception: bugs with a short code and exit 70. */
class ErrorReportingTest {
    @Command(name = "boom")
    static final class Boom implements Callable<Integer> {
        static Throwable next;

        @Override
        public Integer call() throws Exception {
            Throwable t = next;
            if (t instanceof Error error) {
                throw error;
            }
            throw (Exception) t;
        }
    }

    record Run(int exit, String err) {
    }

    static Run run(Throwable thrown) {
        Boom.next = thrown;
        CommandLine cl = Main.commandLine();
        cl.addSubcommand("boom", new Boom());
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err, true));
        cl.setOut(new PrintWriter(new StringWriter(), true));
        int exit;
        try {
            exit = cl.execute("boom");
        } catch (RuntimeException | Error escaped) {
            // What Main.run does with anything picocli lets through.
            Main.reportInternalError(escaped, cl.getErr());
            exit = Main.EXIT_INTERNAL;
        }
        return new Run(exit, err.toString());
    }

    @Test
    void anUnexpectedExceptionIsOneLineWithACodeAndItsOwnExitCode() {
        List<Throwable> bugs = List.of(new IllegalStateException("secret /path/with\u001b[2J escape"),
                new NullPointerException(), new ArrayIndexOutOfBoundsException(3), new StackOverflowError(),
                new java.nio.file.InvalidPathException("bad\uFFFD", "Malformed input or input contains unmappable characters"));
        for (Throwable bug : bugs) {
            Run r = run(bug);
            assertEquals(70, r.exit(), r.err());
            assertEquals(1, r.err().lines().count(), r.err());
            assertTrue(r.err().matches("iotasign: internal error IE-[0-9a-f]{8}: this is a bug in iotasign.*\\n"), r.err());
            assertFalse(r.err().contains("Exception") || r.err().contains("Error:") || r.err().contains("\tat ")
                    || r.err().contains("secret") || r.err().contains("\u001b"), r.err());
        }
        assertEquals(run(new IllegalStateException("a")).err(), run(new IllegalStateException("b")).err(),
                "the code names the bug's place, not its message");
        assertFalse(run(new IllegalStateException()).err().equals(run(new NullPointerException()).err()));
    }

    @Test
    void exitCode70IsDocumentedInTheHelp() {
        StringWriter out = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.execute("--help");
        assertTrue(out.toString().contains("70 internal error"), out.toString());
    }

    /** With no locale, Java cannot make a file name of a non-ASCII argument: a usage error in one line, no exception name. */
    @Test
    void aPathArgumentTheLocaleCannotExpressIsAUsageErrorInOneLine() throws Exception {
        for (List<String> args : List.of(List.of("inspect", "caf\u00e9.bin"), List.of("usb", "--drive", "/media/op/CL\u00c9"))) {
            ProcessBuilder pb = org.iotasign.testing.IotasignProcess.builder(java.util.Map.of(), args);
            pb.environment().clear();
            pb.redirectErrorStream(true);
            Process p = pb.start();
            String text = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
            assertTrue(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
            assertEquals(2, p.exitValue(), text);
            assertEquals(1, text.lines().count(), text);
            assertTrue(text.contains("is not a file name this locale (ANSI_X3.4-1968) can express"), text);
            assertFalse(text.contains("Exception"), text);
        }
    }
}
