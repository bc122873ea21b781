package org.iotasign.site;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.iotasign.EnvironmentException;
import org.iotasign.io.AtomicFile;

/**
 * The site's history file: one JSON object per line, appended and fsynced for every
 * publish that changed versions.json. It is the record of who moved which class when,
 * and of the reason given for every rollback.
 */
final class History {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private History() {
    }

    static ObjectNode newEntry(String action) {
        ObjectNode e = MAPPER.createObjectNode();
        e.put("time", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        e.put("action", action);
        return e;
    }

    static void append(Path file, ObjectNode entry) {
        byte[] line;
        try {
            line = (MAPPER.writeValueAsString(entry) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ByteBuffer buf = ByteBuffer.wrap(line);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        } catch (IOException e) {
            throw new EnvironmentException("versions.json was updated but the history could not be written to " + file + ": "
                    + AtomicFile.describe(e) + ": record this publish by hand and check the disk");
        }
    }
}
