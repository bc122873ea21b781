package org.iotasign.token;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.iotasign.UsageException;

/**
 * A key address in the PKCS#11 URI scheme (RFC 7512), e.g.
 * {@code pkcs11:token=iotasign;object=release;id=%01?module-path=/usr/lib/softhsm/libsofthsm2.so&pin-source=file:/run/pin}.
 *
 * <p>Path attributes select the token (token, manufacturer, serial, model, slot-id) and
 * the key (object = CKA_LABEL, id = CKA_ID bytes). Query attributes say how to reach it
 * (module-path, module-name, pin-source). Unknown attributes are refused rather than
 * ignored: a misspelt selector would otherwise widen the match to another key.
 * {@code pin-value} is refused: a PIN in a URI ends up in shell history and process lists.
 */
public final class KeyUri {
    /** The key used when none is given: the release key in the tool's own SoftHSM2 token. */
    public static final String DEFAULT = "pkcs11:token=iotasign;object=release";

    private static final Set<String> PATH_ATTRIBUTES = Set.of(
            "token", "manufacturer", "serial", "model", "object", "id", "type", "slot-id",
            "slot-description", "slot-manufacturer", "library-manufacturer", "library-description", "library-version");
    private static final Set<String> QUERY_ATTRIBUTES = Set.of("module-path", "module-name", "pin-source", "pin-value");

    private final Map<String, String> path;
    private final Map<String, String> query;
    private final byte[] id;

    private KeyUri(Map<String, String> path, Map<String, String> query, byte[] id) {
        this.path = path;
        this.query = query;
        this.id = id;
    }

    /** True when the argument looks like a PKCS#11 URI (so a caller can choose between URI and file). */
    public static boolean looksLikeUri(String arg) {
        return arg.regionMatches(true, 0, "pkcs11:", 0, 7);
    }

    public static KeyUri parse(String text) {
        if (!looksLikeUri(text)) {
            throw new UsageException("'" + text + "' is not a PKCS#11 URI: write it as pkcs11:token=LABEL;object=KEYLABEL");
        }
        String rest = text.substring(7);
        String pathPart = rest;
        String queryPart = "";
        int q = rest.indexOf('?');
        if (q >= 0) {
            pathPart = rest.substring(0, q);
            queryPart = rest.substring(q + 1);
        }
        Map<String, String> path = split(text, pathPart, ";", PATH_ATTRIBUTES);
        Map<String, String> query = split(text, queryPart, "&", QUERY_ATTRIBUTES);
        if (query.containsKey("pin-value")) {
            throw new UsageException("PKCS#11 URI carries pin-value: a PIN in a URI leaks into shell history and process lists; "
                    + "use pin-source=file:PATH, the IOTASIGN_PIN variable, or type it at the prompt");
        }
        if (query.containsKey("pin-source") && !query.get("pin-source").startsWith("file:")
                && !query.get("pin-source").startsWith("/")) {
            throw new UsageException("pin-source '" + query.get("pin-source") + "' is not supported: use pin-source=file:/path/to/pinfile");
        }
        String type = path.get("type");
        if (type != null && !type.equals("private") && !type.equals("public")) {
            throw new UsageException("PKCS#11 URI type=" + type + " does not name an Ed25519 key: use type=private or type=public, or leave it out");
        }
        String slotId = path.get("slot-id");
        if (slotId != null && !slotId.matches("[0-9]{1,19}")) {
            throw new UsageException("PKCS#11 URI slot-id=" + slotId + " is not a decimal number: give the slot number from 'iotasign token list'");
        }
        byte[] id = null;
        if (path.containsKey("id")) {
            id = decodeBytes(text, rawValue(pathPart, "id"));
            if (id.length == 0) {
                throw new UsageException("PKCS#11 URI id is empty: give the key's CKA_ID percent-encoded, e.g. id=%01");
            }
        }
        return new KeyUri(path, query, id);
    }

