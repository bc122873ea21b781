package org.iotasign.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A held folder: what it opens, reads and writes never leaves it through a link. */
class SafeFolderTest {
    @TempDir
    Path dir;

    @Test
    void aFolderSwappedForALinkAfterItWasOpenedIsStillTheOneWrittenAndRead() throws IOException {
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Path held = Files.createDirectories(dir.resolve("drive/iotasign"));
        try (SafeFolder root = SafeFolder.open(dir.resolve("drive")); SafeFolder base = root.openFolder(Path.of("iotasign"))) {
            Files.move(held, dir.resolve("moved"));
            Files.createSymbolicLink(held, outside); // the path now leads off the drive
            base.write(Path.of("out.bin"), new byte[] {1, 2}, false);
            assertArrayEquals(new byte[] {1, 2}, base.read(Path.of("out.bin"), 10).orElseThrow());
        }
        assertTrue(Files.exists(dir.resolve("moved/out.bin")), "written in the folder that was opened");
        try (Stream<Path> s = Files.list(outside)) {
            assertEquals(0, s.count(), "nothing written through the link");
        }
    }

    @Test
    void linksAreReportedNeverFollowedAndNamesAreSingleComponents() throws IOException {
        Path secret = Files.writeString(dir.resolve("secret"), "not for the drive");
        Path drive = Files.createDirectories(dir.resolve("drive"));
        Files.createSymbolicLink(drive.resolve("link"), secret);
        Files.createSymbolicLink(drive.resolve("folderlink"), dir);
        try (SafeFolder root = SafeFolder.open(drive)) {
            SafeFolder.NotRegularFileException e = assertThrows(SafeFolder.NotRegularFileException.class,
                    () -> root.read(Path.of("link"), 100));
            assertTrue(e.isLink(), e.getMessage());
            assertThrows(java.nio.file.NotDirectoryException.class, () -> root.openFolder(Path.of("folderlink")));
            for (String bad : List.of("..", ".", "../secret", "a/b", "/etc/passwd", "")) {
                assertThrows(IllegalArgumentException.class, () -> root.read(Path.of(bad), 100), bad);
                assertThrows(IllegalArgumentException.class, () -> root.write(Path.of(bad), new byte[1], true), bad);
            }
            root.write(Path.of("once"), new byte[] {1}, false);
            assertThrows(FileAlreadyExistsException.class, () -> root.write(Path.of("once"), new byte[] {2}, false));
            assertArrayEquals(new byte[] {1}, Files.readAllBytes(drive.resolve("once")), "never replaced");
            root.write(Path.of("link"), new byte[] {3}, true); // replaces the link itself, not its target
            assertFalse(Files.isSymbolicLink(drive.resolve("link")));
            assertEquals(List.of("folderlink", "link", "once"), root.list().stream().map(Path::toString).toList(), "no temp file left");
        }
        assertEquals("not for the drive", Files.readString(secret));
    }

    @Test
    void aFileLargerThanTheLimitIsNotReadWhole() throws IOException {
        Files.write(dir.resolve("big"), new byte[1001]);
        try (SafeFolder root = SafeFolder.open(dir)) {
            assertTrue(root.read(Path.of("big"), 1000).isEmpty());
            assertEquals(1001, root.read(Path.of("big"), 1001).orElseThrow().length);
        }
    }
}
