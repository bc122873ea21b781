package org.iotasign.io;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A folder held open, for places where a link must never lead elsewhere (a signing drive).
 * Every operation is relative to the open folder and never follows a link in the name it
 * is given ({@code openat}, {@code fstatat}, {@code renameat} with {@code O_NOFOLLOW} /
 * {@code AT_SYMLINK_NOFOLLOW}), so a name swapped for a link after it was checked is
 * refused when opened, and a parent folder swapped for a link changes nothing: the open
 * folder is used, not its path. Names are single path components.
 *
 * <p>Writes follow {@link AtomicFile}: hidden temp file {@code .NAME.RANDOM.tmp} in the
 * same folder, fsync, rename, fsync of the folder.
 */
public final class SafeFolder implements Closeable {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecureDirectoryStream<Path> dir;
    private final Path path;

    private SafeFolder(SecureDirectoryStream<Path> dir, Path path) {
        this.dir = dir;
        this.path = path;
    }

    /**
     * Opens {@code path} (links in {@code path} itself are followed: it is the trusted root).
     *
     * @throws IOException also when the platform cannot open folders this way
     */
    public static SafeFolder open(Path path) throws IOException {
        DirectoryStream<Path> ds = Files.newDirectoryStream(path);
        if (!(ds instanceof SecureDirectoryStream<Path> sds)) {
            ds.close();
            throw new IOException("this platform cannot open folders without following links");
        }
        return new SafeFolder(sds, path);
    }

    /** Where the folder was when it was opened: for messages, never for access. */
    public Path path() {
        return path;
    }

    /** The path of {@code name} in this folder: for messages, never for access. */
    public Path pathOf(Path name) {
        return path.resolve(single(name));
    }

