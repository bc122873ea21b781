package org.iotasign.seriallink;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.iotasign.crypto.Ed25519PublicKey;
import org.iotasign.crypto.Hashes;

/** Payload layouts of the message types (docs/serial-link.md, "Messages"); little-endian. */
final class Messages {
    private Messages() {
    }

    /** Thrown for a payload whose size or content does not fit its type. */
    static final class MalformedPayload extends Exception {
        MalformedPayload(String message) {
            super(message);
        }
    }

    /**
     * HELLO: the protocol version and, since chunks larger than 1 KiB, the largest chunk the
     * bridge can send. A bridge from before sends the version alone and gets at most
     * {@link Protocol#DEFAULT_CHUNK} in HELLO_OK: it refuses a larger one.
     */
    record Hello(int version, int maxChunk) {
        static final int LENGTH = 3;

        byte[] encode() {
            return buf(LENGTH).put((byte) version).putShort((short) maxChunk).array();
        }

        /** Bytes after the third are for later versions of the field and are ignored. */
        static Hello decode(Frame f) throws MalformedPayload {
            byte[] p = f.payload();
            if (p.length == 1) {
                return new Hello(p[0] & 0xFF, Protocol.DEFAULT_CHUNK);
            }
            if (p.length < LENGTH) {
                throw new MalformedPayload("HELLO of " + p.length + " bytes: the version, then the largest chunk in 2 bytes");
            }
            ByteBuffer b = f.payloadBuffer();
            int version = b.get() & 0xFF;
            int maxChunk = b.getShort() & 0xFFFF;
            if (maxChunk < Protocol.MIN_CHUNK) {
                throw new MalformedPayload("HELLO with a largest chunk of " + maxChunk + " bytes, below " + Protocol.MIN_CHUNK);
            }
            return new Hello(version, maxChunk);
        }
    }

    record HelloOk(int version, int window, int maxChunk, long maxBlob, Ed25519PublicKey key, byte[] fingerprint) {
        static final int LENGTH = 48;

        byte[] encode() {
            return buf(LENGTH).put((byte) version).put((byte) window).putShort((short) maxChunk)
                    .putInt((int) maxBlob).put(key.bytes()).put(fingerprint).array();
        }

        static HelloOk decode(Frame f) throws MalformedPayload {
            ByteBuffer b = exact(f, LENGTH);
            int version = b.get() & 0xFF;
            int window = b.get() & 0xFF;
            int maxChunk = b.getShort() & 0xFFFF;
            long maxBlob = b.getInt() & 0xFFFFFFFFL;
            Ed25519PublicKey key = Ed25519PublicKey.of(bytes(b, 32));
            byte[] fp = bytes(b, 8);
            if (window < 1 || maxChunk < Protocol.MIN_CHUNK || maxChunk > Protocol.MAX_CHUNK) {
                throw new MalformedPayload("HELLO_OK with window " + window + " and chunk " + maxChunk);
            }
            return new HelloOk(version, window, maxChunk, maxBlob, key, fp);
        }

        /** The first 8 bytes of SHA-256 over the key: what operators compare as a fingerprint. */
        static byte[] fingerprintBytes(Ed25519PublicKey key) {
            return Arrays.copyOf(Hashes.sha256(key.bytes()), 8);
        }
    }

    record Announce(long length, byte[] digest, int chunkSize) {
        static final int LENGTH = 38;

        byte[] encode() {
            return buf(LENGTH).putInt((int) length).put(digest).putShort((short) chunkSize).array();
        }

        static Announce decode(Frame f) throws MalformedPayload {
            ByteBuffer b = exact(f, LENGTH);
            return new Announce(b.getInt() & 0xFFFFFFFFL, bytes(b, 32), b.getShort() & 0xFFFF);
        }

        int totalChunks() {
            return (int) ((length + chunkSize - 1) / chunkSize);
        }

        boolean sameBlob(Announce o) {
            return length == o.length && chunkSize == o.chunkSize && Arrays.equals(digest, o.digest);
        }
    }

    static byte[] u32(int value) {
        return buf(4).putInt(value).array();
    }

    static int u32(Frame f) throws MalformedPayload {
        return exact(f, 4).getInt();
    }

    record Pending(int stage, int nextChunk) {
        byte[] encode() {
            return buf(5).put((byte) stage).putInt(nextChunk).array();
        }

        static Pending decode(Frame f) throws MalformedPayload {
            ByteBuffer b = exact(f, 5);
            return new Pending(b.get() & 0xFF, b.getInt());
        }
    }

    static byte[] signed(Verdict.Signed v) {
        return buf(96).put(v.digest()).put(v.signature()).array();
    }

    static Verdict.Signed signed(Frame f) throws MalformedPayload {
        ByteBuffer b = exact(f, 96);
        return new Verdict.Signed(bytes(b, 32), bytes(b, 64));
    }

    static byte[] refused(Verdict.Refused v) {
        byte[] text = text(v.reason());
        return buf(33 + text.length).put(v.digest() == null ? new byte[32] : v.digest())
                .put((byte) v.code().code).put(text).array();
    }

    static Verdict.Refused refused(Frame f) throws MalformedPayload {
        if (f.payload().length < 33) {
            throw new MalformedPayload("REFUSED payload of " + f.payload().length + " bytes");
        }
        ByteBuffer b = f.payloadBuffer();
        byte[] digest = bytes(b, 32);
        RefusalCode code = RefusalCode.of(b.get() & 0xFF);
        String reason = new String(bytes(b, b.remaining()), StandardCharsets.UTF_8);
        return new Verdict.Refused(Arrays.equals(digest, new byte[32]) ? null : digest, code, reason);
    }

    record Error(ErrorCode code, String text) {
        byte[] encode() {
            byte[] t = Messages.text(text);
            return buf(1 + t.length).put((byte) code.code).put(t).array();
        }

        static Error decode(Frame f) throws MalformedPayload {
            if (f.payload().length < 1) {
                throw new MalformedPayload("empty ERROR payload");
            }
            ByteBuffer b = f.payloadBuffer();
            ErrorCode code = ErrorCode.of(b.get() & 0xFF);
            return new Error(code, new String(bytes(b, b.remaining()), StandardCharsets.UTF_8));
        }
    }

    /** Reason texts are one line, cut to {@link Protocol#MAX_REASON} bytes on a character boundary. */
    static byte[] text(String s) {
        String line = s.replace('\n', ' ').replace('\r', ' ');
        byte[] t = line.getBytes(StandardCharsets.UTF_8);
        if (t.length <= Protocol.MAX_REASON) {
            return t;
        }
        int end = Protocol.MAX_REASON;
        while (end > 0 && (t[end] & 0xC0) == 0x80) {
            end--;
        }
        return Arrays.copyOf(t, end);
    }

    private static ByteBuffer buf(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static ByteBuffer exact(Frame f, int n) throws MalformedPayload {
        if (f.payload().length != n) {
            throw new MalformedPayload(f.type() + " payload of " + f.payload().length + " bytes, expected " + n);
        }
        return f.payloadBuffer();
    }

    private static byte[] bytes(ByteBuffer b, int n) throws MalformedPayload {
        try {
            byte[] out = new byte[n];
            b.get(out);
            return out;
        } catch (BufferUnderflowException e) {
            throw new MalformedPayload("payload too short");
        }
    }
}
