package org.iotasign.site;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Parses versions.json the way the device does: ArduinoJson 5.13 {@code parseObject} on
 * the response text (platformio.ini pins ArduinoJson 5.13.4). That parser is lenient where
 * a strict JSON parser is not, and the probe must accept and reject exactly what a device
 * accepts and rejects:
 * <ul>
 *   <li>the text ends at the first NUL byte; anything after the root object's closing
 *       brace is ignored;</li>
 *   <li>single or double quotes; unquoted words made of {@code 0-9 A-Z _ ` a-z + - .} are
 *       taken as raw values (so {@code 02_08_05} without quotes is a version string) and
 *       as keys; an empty word is a valid (empty) value or key;</li>
 *   <li>{@code /* *}{@code /} and {@code //} comments count as white space;</li>
 *   <li>backslash escapes map b f n r t to control characters and any other character to
 *       itself ({@code \u0041} is the letters u0041); an unterminated string ends at the
 *       end of the text;</li>
 *   <li>a repeated key replaces the earlier value;</li>
 *   <li>at most 10 nested objects and arrays, counting the root.</li>
 * </ul>
 */
public final class DeviceJson {
    /** ARDUINOJSON_DEFAULT_NESTING_LIMIT in embedded mode. */
    static final int NESTING_LIMIT = 10;

    /** A parsed value: object, array, quoted string or unquoted ("raw") word. */
    public sealed interface Value permits Obj, Arr, Str, Raw {
    }

    /** A JSON object; keys keep the position of their first appearance, last value wins. */
    public record Obj(Map<String, Value> members) implements Value {
        public Optional<Value> get(String key) {
            return Optional.ofNullable(members.get(key));
        }

        public boolean containsKey(String key) {
            return members.containsKey(key);
        }

        /** {@code obj[key].as<JsonObject&>()}: present only when the member is an object. */
        public Optional<Obj> object(String key) {
            Value v = members.get(key);
            return v instanceof Obj o ? Optional.of(o) : Optional.empty();
        }

        /**
         * {@code obj[key].as<char*>()}: the text of a quoted string or unquoted word, null for
         * a missing key, an object, an array or the unquoted word {@code null}.
         */
        public String string(String key) {
            Value v = members.get(key);
            if (v instanceof Str s) {
                return s.text();
            }
            if (v instanceof Raw r && !r.text().equals("null")) {
                return r.text();
            }
            return null;
        }
    }

    public record Arr(List<Value> items) implements Value {
    }

    public record Str(String text) implements Value {
    }

    public record Raw(String text) implements Value {
    }

    private final String in;
    private int pos;
    private int nesting = NESTING_LIMIT;

    private DeviceJson(String text) {
        this.in = text;
    }

    /** {@code parseObject(responseText)}: the root object, or empty when the device's parse fails. */
    public static Optional<Obj> parseObject(byte[] body) {
        String text = new String(body, StandardCharsets.ISO_8859_1);
        int nul = text.indexOf('\0');
        if (nul >= 0) {
            text = text.substring(0, nul);
        }
        return Optional.ofNullable(new DeviceJson(text).object());
    }

    private char current() {
        return pos < in.length() ? in.charAt(pos) : '\0';
    }

    private char next() {
        return pos + 1 < in.length() ? in.charAt(pos + 1) : '\0';
    }

    private void move() {
        if (pos < in.length()) {
            pos++;
        }
    }

    private void skipSpacesAndComments() {
        for (;;) {
            char c = current();
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                move();
                continue;
            }
            if (c != '/') {
                return;
            }
            if (next() == '*') {
                move();
                for (;;) {
                    move();
                    if (current() == '\0') {
                        return;
                    }
                    if (current() == '*' && next() == '/') {
                        move();
                        move();
                        break;
                    }
                }
            } else if (next() == '/') {
                for (;;) {
                    move();
                    if (current() == '\0') {
                        return;
                    }
                    if (current() == '\n') {
                        break;
                    }
                }
            } else {
                return;
            }
        }
    }

    private boolean eat(char expected) {
        skipSpacesAndComments();
        if (current() != expected) {
            return false;
        }
        move();
        return true;
    }

    private Obj object() {
        if (nesting == 0) {
            return null;
        }
        nesting--;
        if (!eat('{')) {
            return null;
        }
        Map<String, Value> members = new LinkedHashMap<>();
        if (!eat('}')) {
            for (;;) {
                String key = string();
                if (!eat(':')) {
                    return null;
                }
                Value value = anything();
                if (value == null) {
                    return null;
                }
                members.put(key, value);
                if (eat('}')) {
                    break;
                }
                if (!eat(',')) {
                    return null;
                }
            }
        }
        nesting++;
        return new Obj(Collections.unmodifiableMap(members));
    }

    private Arr array() {
        if (nesting == 0) {
            return null;
        }
        nesting--;
        if (!eat('[')) {
            return null;
        }
        List<Value> items = new ArrayList<>();
        if (!eat(']')) {
            for (;;) {
                Value value = anything();
                if (value == null) {
                    return null;
                }
                items.add(value);
                if (eat(']')) {
                    break;
                }
                if (!eat(',')) {
                    return null;
                }
            }
        }
        nesting++;
        return new Arr(Collections.unmodifiableList(items));
    }

    private Value anything() {
        skipSpacesAndComments();
        switch (current()) {
            case '[':
                return array();
            case '{':
                return object();
            default:
                boolean quoted = isQuote(current());
                String s = string();
                return quoted ? new Str(s) : new Raw(s);
        }
    }

    private String string() {
        StringBuilder sb = new StringBuilder();
        skipSpacesAndComments();
        char c = current();
        if (isQuote(c)) {
            move();
            char stop = c;
            for (;;) {
                c = current();
                if (c == '\0') {
                    break;
                }
                move();
                if (c == stop) {
                    break;
                }
                if (c == '\\') {
                    c = unescape(current());
                    if (c == '\0') {
                        break;
                    }
                    move();
                }
                sb.append(c);
            }
        } else {
            while (canBeInNonQuotedString(c)) {
                move();
                sb.append(c);
                c = current();
            }
        }
        return sb.toString();
    }

    private static char unescape(char c) {
        switch (c) {
            case 'b': return '\b';
            case 'f': return '\f';
            case 'n': return '\n';
            case 'r': return '\r';
            case 't': return '\t';
            default: return c;
        }
    }

    private static boolean isQuote(char c) {
        return c == '\'' || c == '"';
    }

    private static boolean canBeInNonQuotedString(char c) {
        return (c >= '0' && c <= '9') || (c >= '_' && c <= 'z') || (c >= 'A' && c <= 'Z')
                || c == '+' || c == '-' || c == '.';
    }
}
