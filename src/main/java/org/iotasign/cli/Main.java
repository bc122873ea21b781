package org.iotasign.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.Supplier;

import org.iotasign.IotasignException;
import org.iotasign.io.TerminalText;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The {@code iotasign} program: a thin layer of picocli commands over the capability packages.
 * A run builds only the command it names (see {@link #commandLine(String...)}): picocli's model
 * of every command, and the classes each one pulls in, would cost every run most of its start-up.
 *
 * <p>The root command is built with picocli's programmatic API, not from annotations: reading
 * annotations makes the JDK generate a proxy class per annotation type, and for the root's
 * own and its standard help options that was a third of {@code iotasign --version}.
 */
public final class Main implements Runnable {
    private final CommandSpec spec;

    private Main() {
        spec = CommandSpec.wrapWithoutInspection(this)
                .name("iotasign")
                .versionProvider(new Version());
        spec.usageMessage()
                .description("Offline signing appliance for IoTaWatt-style ESP8266 firmware releases.")
                .footerHeading("%nExit codes:%n")
                .footer("  0  success",
                        "  1  the input was rejected (a verdict)",
                        "  2  usage error",
                        "  3  environment problem (missing token, module, port, unwritable disk)",
                        "  70 internal error: a bug in iotasign; report it with the code it printed");
        CodedOptions.addStandardHelp(spec);
    }

    public static final int EXIT_OK = 0;
    public static final int EXIT_REJECTED = 1;
    public static final int EXIT_USAGE = 2;
    public static final int EXIT_ENVIRONMENT = 3;
    /** A bug: an exception no command expected (EX_SOFTWARE of sysexits.h, far from the verdict codes). */
    public static final int EXIT_INTERNAL = 70;

    /**
     * A command of the tree: its name as typed, its class, and, for a command whose picocli
     * model is built in code, the method that builds it (null: picocli reads the class's
     * annotations).
     */
    record Entry(String name, Class<?> type, Supplier<CommandSpec> coded) {
        Entry(String name, Class<?> type) {
            this(name, type, null);
        }
    }

    /**
     * Every command, in the order help lists them. Registering a command is one line here.
     * Commands declare their options with picocli's annotations, except {@code pack},
     * {@code inspect}, {@code verify} and {@code sign}, whose models are built in code ({@link CodedOptions}):
     * reading annotations makes the JDK generate a proxy class per annotation type, and for
     * the commands run for their answer alone (by hand, or by the hundred in a script) that
     * was a sixth of their run (docs/benchmarks.md).
     */
    static final List<Entry> COMMANDS = List.of(
            new Entry("help", CommandLine.HelpCommand.class),
            new Entry("pack", PackCommand.class, PackCommand::spec),
            new Entry("inspect", InspectCommand.class, InspectCommand::spec),
            new Entry("verify", VerifyCommand.class, VerifyCommand::spec),
            new Entry("sample-firmware", SampleFirmwareCommand.class),
            new Entry("flash", FlashCommand.class),
            new Entry("devsim", DevsimCommand.class),
            new Entry("monitor", MonitorCommand.class),
            new Entry("accept", AcceptCommand.class),
            new Entry("token", TokenCommand.class),
            new Entry("key", KeyCommand.class),
            new Entry("sign", SignCommand.class, SignCommand::spec),
            new Entry("usb", UsbCommand.class),
            new Entry("ledger", LedgerCommand.class),
            new Entry("site", SiteCommand.class),
            new Entry("publish", PublishCommand.class),
            new Entry("serve", ServeCommand.class),
            new Entry("probe", ProbeCommand.class),
            new Entry("serial-signer", SerialSignerCommand.class),
            new Entry("bridge", BridgeCommand.class),
            new Entry("selftest", SelftestCommand.class));

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    public static void main(String[] args) {
        // Threads of long-running commands (serve, serial-signer) report a bug in one line too.
        Thread.setDefaultUncaughtExceptionHandler(new ExceptionHandler());
        System.exit(run(args));
    }

    /** Runs the program in-process; used by tests so they see exactly what a user sees. */
    public static int run(String... args) {
        CommandLine cl = commandLine(args);
        try {
            return cl.execute(args);
        } catch (RuntimeException | Error e) {
            // picocli hands commands' exceptions to handleException; this catches what escapes it.
            reportInternalError(e, cl.getErr());
            return EXIT_INTERNAL;
        }
    }

    /** The whole command tree: for help, man pages and completion. */
    public static CommandLine commandLine() {
        return commandLine(COMMANDS);
    }

    /**
     * The tree that running {@code args} needs. When the first word that is not an option
     * names a command (other than help), only that command; for {@code --version} alone, none;
     * otherwise (help, a typo, no command) the whole tree, so help, suggestions and errors
     * read as they always have. Picocli parses every run the same way either way.
     */
    public static CommandLine commandLine(String... args) {
        return commandLine(commandsFor(args));
    }

    static List<Entry> commandsFor(String... args) {
        boolean versionOnly = false;
        for (String a : args) {
            if (a.equals("-V") || a.equals("--version")) {
                versionOnly = true;
            } else if (a.startsWith("-")) {
                return COMMANDS;
            } else {
                for (Entry e : COMMANDS) {
                    if (e.name().equals(a)) {
                        return e.type() == CommandLine.HelpCommand.class ? COMMANDS : List.of(e);
                    }
                }
                return COMMANDS;
            }
        }
        return versionOnly ? List.of() : COMMANDS;
    }

    /**
     * The built-in converters picocli registers by reflection in each new CommandLine, unless
     * excluded: java.time and java.sql types, and Path. No option here has a java.time or
     * java.sql type (CommandTreeTest keeps it so), and Path has its own converter below;
     * leaving them out saves every run about 5 ms.
     */
    static final String PICOCLI_CONVERTER_EXCLUDES = "java\\.time\\..*,java\\.sql\\..*,java\\.nio\\.file\\.Path";

    private static CommandLine commandLine(List<Entry> commands) {
        System.setProperty("picocli.converters.excludes", PICOCLI_CONVERTER_EXCLUDES);
        CommandLine cl = new CommandLine(new Main().spec);
        for (Entry e : commands) {
            cl.addSubcommand(e.name(), e.coded() != null ? new CommandLine(e.coded().get()) : e.type());
        }
        cl.setExecutionExceptionHandler(new ExceptionHandler());
        cl.setParameterExceptionHandler(new ExceptionHandler());
        cl.setUsageHelpAutoWidth(true);
        // A command's header is its one-line summary in the command lists; its own help starts with "Usage:".
        List<String> sections = new ArrayList<>(cl.getHelpSectionKeys());
        sections.remove(CommandLine.Model.UsageMessageSpec.SECTION_KEY_HEADER_HEADING);
        sections.remove(CommandLine.Model.UsageMessageSpec.SECTION_KEY_HEADER);
        cl.setHelpSectionKeys(sections);
        cl.registerConverter(Path.class, new PathConverter());
        return cl;
    }

    /*
     * Classes, not lambdas. picocli ships Java 5 class files (the build rewrites them, see
     * src/dist/ClassFileUpgrade.java, but a jar built without that step keeps them), and the
     * class-data-sharing dump links an interface a lambda implements: JDK 17 then leaves such
     * an old interface, and every class implementing it (all of picocli's own type
     * converters), out of the archive. And a lambda the archive does not hold (the uncaught
     * exception handler: the training never runs main) costs a few milliseconds to spin.
     */

    /**
     * Exit codes and one-line messages for what commands throw, for bad command lines, and for
     * what escapes the threads of long-running commands.
     */
    private static final class ExceptionHandler implements CommandLine.IExecutionExceptionHandler,
            CommandLine.IParameterExceptionHandler, Thread.UncaughtExceptionHandler {
        @Override
        public int handleExecutionException(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
            return handleException(e, cl);
        }

        @Override
        public int handleParseException(CommandLine.ParameterException e, String[] args) {
            return handleParameterException(e);
        }

        @Override
        public void uncaughtException(Thread thread, Throwable e) {
            reportInternalError(e, new PrintWriter(System.err, true));
        }
    }

    private static final class PathConverter implements CommandLine.ITypeConverter<Path> {
        @Override
        public Path convert(String arg) {
            return path(arg);
        }
    }

    private static int handleException(Exception e, CommandLine cl) {
        PrintWriter err = cl.getErr();
        if (e instanceof IotasignException) {
            err.println("iotasign: " + TerminalText.line(Hints.message((IotasignException) e)));
            err.flush();
            return ((IotasignException) e).exitCode();
        }
        reportInternalError(e, err);
        return EXIT_INTERNAL;
    }

    /**
     * One line for a bug, never the exception's name, message or stack (they can carry
     * input, and they mean nothing to an operator): a short code that names the place of
     * the bug, the same for every run that hits it. IOTASIGN_DEBUG=1 adds the stack trace.
     */
    static void reportInternalError(Throwable e, PrintWriter err) {
        err.println("iotasign: internal error " + internalErrorCode(e) + ": this is a bug in iotasign, not a problem with "
                + "your input; report it with the command that caused it and this code");
        if (System.getenv("IOTASIGN_DEBUG") != null) {
            e.printStackTrace(err);
        }
        err.flush();
    }

    /** {@code IE-} and 8 hex digits of SHA-256 over the exception's class and its first frame in iotasign. */
    static String internalErrorCode(Throwable e) {
        StackTraceElement[] trace = e.getStackTrace();
        String where = "";
        for (StackTraceElement f : trace) {
            if (f.getClassName().startsWith("org.iotasign.")) {
                where = f.getClassName() + "." + f.getMethodName() + ":" + f.getLineNumber();
                break;
            }
        }
        if (where.isEmpty() && trace.length > 0) {
            where = trace[0].getClassName() + "." + trace[0].getMethodName();
        }
        return "IE-" + org.iotasign.crypto.Hashes.sha256Hex(e.getClass().getName() + "@" + where).substring(0, 8);
    }

    /**
     * A path argument. With no UTF-8 locale Java cannot turn a non-ASCII argument into a
     * file name; say so instead of naming Java's exception.
     */
    private static Path path(String arg) {
        try {
            return Path.of(arg);
        } catch (InvalidPathException e) {
            throw new CommandLine.TypeConversionException("it is not a file name this locale ("
                    + System.getProperty("sun.jnu.encoding") + ") can express: run iotasign with a UTF-8 locale "
                    + "(its launchers set LC_CTYPE=C.UTF-8 when none is set), or use an ASCII name");
        }
    }

    private static int handleParameterException(CommandLine.ParameterException e) {
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
