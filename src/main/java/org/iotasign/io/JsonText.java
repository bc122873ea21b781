package org.iotasign.io;

import java.io.IOException;
import java.io.StringWriter;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.json.JsonWriteFeature;

/**
 * JSON for records, receipts and {@code --json} output, on Jackson's streaming layer.
 * Values are plain Java: Map (ordered), List, record, String, Number, Boolean, null. Jackson's
 * ObjectMapper does the same but costs a few hundred milliseconds to start, which is
 * most of a short command's run.
 */
public final class JsonText {
    private static final JsonFactory FACTORY = new JsonFactory();

    private JsonText() {
    }

    /** Compact JSON, members in the map's order. */
    public static String compact(Object value) {
        return write(value, false);
    }

    /** Indented JSON for people and scripts. */
    public static String pretty(Object value) {
        return write(value, true);
    }

    /**
     * Indented JSON for {@code --json} output, which may reach a terminal: every character
     * outside printable ASCII is written as a JSON escape ({@code \u001b}, {@code \u202e}),
     * so the values parse back exactly and nothing acts on the terminal.
     */
    public static String forTerminal(Object value) {
        return write(value, true, true);
    }

    /** Escapes DEL as well as what JSON requires; non-ASCII goes through {@link JsonWriteFeature#ESCAPE_NON_ASCII}. */
    private static final CharacterEscapes ASCII_ONLY = new CharacterEscapes() {
        private final int[] escapes = withDelete(CharacterEscapes.standardAsciiEscapesForJSON());

        private static int[] withDelete(int[] standard) {
            int[] e = java.util.Arrays.copyOf(standard, 128);
            e[0x7f] = CharacterEscapes.ESCAPE_STANDARD;
            return e;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return escapes;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            return null;
        }
    };

    private static String write(Object value, boolean pretty) {
        return write(value, pretty, false);
    }

    private static String write(Object value, boolean pretty, boolean asciiOnly) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            if (pretty) {
                g.useDefaultPrettyPrinter();
            }
            if (asciiOnly) {
                g.enable(JsonWriteFeature.ESCAPE_NON_ASCII.mappedFeature());
                g.setCharacterEscapes(ASCII_ONLY);
            }
            writeValue(g, value);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toString();
    }

    private static void writeValue(JsonGenerator g, Object v) throws IOException {
        if (v == null) {
            g.writeNull();
        } else if (v instanceof Map<?, ?> m) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                g.writeFieldName(String.valueOf(e.getKey()));
                writeValue(g, e.getValue());
            }
            g.writeEndObject();
        } else if (v instanceof Record r) {
            // A record is an object of its components, in declaration order (selftest's report).
            g.writeStartObject();
            for (RecordComponent c : r.getClass().getRecordComponents()) {
                g.writeFieldName(c.getName());
                writeValue(g, component(r, c));
            }
            g.writeEndObject();
        } else if (v instanceof Iterable<?> list) {
            g.writeStartArray();
            for (Object item : list) {
                writeValue(g, item);
            }
            g.writeEndArray();
        } else if (v instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            g.writeNumber(((Number) v).longValue());
        } else if (v instanceof Number n) {
            g.writeNumber(n.doubleValue());
        } else {
            g.writeString(v.toString());
        }
    }

    private static Object component(Record r, RecordComponent c) {
        try {
            Method accessor = c.getAccessor();
            accessor.setAccessible(true);
            return accessor.invoke(r);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read " + r.getClass().getSimpleName() + "." + c.getName(), e);
        }
    }

    /**
     * Parses one JSON value: objects become ordered maps, integers Long, other numbers
     * Double. Trailing content after the value is an error.
     */
    public static Object parse(String json) throws IOException {
        try (JsonParser p = FACTORY.createParser(json)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                throw new IOException("empty JSON text");
            }
            Object v = readValue(p, t);
            if (p.nextToken() != null) {
                throw new IOException("content after the JSON value");
            }
            return v;
        }
    }

    private static Object readValue(JsonParser p, JsonToken t) throws IOException {
        switch (t) {
            case START_OBJECT: {
                Map<String, Object> m = new LinkedHashMap<>();
                for (JsonToken k = p.nextToken(); k != JsonToken.END_OBJECT; k = p.nextToken()) {
                    String name = p.currentName();
                    m.put(name, readValue(p, p.nextToken()));
                }
                return m;
            }
            case START_ARRAY: {
                List<Object> l = new ArrayList<>();
                for (JsonToken k = p.nextToken(); k != JsonToken.END_ARRAY; k = p.nextToken()) {
                    l.add(readValue(p, k));
                }
                return l;
            }
            case VALUE_STRING:
                return p.getText();
            case VALUE_NUMBER_INT:
                return p.getLongValue();
            case VALUE_NUMBER_FLOAT:
                return p.getDoubleValue();
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return null;
            default:
                throw new IOException("unexpected JSON token " + t);
        }
    }
}
