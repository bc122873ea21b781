package org.iotasign.espflash;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The ROM loader's command/response protocol over SLIP: request
 * {@code <BBHI dir=0, op, size, checksum> + data}, response
 * {@code <BBHI dir=1, op, size, value> + data + status bytes}. Chip-independent except for
 * the number of status bytes, which the target supplies.
 */
public final class RomLoader {
    public static final int FLASH_BEGIN = 0x02;
    public static final int FLASH_DATA = 0x03;
    public static final int FLASH_END = 0x04;
    public static final int MEM_BEGIN = 0x05;
    public static final int MEM_END = 0x06;
    public static final int MEM_DATA = 0x07;
    public static final int SYNC = 0x08;
    public static final int WRITE_REG = 0x09;
    public static final int READ_REG = 0x0a;
    public static final int GET_SECURITY_INFO = 0x14;

    /** ROM error: the request was not understood (also the answer to unsupported commands). */
    public static final int ERR_INVALID_MESSAGE = 0x05;
    public static final int ERR_CHECKSUM = 0x07;
    public static final int ERR_FLASH_WRITE = 0x08;

    public static final int CHECKSUM_SEED = 0xEF;

    /** The SYNC payload: 07 07 12 20 then 32 bytes of 0x55 (the ROM's auto-baud pattern). */
    public static final byte[] SYNC_DATA = syncData();

    /** How many frames to skip while waiting for the one that answers a request (as esptool). */
    private static final int MAX_FRAMES_PER_REPLY = 100;

    private final SerialTransport transport;
    private final Slip.Reader reader;
    private final int statusBytes;
    private long bytesSent;
    private long bytesReceived;

    public RomLoader(SerialTransport transport, int statusBytes) {
        this.transport = transport;
        this.reader = new Slip.Reader(transport);
        this.statusBytes = statusBytes;
    }

    /** One decoded response frame. */
    public record Response(int op, long value, byte[] data) {
    }

    /** The device did not answer in time. */
    public static final class NoReplyException extends IOException {
        private static final long serialVersionUID = 1L;

        public NoReplyException(String message) {
            super(message);
        }
    }

    /** The device answered with a failure status. */
    public static final class CommandFailedException extends IOException {
        private static final long serialVersionUID = 1L;
        private final int error;

        public CommandFailedException(String what, int error) {
            super(what + " failed: " + describeError(error));
            this.error = error;
        }

        public int error() {
            return error;
        }
    }

    /** The device does not know the command (answered error 0x05 under another op). */
    public static final class UnsupportedCommandException extends IOException {
        private static final long serialVersionUID = 1L;

        public UnsupportedCommandException(String message) {
            super(message);
        }
    }

    public static String describeError(int error) {
        String name = switch (error) {
            case 0x05 -> "invalid message";
            case 0x06 -> "result wrong";
            case 0x07 -> "checksum error";
            case 0x08 -> "flash write error (read-back mismatch)";
            case 0x09, 0x0a -> "flash read error";
            case 0x0e -> "invalid RAM size";
            case 0x0f -> "invalid RAM address";
            default -> "error";
        };
        return String.format("ROM error 0x%02x (%s)", error, name);
    }

    public static int checksum(byte[] data, int from, int to) {
        int c = CHECKSUM_SEED;
        for (int i = from; i < to; i++) {
            c ^= data[i] & 0xff;
        }
        return c;
    }

    public static byte[] request(int op, byte[] data, int checksum) {
        ByteBuffer b = ByteBuffer.allocate(8 + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0).put((byte) op).putShort((short) data.length).putInt(checksum).put(data);
        return b.array();
    }

    /** Sends a request without waiting for anything. */
    public void send(int op, byte[] data, int checksum) throws IOException {
        byte[] frame = Slip.encode(request(op, data, checksum));
        bytesSent += frame.length;
        transport.write(frame);
    }

