package org.iotasign.site;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.iotasign.crypto.Hashes;
import org.iotasign.EnvironmentException;
import org.iotasign.io.AtomicFile;

/**
 * The site's history file: one JSON object per line, appended and fsynced. It is the record
 * of who moved which class when, and of the reason given for every rollback.
 *
 * <p>A publish appends its line <em>before</em> it replaces versions.json (intent first), with
 * the SHA-256 of versions.json before ({@code versions_before}) and after
 * ({@code versions_after}). Whenever the process dies, versions.json therefore matches either
 * the last line's {@code versions_after} (done) or its {@code versions_before} (the publish
 * was interrupted before versions.json changed); the next publish then appends an
 * {@code interrupted} line, whose {@code versions} is the digest versions.json kept. Lines
 * written before these digests existed carry only the class and tables moves; such a history
 * is checked by replaying the moves.
 */
final class History {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    static final String PUBLISH = "publish";
    static final String INTERRUPTED = "interrupted";

    private History() {
    }

    /** How versions.json relates to the history. */
    enum Agreement {
        /** versions.json is what the last recorded publish left. */
        AGREES,
        /** The last line is a publish that did not reach versions.json (the process died in between). */
        INTERRUPTED,
        /** versions.json was changed other than by publish, or the history was edited. */
        DISAGREES
    }

    static ObjectNode newEntry(String action) {
        ObjectNode e = MAPPER.createObjectNode();
        e.put("time", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        e.put("action", action);
        return e;
    }

    /**
     * Appends one line and fsyncs it. A last line without its newline (a write cut short by a
     * crash) is cut off first, so it never merges with the new line.
     */
    static void append(Path file, ObjectNode entry) {
        byte[] line;
        try {
            line = (MAPPER.writeValueAsString(entry) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        try (FileChannel ch = FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(SiteLayout.PRIVATE_FILE))) {
            long end = completeLength(ch);
            ch.truncate(end);
            ByteBuffer buf = ByteBuffer.wrap(line);
            long at = end;
            while (buf.hasRemaining()) {
                at += ch.write(buf, at);
            }
            ch.force(true);
        } catch (IOException e) {
            throw new EnvironmentException("cannot write the site history " + file + ": " + AtomicFile.describe(e)
                    + ": nothing was published; check free space and permissions, then publish again");
        }
    }

    /** The length of the file up to and including its last newline. */
    private static long completeLength(FileChannel ch) throws IOException {
        long size = ch.size();
        ByteBuffer one = ByteBuffer.allocate(1);
        for (long p = size - 1; p >= 0; p--) {
            one.clear();
            ch.read(one, p);
            if (one.get(0) == '\n') {
                return p + 1;
            }
        }
        return 0;
    }

    /**
     * The complete lines of the history (a last line without newline was cut short and is not
     * part of it); IllegalArgumentException names a line that is not a JSON object.
     */
    static List<ObjectNode> read(Path file) throws IOException {
        List<ObjectNode> entries = new ArrayList<>();
        if (!Files.exists(file)) {
            return entries;
        }
        String text = Files.readString(file, StandardCharsets.UTF_8);
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length - 1; i++) { // the part after the last newline is incomplete
            if (lines[i].isBlank()) {
                continue;
            }
            JsonNode n;
            try {
                n = MAPPER.readTree(lines[i]);
            } catch (JsonProcessingException e) {
                n = null;
            }
            if (n == null || !n.isObject()) {
                throw new IllegalArgumentException("line " + (i + 1) + " is not a JSON object");
            }
            entries.add((ObjectNode) n);
        }
        return entries;
    }

    /**
     * Compares versions.json (its bytes) with the history. {@code emptyVersions} is what a
     * new site's versions.json holds, the state before any history.
     */
    static Agreement agreement(List<ObjectNode> entries, byte[] versions, byte[] emptyVersions) {
        String current = Hashes.sha256Hex(versions);
        if (entries.isEmpty()) {
            return current.equals(Hashes.sha256Hex(emptyVersions)) ? Agreement.AGREES : Agreement.DISAGREES;
        }
        ObjectNode last = entries.get(entries.size() - 1);
        String action = last.path("action").asText();
        if (INTERRUPTED.equals(action)) {
            return current.equals(last.path("versions").asText()) ? Agreement.AGREES : Agreement.DISAGREES;
        }
        if (last.hasNonNull("versions_after")) {
            if (current.equals(last.get("versions_after").asText())) {
                return Agreement.AGREES;
            }
            return current.equals(last.path("versions_before").asText()) ? Agreement.INTERRUPTED : Agreement.DISAGREES;
        }
        // Written before the digests were recorded: replay the moves.
        Map<String, String> classes = new HashMap<>();
        String tables = null;
        for (ObjectNode e : entries) {
            if (!PUBLISH.equals(e.path("action").asText())) {
                continue;
            }
            for (Map.Entry<String, JsonNode> c : e.path("classes").properties()) {
                classes.put(c.getKey(), c.getValue().path("to").asText(null));
            }
            if (e.has("tables")) {
                tables = e.path("tables").path("to").asText(null);
            }
        }
        VersionsFile v;
        try {
            v = VersionsFile.parse(versions);
        } catch (IllegalArgumentException e) {
            return Agreement.DISAGREES;
        }
        return classes.equals(new HashMap<>(v.classes())) && Objects.equals(Optional.ofNullable(tables), v.tables())
                ? Agreement.AGREES : Agreement.DISAGREES;
    }

    /** The line recording that {@code interrupted} did not change versions.json, which still has digest {@code versionsSha}. */
    static ObjectNode interruptedEntry(ObjectNode interrupted, String versionsSha) {
        ObjectNode e = newEntry(INTERRUPTED);
        e.put("of", interrupted.path("time").asText());
        e.put("versions", versionsSha);
        return e;
    }
}
