package org.iotasign.site;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import java.nio.file.LinkOption;
import java.util.function.Supplier;

import org.iotasign.EnvironmentException;
import org.iotasign.UsageException;
import org.iotasign.crypto.Ed25519PublicKey;
import org.iotasign.crypto.KeyFormats;
import org.iotasign.io.AtomicFile;

/** An initialised site folder and its release key. */
public final class Site {
    private final SiteLayout layout;
    private final Ed25519PublicKey key;

    private Site(SiteLayout layout, Ed25519PublicKey key) {
        this.layout = layout;
        this.key = key;
    }

    public SiteLayout layout() {
        return layout;
    }

    public Ed25519PublicKey key() {
        return key;
    }

    /** Outcome of {@link #init}: the site, and whether it already existed with this key. */
    public record InitResult(Site site, boolean alreadyInitialised) {
    }

    /**
     * Creates the served folders, an empty versions.json and the key file. Running it again
     * with the same key changes nothing; with another key it is refused.
     */
    public static InitResult init(Path dir, Ed25519PublicKey key) {
        SiteLayout layout = new SiteLayout(dir);
        if (Files.exists(layout.keyFile())) {
            Site existing = open(dir);
            if (!existing.key.equals(key)) {
                throw new UsageException("site " + dir + " is already initialised with key " + existing.key.fingerprint()
                        + ", not " + key.fingerprint() + ": use that key, or a new site folder for a new key");
            }
            return new InitResult(existing, true);
        }
        if (isNonEmptyFolderOtherThanASite(layout)) {
            throw new UsageException(dir + " already holds other files and is not a site: give a new or empty folder for the site");
        }
        try {
            Files.createDirectories(layout.root());
            AtomicFile.setMode(layout.root(), SiteLayout.SERVED_DIR);
            for (Path served : new Path[] {layout.blobDir(), layout.tablesDir()}) {
                Files.createDirectories(served);
                for (Path p = served; !p.equals(layout.root()); p = p.getParent()) {
                    AtomicFile.setMode(p, SiteLayout.SERVED_DIR);
                }
            }
            Files.createDirectories(layout.stagingDir());
            AtomicFile.setMode(layout.metaDir(), SiteLayout.PRIVATE_DIR);
            AtomicFile.setMode(layout.stagingDir(), SiteLayout.PRIVATE_DIR);
        } catch (IOException e) {
            throw new EnvironmentException("cannot create site folders under " + dir + ": " + AtomicFile.describe(e) + ": check the path and permissions");
        }
        Site site = new Site(layout, key);
        if (!Files.exists(layout.versionsJson())) {
            AtomicFile.write(layout.versionsJson(), VersionsFile.empty().toBytes(), false, SiteLayout.SERVED_FILE);
        }
        // The key file goes last: its presence is what marks the site as initialised.
        // A public key: readable by anyone who may enter .iotasign/ (the folder itself is private).
        AtomicFile.write(layout.keyFile(), KeyFormats.toHex(key).getBytes(java.nio.charset.StandardCharsets.US_ASCII), false,
                SiteLayout.SERVED_FILE);
        return new InitResult(site, false);
    }

    /** True for a folder with content but without a site's versions.json (e.g. a home folder given by mistake). */
    private static boolean isNonEmptyFolderOtherThanASite(SiteLayout layout) {
        if (!Files.isDirectory(layout.root()) || Files.exists(layout.versionsJson())) {
            return false;
        }
        try (java.util.stream.Stream<Path> entries = Files.list(layout.root())) {
            return entries.findAny().isPresent();
        } catch (IOException e) {
            throw new EnvironmentException("cannot read " + layout.root() + ": " + AtomicFile.describe(e));
        }
    }

    /** Opens an initialised site; exit 2 when the folder is not one. */
    public static Site open(Path dir) {
        SiteLayout layout = new SiteLayout(dir);
        if (!Files.isDirectory(layout.root())) {
            throw new UsageException("site folder " + dir + " does not exist: create it with 'iotasign site init --site " + dir + " --pubkey KEY'");
        }
        if (!Files.isRegularFile(layout.keyFile())) {
            throw new UsageException(dir + " is not an initialised site (no " + SiteLayout.META_DIR + "/site-key.pub): run 'iotasign site init --site " + dir + " --pubkey KEY'");
        }
        Ed25519PublicKey key;
        try {
            key = KeyFormats.parse(Files.readAllBytes(layout.keyFile()));
        } catch (IOException e) {
            throw new EnvironmentException("cannot read " + layout.keyFile() + ": " + AtomicFile.describe(e));
        } catch (IllegalArgumentException e) {
            throw new EnvironmentException("site key file " + layout.keyFile() + " is damaged (" + e.getMessage() + "): restore it from a backup");
        }
        return new Site(layout, key);
    }

    /**
     * Files a killed publish can leave behind: anything in the staging folder and unfinished
     * {@link AtomicFile} temp files next to the served files and the site's records.
     */
    public List<Path> leftovers() {
        List<Path> found = new ArrayList<>();
        for (Path dir : List.of(layout.stagingDir(), layout.metaDir(), layout.versionsJson().getParent(), layout.blobDir(), layout.tablesDir())) {
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            boolean staging = dir.equals(layout.stagingDir());
            try (Stream<Path> s = Files.list(dir)) {
                s.filter(p -> staging || AtomicFile.isTempFile(p)).sorted().forEach(found::add);
            } catch (IOException e) {
                throw new EnvironmentException("cannot list " + dir + ": " + AtomicFile.describe(e));
            }
        }
        return found;
    }

    /** Runs {@code work} holding the site's publish lock, so two publishes never interleave. */
    <T> T locked(Supplier<T> work) {
        try (FileChannel ch = FileChannel.open(layout.lockFile(), Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(SiteLayout.PRIVATE_FILE))) {
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw new EnvironmentException("another publish is running on " + layout.root() + ": wait for it to finish and try again");
            }
            try {
                return work.get();
            } finally {
                lock.release();
            }
        } catch (IOException e) {
            throw new EnvironmentException("cannot lock " + layout.lockFile() + ": " + AtomicFile.describe(e) + ": check permissions of the site folder");
        }
    }
}