    private static Map<String, String> split(String whole, String part, String separator, Set<String> allowed) {
        Map<String, String> out = new LinkedHashMap<>();
        if (part.isEmpty()) {
            return out;
        }
        for (String attr : part.split(separator, -1)) {
            int eq = attr.indexOf('=');
            if (eq <= 0) {
                throw new UsageException("PKCS#11 URI '" + whole + "' has a malformed attribute '" + attr + "': write name=value");
            }
            String name = attr.substring(0, eq).toLowerCase(Locale.ROOT);
            if (!allowed.contains(name)) {
                throw new UsageException("PKCS#11 URI attribute '" + name + "' is not supported here: use "
                        + String.join(", ", allowed.stream().sorted().toList()));
            }
            if (out.containsKey(name)) {
                throw new UsageException("PKCS#11 URI gives '" + name + "' twice: give each attribute once");
            }
            out.put(name, new String(decodeBytes(whole, attr.substring(eq + 1)), StandardCharsets.UTF_8));
        }
        return out;
    }

    private static String rawValue(String pathPart, String name) {
        for (String attr : pathPart.split(";", -1)) {
            int eq = attr.indexOf('=');
            if (eq > 0 && attr.substring(0, eq).equalsIgnoreCase(name)) {
                return attr.substring(eq + 1);
            }
        }
        throw new IllegalStateException(name);
    }

    private static byte[] decodeBytes(String whole, String value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] raw = value.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] == '%') {
                if (i + 2 >= raw.length) {
                    throw badEscape(whole);
                }
                int hi = Character.digit(raw[i + 1], 16);
                int lo = Character.digit(raw[i + 2], 16);
                if (hi < 0 || lo < 0) {
                    throw badEscape(whole);
                }
                out.write(hi << 4 | lo);
                i += 2;
            } else {
                out.write(raw[i]);
            }
        }
        return out.toByteArray();
    }

    private static UsageException badEscape(String whole) {
        return new UsageException("PKCS#11 URI '" + whole + "' has a bad percent escape: write each byte as %XX with two hex digits");
    }

    public Optional<String> token() {
        return Optional.ofNullable(path.get("token"));
    }

    public Optional<String> manufacturer() {
        return Optional.ofNullable(path.get("manufacturer"));
    }

    public Optional<String> serial() {
        return Optional.ofNullable(path.get("serial"));
    }

    public Optional<String> model() {
        return Optional.ofNullable(path.get("model"));
    }

    public Optional<Long> slotId() {
        return Optional.ofNullable(path.get("slot-id")).map(Long::parseUnsignedLong);
    }

    /** CKA_LABEL of the key. */
    public Optional<String> object() {
        return Optional.ofNullable(path.get("object"));
    }

    /** CKA_ID of the key. */
    public Optional<byte[]> id() {
        return Optional.ofNullable(id).map(byte[]::clone);
    }

    public Optional<String> type() {
        return Optional.ofNullable(path.get("type"));
    }

    public Optional<String> modulePath() {
        return Optional.ofNullable(query.get("module-path"));
    }

    public Optional<String> moduleName() {
        return Optional.ofNullable(query.get("module-name"));
    }

    /** The PIN file named by pin-source ({@code file:} prefix removed). */
    public Optional<String> pinFile() {
        String s = query.get("pin-source");
        if (s == null) {
            return Optional.empty();
        }
        return Optional.of(s.startsWith("file:") ? s.substring(5) : s);
    }

    /** True when the URI names a key on a token (object or id), not only a token. */
    public boolean namesKey() {
        return path.containsKey("object") || id != null;
    }

    /** The URI without query attributes, for messages: it never carries a PIN or file path. */
    public String describe() {
        StringBuilder sb = new StringBuilder("pkcs11:");
        String sep = "";
        for (Map.Entry<String, String> e : path.entrySet()) {
            sb.append(sep).append(e.getKey()).append('=');
            if (e.getKey().equals("id")) {
                for (byte b : id) {
                    sb.append('%').append(HexFormat.of().withUpperCase().toHexDigits(b));
                }
            } else {
                sb.append(encode(e.getValue()));
            }
            sep = ";";
        }
        return sb.toString();
    }

    /** Percent-encodes an attribute value (label, serial) for writing into a URI. */
    public static String encode(String value) {
        StringBuilder sb = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "-._~:[]@!$'()*+,=&".indexOf(c) >= 0) {
                sb.append((char) c);
            } else {
                sb.append('%').append(HexFormat.of().withUpperCase().toHexDigits((byte) c));
            }
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return describe();
    }
}