    /**
     * Waits for the response to {@code op}: skips frames that are too short, not
     * responses, or answer other ops (late replies, extra SYNC replies). A non-matching
     * frame that reports "invalid message" means the command is unknown to this ROM.
     */
    public Response awaitResponse(int op, long timeoutMs) throws IOException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        for (int i = 0; i < MAX_FRAMES_PER_REPLY; i++) {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            byte[] f = left > 0 ? reader.next(left) : null;
            if (f == null) {
                throw new NoReplyException(String.format("no reply to command 0x%02x within %d ms", op, timeoutMs));
            }
            bytesReceived += f.length + 2;
            if (f.length < 8 || f[0] != 1) {
                continue;
            }
            ByteBuffer b = ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN);
            int rop = b.get(1) & 0xff;
            long value = b.getInt(4) & 0xffffffffL;
            byte[] data = Arrays.copyOfRange(f, 8, f.length);
            if (rop == op) {
                return new Response(rop, value, data);
            }
            if (data.length >= 2 && data[0] != 0 && (data[1] & 0xff) == ERR_INVALID_MESSAGE) {
                reader.discard();
                throw new UnsupportedCommandException(String.format("the chip does not support command 0x%02x", op));
            }
        }
        throw new NoReplyException(String.format("no matching reply to command 0x%02x", op));
    }

    public Response command(int op, byte[] data, int checksum, long timeoutMs) throws IOException {
        send(op, data, checksum);
        return awaitResponse(op, timeoutMs);
    }

    /**
     * Sends a command and checks the first status byte. Returns the response's data
     * without the status bytes when there is more than them, else null (use
     * {@link Response#value()}).
     */
    public Response checkedCommand(String what, int op, byte[] data, int checksum, long timeoutMs) throws IOException {
        Response r = command(op, data, checksum, timeoutMs);
        if (r.data().length < statusBytes) {
            throw new IOException(what + " failed: the reply carries only " + r.data().length + " status bytes");
        }
        int status = r.data()[r.data().length - statusBytes] & 0xff;
        if (status != 0) {
            int error = r.data()[r.data().length - statusBytes + 1] & 0xff;
            throw new CommandFailedException(what, error);
        }
        return new Response(r.op(), r.value(), Arrays.copyOf(r.data(), r.data().length - statusBytes));
    }

    /**
     * One SYNC attempt: the first reply must come within {@code firstReplyMs}; the ROM
     * sends 8 replies to one SYNC, and the rest are drained here so they do not confuse the
     * next command. Returns the value of the first reply (non-zero from a ROM).
     */
    public long sync(long firstReplyMs, long drainMs) throws IOException {
        reader.discard();
        Response first = command(SYNC, SYNC_DATA, 0, firstReplyMs);
        for (int i = 0; i < 7; i++) {
            try {
                awaitResponse(SYNC, drainMs);
            } catch (NoReplyException e) {
                break;
            }
        }
        return first.value();
    }

    public long readReg(long address, long timeoutMs) throws IOException {
        return checkedCommand(String.format("read register 0x%08x", address), READ_REG, words(address), 0, timeoutMs).value();
    }

    public void writeReg(long address, long value, long timeoutMs) throws IOException {
        checkedCommand(String.format("write register 0x%08x", address), WRITE_REG,
                words(address, value, 0xffffffffL, 0), 0, timeoutMs);
    }

    /** Bytes received after the last reply that was read: what the chip printed next. */
    public byte[] takeUnread() {
        return reader.takeBuffered();
    }

    public void discardInput() throws IOException {
        reader.discard();
    }

    /** Bytes put on the wire so far, SLIP framing included. */
    public long bytesSent() {
        return bytesSent;
    }

    /** Bytes of complete frames received so far, SLIP delimiters included (escapes not). */
    public long bytesReceived() {
        return bytesReceived;
    }

    public SerialTransport transport() {
        return transport;
    }

    public static byte[] words(long... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            b.putInt((int) v);
        }
        return b.array();
    }

    private static byte[] syncData() {
        byte[] d = new byte[36];
        d[0] = 0x07;
        d[1] = 0x07;
        d[2] = 0x12;
        d[3] = 0x20;
        Arrays.fill(d, 4, 36, (byte) 0x55);
        return d;
    }
}
