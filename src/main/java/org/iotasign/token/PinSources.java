package org.iotasign.token;

import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;

import org.iotasign.EnvironmentException;
import org.iotasign.UsageException;
import org.iotasign.io.AtomicFile;

/**
 * Where PINs come from, in order: a {@code pin-source=file:} in the key's URI, the
 * environment variable ({@code IOTASIGN_PIN} for the user PIN), or a prompt on the
 * terminal without echo. A PIN is read once per request: the tool never retries a PIN
 * on its own, so a wrong one cannot use up a token's tries.
 */
public final class PinSources {
    public static final String PIN_VARIABLE = "IOTASIGN_PIN";
    public static final String SO_PIN_VARIABLE = "IOTASIGN_SO_PIN";
    /** PKCS#11 PINs are short; a file larger than this is not a PIN file. */
    static final int MAX_PIN_FILE = 256;

    private PinSources() {
    }

    /** The user PIN source for {@code uri} (may be null) in {@code ctx}. */
    public static PinSource forUser(KeyUri uri, TokenContext ctx) {
        if (uri != null && uri.pinFile().isPresent()) {
            return fromFile(Path.of(uri.pinFile().get()));
        }
        return fromVariableOrPrompt(ctx, PIN_VARIABLE);
    }

    /** The security officer PIN source: {@code file} if given, else IOTASIGN_SO_PIN, else the terminal. */
    public static PinSource forSecurityOfficer(Path file, TokenContext ctx) {
        return file != null ? fromFile(file) : fromVariableOrPrompt(ctx, SO_PIN_VARIABLE);
    }

    /** The user PIN source: {@code file} if given, else IOTASIGN_PIN, else the terminal. */
    public static PinSource forUser(Path file, TokenContext ctx) {
        return file != null ? fromFile(file) : fromVariableOrPrompt(ctx, PIN_VARIABLE);
    }

    private static PinSource fromVariableOrPrompt(TokenContext ctx, String variable) {
        return ctx.getenv(variable).<PinSource>map(v -> what -> v.getBytes(StandardCharsets.UTF_8))
                .orElseGet(() -> prompt(variable));
    }

    /**
     * A PIN being set (token init): from {@code file}, else {@code variable}, else typed
     * twice on the terminal and compared.
     */
    public static PinSource newPin(Path file, TokenContext ctx, String variable) {
        if (file != null) {
            return fromFile(file);
        }
        if (ctx.getenv(variable).isPresent()) {
            return fromVariableOrPrompt(ctx, variable);
        }
        PinSource typed = prompt(variable);
        return what -> {
            byte[] first = typed.pin("new " + what);
            byte[] second = typed.pin("new " + what + " again");
            try {
                if (!Arrays.equals(first, second)) {
                    throw new UsageException("the two entries of the new " + what + " differ: run the command again");
                }
                return first.clone();
            } finally {
                Arrays.fill(first, (byte) 0);
                Arrays.fill(second, (byte) 0);
            }
        };
    }

    /**
     * Reads the first line of a file (a trailing newline is not part of the PIN). Only a
     * regular file is opened, and at most {@value #MAX_PIN_FILE} bytes are read: a FIFO
     * would block the open, and a device such as /dev/zero never ends.
     */
    public static PinSource fromFile(Path file) {
        return what -> {
            byte[] content;
            try {
                BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
                if (!a.isRegularFile()) {
                    throw new UsageException("PIN file " + file + " is " + (a.isDirectory() ? "a folder" : "not a regular file (a FIFO, "
                            + "socket or device)") + ": give the path of a regular file holding only the PIN");
                }
                if (a.size() > MAX_PIN_FILE) {
                    throw tooLarge(file);
                }
                try (InputStream in = Files.newInputStream(file)) {
                    content = in.readNBytes(MAX_PIN_FILE + 1);
                }
            } catch (IOException e) {
                throw new EnvironmentException("cannot read PIN file " + file + ": " + AtomicFile.describe(e)
                        + ": check the pin-source path and its permissions");
            }
            if (content.length > MAX_PIN_FILE) {
                Arrays.fill(content, (byte) 0);
                throw tooLarge(file);
            }
            int end = 0;
            while (end < content.length && content[end] != '\n' && content[end] != '\r') {
                end++;
            }
            byte[] pin = Arrays.copyOf(content, end);
            Arrays.fill(content, (byte) 0);
            if (pin.length == 0) {
                throw new UsageException("PIN file " + file + " is empty: write the PIN on its first line");
            }
            return pin;
        };
    }

    private static UsageException tooLarge(Path file) {
        return new UsageException("PIN file " + file + " holds more than " + MAX_PIN_FILE
                + " bytes, too many for a PIN: give a file holding only the PIN");
    }

    /**
     * True when {@code console} talks to a terminal. From JDK 22 System.console() exists
     * even when input is redirected; Console.isTerminal() (JDK 22+) tells the difference.
     */
    public static boolean isTerminal(Console console) {
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (NoSuchMethodException jdk17) {
            return true; // Before JDK 22 a Console exists only for a terminal.
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }

    /** Asks on the terminal without echo. */
    public static PinSource prompt(String variable) {
        return what -> {
            Console console = System.console();
            if (!isTerminal(console)) {
                throw new EnvironmentException("the " + what + " is needed and there is no terminal to ask on: "
                        + "set " + variable + " or add pin-source=file:PATH to the key URI");
            }
            char[] typed = console.readPassword("%s: ", "Enter the " + what);
            if (typed == null || typed.length == 0) {
                throw new UsageException("no " + what + " was entered: run the command again and type the PIN");
            }
            ByteBuffer bb = StandardCharsets.UTF_8.encode(CharBuffer.wrap(typed));
            Arrays.fill(typed, '\0');
            byte[] pin = new byte[bb.remaining()];
            bb.get(pin);
            if (bb.hasArray()) {
                Arrays.fill(bb.array(), (byte) 0);
            }
            return pin;
        };
    }
}
