package org.iotasign.espflash;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.Locale;

import org.iotasign.EnvironmentException;
import org.iotasign.io.Progress;

/**
 * One complete flashing run on a port: open, connect (with the baud fallback), identify,
 * write one image, leave the loader, summarise. Turns protocol failures into one-line
 * messages that say what to do.
 */
public final class FlashSession {
    /** The ROM's power-on rate; every ESP8266 loader syncs at it. */
    public static final int ROM_BAUD = 115200;

    /** Opens a port at a baud rate (jSerialComm in production, anything in tests). */
    @FunctionalInterface
    public interface PortOpener {
        SerialTransport open(String port, int baud);
    }

    /**
     * @param image the exact bytes to write (header already fixed up when asked)
     */
    public record Request(String port, int baud, ResetMode before, AfterMode after, int offset, byte[] image, Timings timings) {
    }

    /** What happened, for the final summary. */
    /**
     * @param consoleAfter what the chip printed right after the last reply (read along with it);
     *                     a console watcher must see these bytes first
     */
    public record Summary(Esp8266Target.ChipInfo chip, int flashId, int baud, Esp8266Flasher.WriteResult result,
                          long wireBytes, byte[] consoleAfter) {
        public String describe() {
            return String.format(Locale.ROOT, "wrote %d bytes at 0x%05x in %d blocks (%d retried), MD5 %s",
                    result.size(), result.offset(), result.blocks(), result.retries(), result.md5());
        }
    }

    private FlashSession() {
    }

    /** Opens the port, runs the session, closes the port. */
    public static Summary run(Request r, PortOpener opener, PrintWriter out, boolean terminal) {
        try (SerialTransport transport = opener.open(r.port(), r.baud())) {
            return run(r, transport, out, terminal);
        }
    }

    /** Runs the session on an open port and leaves it open (to watch the console next). */
    public static Summary run(Request r, SerialTransport transport, PrintWriter out, boolean terminal) {
        try {
            Esp8266Flasher flasher = new Esp8266Flasher(transport, r.timings(), line -> {
                out.println(line);
                out.flush();
            });
            int baud = connect(flasher, transport, r, out);
            Esp8266Target.ChipInfo chip = flasher.identify();
            out.printf(Locale.ROOT, "chip %s, MAC %s, crystal %d MHz, %d baud%n", chip.description(), chip.mac(), chip.crystalMhz(), baud);
            int flashId = flasher.attachFlash();
            out.printf(Locale.ROOT, "flash id 0x%06x (%s)%n", flashId, Esp8266Target.flashSizeName(flashId));
            out.flush();
            Progress progress = new Progress("writing", r.image().length, out, terminal, System::nanoTime);
            Esp8266Flasher.WriteResult result;
            try {
                result = flasher.write(r.offset(), r.image(), progress);
            } finally {
                progress.finish();
            }
            leave(flasher, r, out);
            RomLoader loader = flasher.loader();
            return new Summary(chip, flashId, baud, result, loader.bytesSent() + loader.bytesReceived(), loader.takeUnread());
        } catch (Esp8266Flasher.BlockFailedException e) {
            throw new EnvironmentException(e.getMessage() + ": the flash is incomplete and must not be used; check the cable and flash again", e);
        } catch (SerialTransport.ModemLinesUnavailableException e) {
            throw new EnvironmentException(r.port() + " has no DTR/RTS lines (a pseudo-terminal?): put the chip in its loader by hand "
                    + "(hold GPIO0 low while resetting) and pass --before no_reset", e);
        } catch (Esp8266Flasher.NoSyncException e) {
            throw new EnvironmentException(e.getMessage() + ": check the cable and --port, and hold GPIO0 low while resetting "
                    + "the chip (or wire DTR/RTS for --before default_reset)", e);
        } catch (IOException e) {
            throw new EnvironmentException("flashing over " + r.port() + " failed: " + e.getMessage()
                    + ": the flash may be incomplete; check the port and flash again", e);
        }
    }

    /**
     * The ROM measures the host's rate on the 0x55 bytes of SYNC, so a higher --baud can
     * be tried directly (the ROM has no CHANGE_BAUDRATE command); if the chip does not
     * answer there, reconnect at 115200.
     */
    private static int connect(Esp8266Flasher flasher, SerialTransport transport, Request r, PrintWriter out) throws IOException {
        if (r.baud() != ROM_BAUD) {
            try {
                flasher.connect(r.before(), r.timings().fallbackAttempts());
                return r.baud();
            } catch (Esp8266Flasher.NoSyncException e) {
                out.println("no answer at " + r.baud() + " baud, falling back to " + ROM_BAUD);
                out.flush();
                transport.setBaud(ROM_BAUD);
            }
        }
        flasher.connect(r.before(), r.timings().connectAttempts());
        return ROM_BAUD;
    }

    private static void leave(Esp8266Flasher flasher, Request r, PrintWriter out) throws IOException {
        try {
            flasher.after(r.after());
            out.println(switch (r.after()) {
                case HARD_RESET -> "hard reset via RTS";
                case SOFT_RESET -> "soft reset: running the new firmware";
                case NO_RESET -> "staying in the loader";
            });
        } catch (SerialTransport.ModemLinesUnavailableException e) {
            // The image is complete; only the convenience reset failed.
            out.println("warning: " + r.port() + " cannot pulse RTS for --after hard_reset: reset the chip by hand "
                    + "(or use --after soft_reset)");
        }
        out.flush();
    }
}
