package org.iotasign.cli;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.iotasign.EnvironmentException;
import org.iotasign.RejectedException;
import org.iotasign.io.AtomicFile;
import org.iotasign.release.ReleaseBlob;
import org.iotasign.release.ReleaseEntry;
import org.iotasign.release.ReleaseLayout;

/**
 * Gathers the files {@code pack} was given ({@code --firmware}, {@code --web-dir}, {@code --file}) from the
 * build machine's disk, refusing anything that is not a plain file. Its messages name the options.
 */
final class ReleaseInputs {
    private ReleaseInputs() {
    }

    static List<ReleaseEntry> collect(Path firmware, Path webDir, Map<String, Path> extraFiles) {
        List<ReleaseEntry> entries = new ArrayList<>();
        entries.add(new ReleaseEntry(ReleaseLayout.FIRMWARE_NAME, readPlainFile(firmware, "--firmware")));
        if (webDir != null) {
            if (!Files.isDirectory(webDir, LinkOption.NOFOLLOW_LINKS)) {
                throw new RejectedException("--web-dir " + webDir + " is not a folder: give the folder holding the web files");
            }
            List<Path> children = new ArrayList<>();
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(webDir)) {
                ds.forEach(children::add);
            } catch (IOException e) {
                throw new EnvironmentException("cannot list --web-dir " + webDir + ": " + AtomicFile.describe(e));
            }
            children.sort(null);
            for (Path child : children) {
                String kind = kindOf(child);
                if (kind != null) {
                    throw new RejectedException("--web-dir holds " + kind + " '" + child.getFileName()
                            + "': a release holds only plain files (the device copies them to its SD root); remove it or pass files with --file");
                }
                entries.add(new ReleaseEntry(child.getFileName().toString(), readPlainFile(child, "web file")));
            }
        }
        for (Map.Entry<String, Path> f : extraFiles.entrySet()) {
            entries.add(new ReleaseEntry(f.getKey(), readPlainFile(f.getValue(), "--file " + f.getKey())));
        }
        return entries;
    }

    /** Null for a regular file; otherwise what it is, for the error message. */
    private static String kindOf(Path p) {
        if (Files.isSymbolicLink(p)) {
            return "a symbolic link";
        }
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            return "a folder";
        }
        if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
            return "a special file";
        }
        return null;
    }

    private static byte[] readPlainFile(Path p, String what) {
        String kind = kindOf(p);
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            throw new RejectedException(what + " " + p + " does not exist: check the path");
        }
        if (kind != null) {
            throw new RejectedException(what + " " + p + " is " + kind + ", not a plain file: give the file itself");
        }
        try {
            if (Files.size(p) > ReleaseBlob.MAX_IN_MEMORY) {
                throw new RejectedException(what + " " + p + " is larger than any release can be (" + ReleaseBlob.MAX_IN_MEMORY + " bytes)");
            }
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new EnvironmentException("cannot read " + what + " " + p + ": " + AtomicFile.describe(e));
        }
    }
}
