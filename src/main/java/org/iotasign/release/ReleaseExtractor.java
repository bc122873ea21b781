package org.iotasign.release;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.Stream;

import org.iotasign.EnvironmentException;
import org.iotasign.Hint;
import org.iotasign.UsageException;
import org.iotasign.io.AtomicFile;

/**
 * Writes a verified release's files into a folder, all or nothing: into a temporary
 * sibling folder first, which is renamed into place once every file is on disk.
 * Unlike the device, which extracts before it checks the signature.
 */
public final class ReleaseExtractor {
    private ReleaseExtractor() {
    }

    /** @param bytes the exact bytes that were verified (never re-read from disk) */
    public static void extract(byte[] bytes, ReleaseBlob verified, Path dir) {
        Path target = dir.toAbsolutePath();
        if (Files.exists(target) && !isEmptyDir(target)) {
            throw new UsageException("folder " + dir + " already exists and is not empty: give a new folder", Hint.EXTRACT_FOLDER);
        }
        Path parent = target.getParent();
        Path temp = null;
        try {
            temp = Files.createTempDirectory(parent, "." + target.getFileName() + ".");
            for (EntryInfo e : verified.entries()) {
                int start = (int) e.offset() + ReleaseLayout.ENTRY_HEADER_LENGTH;
                byte[] data = Arrays.copyOfRange(bytes, start, start + (int) e.length());
                Path file = temp.resolve(e.name());
                Files.write(file, data, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                    ch.force(true);
                }
            }
            AtomicFile.fsyncDirectory(temp);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            temp = null;
            AtomicFile.fsyncDirectory(parent);
        } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
            throw new UsageException("folder " + dir + " appeared while extracting: give a new folder", Hint.EXTRACT_FOLDER);
        } catch (IOException e) {
            throw new EnvironmentException("cannot extract into " + dir + ": " + AtomicFile.describe(e) + ": check free space and permissions");
        } finally {
            if (temp != null) {
                deleteTree(temp);
            }
        }
    }

    private static boolean isEmptyDir(Path p) {
        try (Stream<Path> s = Files.list(p)) {
            return s.findAny().isEmpty();
        } catch (IOException e) {
            return false;
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // Best effort: the temporary folder is hidden and named as such.
                }
            });
        } catch (IOException ignored) {
            // Nothing more can be done; the original error is reported.
        }
    }
}
