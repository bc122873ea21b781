package org.iotasign.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

import org.iotasign.EnvironmentException;
import org.iotasign.Hint;
import org.iotasign.UsageException;

/**
 * Writes a file so that readers see either the old state or the complete new file:
 * temp file in the same folder, fsync, rename, fsync the folder. A failed write leaves
 * no temp file behind.
 */
public final class AtomicFile {
    /** Writes the bytes a {@link Writer} produces. */
    @FunctionalInterface
    public interface Writer {
        void writeTo(OutputStream out) throws IOException;
    }

    private static final String TEMP_SUFFIX = ".tmp";

    private AtomicFile() {
    }

    public static void write(Path target, byte[] content, boolean overwrite) {
        write(target, out -> out.write(content), overwrite);
    }

    /** As {@link #write(Path, byte[], boolean)}, the file getting {@code mode} (e.g. world-readable for a web server). */
    public static void write(Path target, byte[] content, boolean overwrite, Set<PosixFilePermission> mode) {
        write(target, out -> out.write(content), overwrite, mode);
    }

    /** The new file has mode 0600 (owner only), whatever the umask. */
    public static void write(Path target, Writer writer, boolean overwrite) {
        write(target, writer, overwrite, null);
    }

    /** True for a temp file this class names ({@code .NAME.RANDOM.tmp}), e.g. one left by a killed process. */
    public static boolean isTempFile(Path file) {
        String n = file.getFileName().toString();
        return n.startsWith(".") && n.endsWith(TEMP_SUFFIX) && n.length() > 1 + TEMP_SUFFIX.length();
    }

    /**
     * @param overwrite false: refuse (exit 2) when the target exists, and never replace
     *                  a file that appears while writing
     * @param mode      the file's permissions, set on the temp file before the rename so the
     *                  file never appears with another mode (null: 0600); ignored where the
     *                  file system has no POSIX permissions
     */
    public static void write(Path target, Writer writer, boolean overwrite, Set<PosixFilePermission> mode) {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        if (!overwrite && Files.exists(absolute, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new UsageException(target + " already exists", Hint.REPLACE_OUTPUT);
        }
        if (!Files.isDirectory(dir)) {
            throw new UsageException("output folder " + dir + " does not exist: create it first");
        }
        Path temp = null;
        try {
            temp = Files.createTempFile(dir, "." + absolute.getFileName() + ".", TEMP_SUFFIX);
            if (mode != null) {
                setMode(temp, mode);
            }
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
                 OutputStream out = Channels.newOutputStream(ch)) {
                writer.writeTo(out);
                out.flush();
                ch.force(true);
            }
            if (overwrite) {
                move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } else {
                // A hard link fails if the target appeared meanwhile: never clobber.
                try {
                    Files.createLink(absolute, temp);
                    Files.delete(temp);
                } catch (UnsupportedOperationException | IOException linkFailed) {
                    if (linkFailed instanceof FileAlreadyExistsException) {
                        throw new UsageException(target + " already exists", Hint.REPLACE_OUTPUT);
                    }
                    if (Files.exists(absolute, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                        throw new UsageException(target + " already exists", Hint.REPLACE_OUTPUT);
                    }
                    move(temp, absolute, StandardCopyOption.ATOMIC_MOVE);
                }
            }
            temp = null;
            fsyncDirectory(dir);
        } catch (IOException e) {
            throw new EnvironmentException("cannot write " + target + ": " + describe(e) + ": check free space and permissions of the output folder", e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // The original error is the one worth reporting.
                }
            }
        }
    }

    /**
     * Fails now, the way {@link #write} would fail later, when the folder of {@code target}
     * is missing or cannot be written to: for callers that must find this out before doing
     * something that cannot be undone (a signature and its ledger record).
     */
    public static void requireWritableFolder(Path target) {
        Path dir = target.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) {
            throw new UsageException("output folder " + dir + " does not exist: create it first");
        }
        Path probe = null;
        try {
            probe = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
        } catch (IOException e) {
            throw new EnvironmentException("cannot write in output folder " + dir + ": " + describe(e)
                    + ": choose a folder you can write to");
        } finally {
            if (probe != null) {
                try {
                    Files.deleteIfExists(probe);
                } catch (IOException ignored) {
                    // An empty hidden temp file is harmless; the probe showed the folder is writable.
                }
            }
        }
    }

    /** chmod, which (unlike the mode given at creation) the umask does not narrow; a no-op without POSIX permissions. */
    public static void setMode(Path p, Set<PosixFilePermission> mode) throws IOException {
        try {
            Files.setPosixFilePermissions(p, mode);
        } catch (UnsupportedOperationException notPosix) {
            // e.g. FAT on a USB drive: there are no permissions to set.
        }
    }

    private static void move(Path from, Path to, StandardCopyOption... options) throws IOException {
        try {
            Files.move(from, to, options);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("the file system cannot rename atomically", e);
        }
    }

    /** Makes a completed rename durable; ignored where the platform cannot open folders. */
    public static void fsyncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException ignored) {
            // Some file systems refuse to fsync a folder; the rename itself is still atomic.
        }
    }

    public static String describe(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file or folder";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileAlreadyExistsException) {
            return "already exists";
        }
        String m = e.getMessage();
        return m == null ? "input/output error" : m; // Never a Java class name.
    }
}