    /** The attributes of {@code name} itself (a link is reported as a link), or empty when it does not exist. */
    public Optional<BasicFileAttributes> attributes(Path name) throws IOException {
        try {
            return Optional.of(dir.getFileAttributeView(single(name), BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    .readAttributes());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /** Opens the sub-folder {@code name}; a link there is refused, never followed. */
    public SafeFolder openFolder(Path name) throws IOException {
        BasicFileAttributes a = attributes(name).orElseThrow(() -> new NoSuchFileException(pathOf(name).toString()));
        if (!a.isDirectory()) {
            // Checked first so that a FIFO is never opened (opening one blocks).
            throw new NotDirectoryException(pathOf(name).toString());
        }
        return new SafeFolder(dir.newDirectoryStream(single(name), LinkOption.NOFOLLOW_LINKS), pathOf(name));
    }

    /**
     * Creates the sub-folder {@code name} and opens it. Java has no {@code mkdirat}: the
     * folder is created by path after checking that the path still leads to this folder.
     */
    public SafeFolder createFolder(Path name) throws IOException {
        Object self = dir.getFileAttributeView(BasicFileAttributeView.class).readAttributes().fileKey();
        Object byPath = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
        if (self == null || !self.equals(byPath)) {
            throw new IOException(path + " was replaced while open");
        }
        Files.createDirectory(pathOf(name));
        fsync();
        return openFolder(name);
    }

    /** The names in this folder (single components, bytes as on disk), in name order. */
    public List<Path> list() throws IOException {
        List<Path> names = new ArrayList<>();
        try (SecureDirectoryStream<Path> again = dir.newDirectoryStream(Path.of("."), LinkOption.NOFOLLOW_LINKS)) {
            for (Path p : again) {
                names.add(p.getFileName());
            }
        }
        names.sort(null);
        return names;
    }

    /**
     * Reads the regular file {@code name}, never through a link.
     *
     * @return the bytes, or empty when the file holds more than {@code max} bytes
     * @throws NotRegularFileException when {@code name} is a link, folder or special file
     */
    public Optional<byte[]> read(Path name, long max) throws IOException {
        BasicFileAttributes a = attributes(name).orElseThrow(() -> new NoSuchFileException(pathOf(name).toString()));
        if (!a.isRegularFile()) {
            throw new NotRegularFileException(pathOf(name), a);
        }
        SeekableByteChannel ch;
        try {
            ch = dir.newByteChannel(single(name), Set.<OpenOption>of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS));
        } catch (IOException e) {
            // Swapped between the check and the open: say what it is now.
            Optional<BasicFileAttributes> now = attributes(name);
            if (now.isPresent() && !now.get().isRegularFile()) {
                throw new NotRegularFileException(pathOf(name), now.get());
            }
            throw e;
        }
        try (InputStream in = Channels.newInputStream(ch)) {
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
            return bytes.length > max ? Optional.empty() : Optional.of(bytes);
        }
    }

    /**
     * Writes {@code name} atomically.
     *
     * @param overwrite false: fail with {@link FileAlreadyExistsException} when {@code name} exists
     */
    public void write(Path name, byte[] content, boolean overwrite) throws IOException {
        single(name);
        if (!overwrite && attributes(name).isPresent()) {
            throw new FileAlreadyExistsException(pathOf(name).toString());
        }
        Path temp = Path.of("." + name + "." + HexFormat.of().formatHex(randomBytes()) + ".tmp");
        boolean renamed = false;
        try {
            try (SeekableByteChannel ch = dir.newByteChannel(temp,
                    Set.<OpenOption>of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS))) {
                ByteBuffer bb = ByteBuffer.wrap(content);
                while (bb.hasRemaining()) {
                    ch.write(bb);
                }
                if (ch instanceof FileChannel fc) {
                    fc.force(true);
                }
            }
            if (!overwrite && attributes(name).isPresent()) {
                throw new FileAlreadyExistsException(pathOf(name).toString());
            }
            dir.move(temp, dir, name);
            renamed = true;
            fsync();
        } finally {
            if (!renamed) {
                try {
                    dir.deleteFile(temp);
                } catch (IOException ignored) {
                    // The original error is the one worth reporting.
                }
            }
        }
    }

    /** Deletes the file {@code name} (a link is deleted, not its target). */
    public void delete(Path name) throws IOException {
        dir.deleteFile(single(name));
    }

    /** Makes completed renames durable; ignored where the file system refuses to sync a folder. */
    public void fsync() {
        try (SeekableByteChannel ch = dir.newByteChannel(Path.of("."), Set.of(StandardOpenOption.READ))) {
            if (ch instanceof FileChannel fc) {
                fc.force(true);
            }
        } catch (IOException ignored) {
            // Some file systems refuse to fsync a folder; the rename itself is still atomic.
        }
    }

    @Override
    public void close() throws IOException {
        dir.close();
    }

    private static byte[] randomBytes() {
        byte[] b = new byte[8];
        RANDOM.nextBytes(b);
        return b;
    }

    /** A name relative to this folder must be one component: never absolute, never "." or "..". */
    private static Path single(Path name) {
        Objects.requireNonNull(name);
        String s = name.toString();
        if (name.isAbsolute() || name.getNameCount() != 1 || s.isEmpty() || s.equals(".") || s.equals("..")) {
            throw new IllegalArgumentException("not a single file name: " + s);
        }
        return name;
    }

    /** The name is a link, folder or special file where a regular file was expected. */
    public static final class NotRegularFileException extends IOException {
        private final transient BasicFileAttributes attributes;

        public NotRegularFileException(Path path, BasicFileAttributes attributes) {
            super(path + " is " + kind(attributes));
            this.attributes = attributes;
        }

        public boolean isLink() {
            return attributes.isSymbolicLink();
        }

        public String kind() {
            return kind(attributes);
        }

        public static String kind(BasicFileAttributes a) {
            return a.isSymbolicLink() ? "a symbolic link (never followed)" : a.isDirectory() ? "a folder" : "a special file";
        }
    }
}
