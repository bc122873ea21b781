package org.iotasign.site;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The content of firmware/versions.json as the site writes it: strict JSON, classes in a
 * fixed order (MAJOR, MINOR, BETA, ALPHA, TEST, then any other keys as found), then
 * {@code tables}, then any other top-level members as found. Same content, same bytes.
 */
public final class VersionsFile {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private final Map<String, String> classes;
    private final String tables;
    private final ObjectNode others;

    private VersionsFile(Map<String, String> classes, String tables, ObjectNode others) {
        this.classes = classes;
        this.tables = tables;
        this.others = others;
    }

    public static VersionsFile empty() {
        return new VersionsFile(new LinkedHashMap<>(), null, JsonNodeFactory.instance.objectNode());
    }

    /** Strict parse; IllegalArgumentException says what is wrong in one line. */
    public static VersionsFile parse(byte[] json) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new IllegalArgumentException("not readable as JSON: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("the top level is not a JSON object");
        }
        JsonNode classesNode = root.get("classes");
        if (classesNode == null || !classesNode.isObject()) {
            throw new IllegalArgumentException("there is no \"classes\" object");
        }
        Map<String, String> classes = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = classesNode.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                throw new IllegalArgumentException("class " + e.getKey() + " is not a string");
            }
            classes.put(e.getKey(), e.getValue().asText());
        }
        JsonNode tablesNode = root.get("tables");
        if (tablesNode != null && !tablesNode.isTextual()) {
            throw new IllegalArgumentException("\"tables\" is not a string");
        }
        ObjectNode others = ((ObjectNode) root).deepCopy();
        others.remove("classes");
        others.remove("tables");
        return new VersionsFile(classes, tablesNode == null ? null : tablesNode.asText(), others);
    }

    /** Class name to version, in file order. */
    public Map<String, String> classes() {
        return java.util.Collections.unmodifiableMap(classes);
    }

    public Optional<String> version(UpdateClass c) {
        return Optional.ofNullable(classes.get(c.name()));
    }

    public Optional<String> tables() {
        return Optional.ofNullable(tables);
    }

    public VersionsFile withClass(UpdateClass c, String version) {
        Map<String, String> copy = new LinkedHashMap<>(classes);
        copy.put(c.name(), version);
        return new VersionsFile(copy, tables, others);
    }

    public VersionsFile withTables(String version) {
        return new VersionsFile(classes, version, others);
    }

    /** The canonical bytes: pretty-printed, fixed member order, trailing newline. */
    public byte[] toBytes() {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        ObjectNode classesNode = root.putObject("classes");
        for (UpdateClass c : UpdateClass.values()) {
            if (classes.containsKey(c.name())) {
                classesNode.put(c.name(), classes.get(c.name()));
            }
        }
        classes.forEach((k, v) -> {
            if (!UpdateClass.isClassName(k)) {
                classesNode.put(k, v);
            }
        });
        if (tables != null) {
            root.put("tables", tables);
        }
        root.setAll(others);
        try {
            return (MAPPER.writeValueAsString(root) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VersionsFile v && java.util.Arrays.equals(toBytes(), v.toBytes());
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(toBytes());
    }
}
