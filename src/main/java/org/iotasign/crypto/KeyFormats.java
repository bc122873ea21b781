package org.iotasign.crypto;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.iotasign.EnvironmentException;
import org.iotasign.UsageException;
import org.iotasign.io.AtomicFile;

/**
 * The forms a public key travels in: 64 hex digits, PEM SubjectPublicKeyInfo, the C
 * array of IoTaWatt's common.cpp, and 32 raw bytes. Reading accepts all of them;
 * writing produces each.
 */
public final class KeyFormats {
    /** DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410): SEQ, SEQ{OID 1.3.101.112}, BIT STRING. */
    private static final byte[] SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");
    private static final Pattern HEX64 = Pattern.compile("[0-9a-fA-F]{64}");
    private static final Pattern C_BYTE = Pattern.compile("0[xX]([0-9a-fA-F]{1,2})\\b");
    private static final long MAX_KEY_FILE = 64 * 1024;

    private KeyFormats() {
    }

    /** Reads a KEY argument: a 64-hex literal, or a file in any supported form. */
    public static Ed25519PublicKey parseArgument(String arg) {
        String trimmed = arg.trim();
        if (HEX64.matcher(trimmed).matches()) {
            return Ed25519PublicKey.fromHex(trimmed);
        }
        Path file = Path.of(arg);
        if (!Files.isRegularFile(file)) {
            throw new UsageException("public key '" + arg + "' is neither 64 hex digits nor a readable file: give the key as hex or a file holding it");
        }
        byte[] content;
        try {
            if (Files.size(file) > MAX_KEY_FILE) {
                throw new UsageException("public key file " + arg + " is too large to be a key: give a file holding one Ed25519 public key");
            }
            content = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new EnvironmentException("cannot read public key file " + arg + ": " + AtomicFile.describe(e));
        }
        try {
            return parse(content);
        } catch (IllegalArgumentException e) {
            throw new UsageException("public key file " + arg + ": " + e.getMessage());
        }
    }

    /** Parses file content in any supported form; IllegalArgumentException says why not. */
    public static Ed25519PublicKey parse(byte[] content) {
        if (content.length == Ed25519PublicKey.LENGTH && !isText(content)) {
            return Ed25519PublicKey.of(content);
        }
        String text = new String(content, StandardCharsets.US_ASCII).trim();
        if (text.contains("-----BEGIN")) {
            return fromPem(text);
        }
        if (HEX64.matcher(text).matches()) {
            return Ed25519PublicKey.fromHex(text);
        }
        if (text.contains("{") || text.contains("0x") || text.contains("0X")) {
            return fromCArray(text);
        }
        if (content.length == Ed25519PublicKey.LENGTH) {
            return Ed25519PublicKey.of(content);
        }
        throw new IllegalArgumentException("not an Ed25519 public key in hex, PEM, C array or raw 32-byte form");
    }

    private static boolean isText(byte[] b) {
        for (byte x : b) {
            if (x < 0x20 && x != '\n' && x != '\r' && x != '\t' || x >= 0x7f) {
                return false;
            }
        }
        return true;
    }

    static Ed25519PublicKey fromPem(String pem) {
        Matcher m = Pattern.compile("-----BEGIN ([A-Z ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL).matcher(pem);
        if (!m.find()) {
            throw new IllegalArgumentException("PEM text without a matching BEGIN/END pair");
        }
        if (!m.group(1).equals("PUBLIC KEY")) {
            throw new IllegalArgumentException("PEM holds a '" + m.group(1) + "', not a PUBLIC KEY (never give a private key here)");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(m.group(2).trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("PEM body is not valid base64");
        }
        if (der.length != SPKI_PREFIX.length + 32 || !Arrays.equals(der, 0, SPKI_PREFIX.length, SPKI_PREFIX, 0, SPKI_PREFIX.length)) {
            throw new IllegalArgumentException("PEM public key is not an Ed25519 key (expected OID 1.3.101.112)");
        }
        return Ed25519PublicKey.of(Arrays.copyOfRange(der, SPKI_PREFIX.length, der.length));
    }

    static Ed25519PublicKey fromCArray(String text) {
        String body = text;
        int open = text.indexOf('{');
        int close = text.lastIndexOf('}');
        if (open >= 0 && close > open) {
            body = text.substring(open + 1, close);
        }
        Matcher m = C_BYTE.matcher(body);
        List<Integer> values = new ArrayList<>();
        while (m.find()) {
            values.add(Integer.parseInt(m.group(1), 16));
        }
        if (values.size() != Ed25519PublicKey.LENGTH) {
            throw new IllegalArgumentException("C array holds " + values.size() + " hex bytes, an Ed25519 public key has 32");
        }
        byte[] raw = new byte[32];
        for (int i = 0; i < 32; i++) {
            raw[i] = (byte) (int) values.get(i);
        }
        return Ed25519PublicKey.of(raw);
    }

    public static String toHex(Ed25519PublicKey key) {
        return key.hex() + "\n";
    }

    public static String toPem(Ed25519PublicKey key) {
        byte[] der = new byte[SPKI_PREFIX.length + 32];
        System.arraycopy(SPKI_PREFIX, 0, der, 0, SPKI_PREFIX.length);
        System.arraycopy(key.bytes(), 0, der, SPKI_PREFIX.length, 32);
        return "-----BEGIN PUBLIC KEY-----\n" + Base64.getEncoder().encodeToString(der) + "\n-----END PUBLIC KEY-----\n";
    }

    /** A drop-in replacement for the {@code publicKey[32] PROGMEM} definition in IoTaWatt's common.cpp. */
    public static String toCArray(Ed25519PublicKey key) {
        byte[] b = key.bytes();
        StringBuilder sb = new StringBuilder();
        sb.append("// Ed25519 release key, fingerprint ").append(key.fingerprint()).append('\n');
        sb.append("const uint8_t publicKey[32] PROGMEM = {\n");
        for (int row = 0; row < 4; row++) {
            sb.append("    ");
            for (int i = 0; i < 8; i++) {
                int idx = row * 8 + i;
                sb.append(String.format(Locale.ROOT, "0x%02x", b[idx] & 0xff));
                if (idx < 31) {
                    sb.append(i < 7 ? ", " : ",");
                }
            }
            sb.append('\n');
        }
        sb.append("};\n");
        return sb.toString();
    }
}
