package org.iotasign.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFileModeTest {
    @TempDir
    Path dir;

    @Test
    void theGivenModeIsTheFilesModeAndWithoutOneTheFileIsTheOwnersOnly() throws Exception {
        Path served = dir.resolve("served.json");
        AtomicFile.write(served, new byte[] {1}, false, PosixFilePermissions.fromString("rw-r--r--"));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(served)));
        Path replaced = dir.resolve("replaced.json");
        Files.write(replaced, new byte[] {0});
        Files.setPosixFilePermissions(replaced, PosixFilePermissions.fromString("rw-------"));
        AtomicFile.write(replaced, new byte[] {2}, true, PosixFilePermissions.fromString("rw-r--r--"));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(replaced)));
        Path own = dir.resolve("own.txt");
        AtomicFile.write(own, new byte[] {3}, false);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(own)));
    }

    @Test
    void recognisesItsOwnTempFileNames() {
        assertTrue(AtomicFile.isTempFile(Path.of(".versions.json.123456.tmp")));
        assertFalse(AtomicFile.isTempFile(Path.of("versions.json")));
        assertFalse(AtomicFile.isTempFile(Path.of("notes.tmp")));
        assertFalse(AtomicFile.isTempFile(Path.of(".tmp")));
    }
}
