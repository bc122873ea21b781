package org.iotasign.testing;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.iotasign.cli.Main;

import picocli.CommandLine;

/** Runs the iotasign command line in-process and captures what a user would see. */
public final class Cli {
    /** Exit code and the text printed on standard output and standard error. */
    public record Result(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- out\n" + out + "--- err\n" + err;
        }
    }

    private Cli() {
    }

    public static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        // The tree a user's run builds (only the named command), so tests cover that path.
        CommandLine cl = Main.commandLine(args);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Result(exit, out.toString(), err.toString());
    }
}
