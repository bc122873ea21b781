package org.iotasign.site;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Decides which request paths a site answers, and opens them: exactly the three kinds of
 * file a device asks for, and nothing else. Everything else (other folders, the site's own
 * records, folders themselves, dot files, links, anything outside the site) is "not found".
 * This is an allow-list rather than a deny-list, so an encoding trick that gets past the
 * HTTP layer still cannot name a file that is not on the list.
 *
 * <p>The file is opened first and what was opened is checked, so a name swapped for a link
 * between a check and the open cannot make the server send another file: every folder from
 * the site root down is opened relative to the one above without following a link
 * ({@link SecureDirectoryStream}, openat with O_NOFOLLOW) and checked through its open handle,
 * the file is opened the same way, and it must be a regular file with the same identity
 * (device and inode) as the entry found under its name just before and just after opening.
 * The caller sends only from the returned open channel.
 */
public final class ServedPath {
    private static final String NAME = "[A-Za-z0-9][A-Za-z0-9_.-]{0,63}";
    private static final Pattern ALLOWED = Pattern.compile(
            "/firmware/versions\\.json|/firmware/bin/" + NAME + "\\.bin|/download/tables/" + NAME + "\\.txt");

    private ServedPath() {
    }

    /** An opened served file: send from {@link #channel()} only. */
    public record Opened(SeekableByteChannel channel, long size, BasicFileAttributes attributes) implements Closeable {
        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    /** True for a decoded request path of the kind the site serves (whether or not it exists). */
    public static boolean allowed(String decodedPath) {
        return decodedPath != null && ALLOWED.matcher(decodedPath).matches();
    }

    /**
     * Opens the served file for a decoded request path; empty when the path is not one the
     * site serves, or no regular file is there without following a link.
     *
     * @throws IOException when the site itself cannot be read (the site folder is gone, a
     *                     file is unreadable): a server fault, not a missing file
     */
    public static Optional<Opened> open(Path realRoot, String decodedPath) throws IOException {
        if (!allowed(decodedPath)) {
            return Optional.empty();
        }
        String[] parts = decodedPath.substring(1).split("/");
        List<SecureDirectoryStream<Path>> dirs = new ArrayList<>();
        try {
            DirectoryStream<Path> root = Files.newDirectoryStream(realRoot);
            if (!(root instanceof SecureDirectoryStream<Path> secureRoot)) {
                root.close();
                throw new IOException("this platform cannot open files relative to a folder without following links");
            }
            dirs.add(secureRoot);
            for (int i = 0; i < parts.length - 1; i++) {
                SecureDirectoryStream<Path> parent = dirs.get(dirs.size() - 1);
                Path name = Path.of(parts[i]);
                SecureDirectoryStream<Path> child;
                try {
                    child = parent.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS);
                } catch (AccessDeniedException e) {
                    throw e;
                } catch (IOException notAFolder) {
                    return Optional.empty(); // missing, a link (O_NOFOLLOW) or not a folder
                }
                dirs.add(child);
                if (!child.getFileAttributeView(BasicFileAttributeView.class).readAttributes().isDirectory()) {
                    return Optional.empty();
                }
            }
            return openFile(dirs.get(dirs.size() - 1), Path.of(parts[parts.length - 1]));
        } finally {
            for (SecureDirectoryStream<Path> d : dirs) {
                d.close();
            }
        }
    }

    private static Optional<Opened> openFile(SecureDirectoryStream<Path> dir, Path name) throws IOException {
        Optional<BasicFileAttributes> before = regularFile(dir, name);
        if (before.isEmpty()) {
            return Optional.empty();
        }
        SeekableByteChannel ch;
        try {
            ch = dir.newByteChannel(name, Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS));
        } catch (AccessDeniedException e) {
            throw e;
        } catch (IOException swapped) {
            return Optional.empty(); // removed or replaced by a link since the look
        }
        boolean keep = false;
        try {
            Optional<BasicFileAttributes> after = regularFile(dir, name);
            if (after.isEmpty() || before.get().fileKey() == null
                    || !Objects.equals(before.get().fileKey(), after.get().fileKey())) {
                return Optional.empty();
            }
            // The size of what was opened (fstat on the handle), not of whatever the name shows now.
            long size = ch instanceof FileChannel fc ? fc.size() : after.get().size();
            keep = true;
            return Optional.of(new Opened(ch, size, after.get()));
        } finally {
            if (!keep) {
                ch.close();
            }
        }
    }

    private static Optional<BasicFileAttributes> regularFile(SecureDirectoryStream<Path> dir, Path name) throws IOException {
        try {
            BasicFileAttributes a = dir.getFileAttributeView(name, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).readAttributes();
            return a.isRegularFile() ? Optional.of(a) : Optional.empty();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /** The Content-Type a device and caches see for a served file. */
    public static String contentType(String decodedPath) {
        if (decodedPath.endsWith(".json")) {
            return "application/json";
        }
        if (decodedPath.endsWith(".txt")) {
            return "text/plain";
        }
        return "application/octet-stream";
    }
}
