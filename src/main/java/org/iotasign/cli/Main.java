package org.iotasign.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Properties;

import org.iotasign.IotasignException;
import org.iotasign.io.TerminalText;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code iotasign} program: a thin layer of picocli commands over the capability packages. */
@Command(name = "iotasign",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Offline signing appliance for IoTaWatt-style ESP8266 firmware releases.",
        subcommands = {
                CommandLine.HelpCommand.class,
                PackCommand.class,
                InspectCommand.class,
                VerifyCommand.class,
                SampleFirmwareCommand.class,
                FlashCommand.class,
                DevsimCommand.class,
                MonitorCommand.class,
                AcceptCommand.class,
                TokenCommand.class,
                KeyCommand.class,
                SignCommand.class,
                UsbCommand.class,
                LedgerCommand.class,
                SiteCommand.class,
                PublishCommand.class,
                ServeCommand.class,
                ProbeCommand.class,
                SerialSignerCommand.class,
                BridgeCommand.class,
                SelftestCommand.class,
        },
        footerHeading = "%nExit codes:%n",
        footer = {
                "  0  success",
                "  1  the input was rejected (a verdict)",
                "  2  usage error",
                "  3  environment problem (missing token, module, port, unwritable disk)",
        })
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static final int EXIT_OK = 0;
    public static final int EXIT_REJECTED = 1;
    public static final int EXIT_USAGE = 2;
    public static final int EXIT_ENVIRONMENT = 3;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the program in-process; used by tests so they see exactly what a user sees. */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler(Main::handleException);
        cl.setParameterExceptionHandler(Main::handleParameterException);
        cl.setUsageHelpAutoWidth(true);
        return cl;
    }

    private static int handleException(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        PrintWriter err = cl.getErr();
        if (e instanceof IotasignException) {
            err.println("iotasign: " + TerminalText.line(e.getMessage()));
            err.flush();
            return ((IotasignException) e).exitCode();
        }
        err.println("iotasign: internal error: " + TerminalText.line(String.valueOf(e)) + " (please report this with the command that caused it)");
        if (System.getenv("IOTASIGN_DEBUG") != null) {
            e.printStackTrace(err);
        }
        err.flush();
        return EXIT_ENVIRONMENT;
    }

    private static int handleParameterException(CommandLine.ParameterException e, String[] args) {
        CommandLine cl = e.getCommandLine();
        PrintWriter err = cl.getErr();
        err.println("iotasign: " + TerminalText.line(e.getMessage()) + " (see '" + cl.getCommandSpec().qualifiedName() + " --help')");
        err.flush();
        return EXIT_USAGE;
    }

    /** Reads the version Maven wrote into the jar. */
    public static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"iotasign " + current()};
        }

        public static String current() {
            Properties p = new Properties();
            try (InputStream in = Main.class.getResourceAsStream("/org/iotasign/version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            } catch (IOException ignored) {
                // Fall through to "unknown".
            }
            return p.getProperty("version", "unknown");
        }
    }
}
