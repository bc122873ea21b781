package org.iotasign.site;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Decides which request paths a site answers: exactly the three kinds of file a device
 * asks for, and nothing else. Everything else (other folders, the site's own records,
 * folders themselves, dot files, anything that resolves outside the site) is "not found".
 * This is an allow-list rather than a deny-list, so an encoding trick that gets past the
 * HTTP layer still cannot name a file that is not on the list.
 */
public final class ServedPath {
    private static final String NAME = "[A-Za-z0-9][A-Za-z0-9_.-]{0,63}";
    private static final Pattern ALLOWED = Pattern.compile(
            "/firmware/versions\\.json|/firmware/bin/" + NAME + "\\.bin|/download/tables/" + NAME + "\\.txt");

    private ServedPath() {
    }

    /** The file for a decoded request path, when it is one the site serves and it exists. */
    public static Optional<Path> resolve(SiteLayout layout, String decodedPath) {
        try {
            return resolve(layout.root().toRealPath(), decodedPath);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** As {@link #resolve(SiteLayout, String)}, with the site root's real path already known. */
    public static Optional<Path> resolve(Path realRoot, String decodedPath) {
        if (decodedPath == null || !ALLOWED.matcher(decodedPath).matches()) {
            return Optional.empty();
        }
        Path file = realRoot.resolve(decodedPath.substring(1)).normalize();
        try {
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                return Optional.empty();
            }
            // The folders on the way may still be links; the real file must stay in the site.
            if (!file.toRealPath().startsWith(realRoot)) {
                return Optional.empty();
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.of(file);
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
