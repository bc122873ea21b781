package org.iotasign.site;

import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Where things live in a site folder. The folder is the web root: a device asks for the
 * three IoTaWatt paths below (IotaWatt.h IOTA_VERSIONS_PATH, IOTA_VERSIONS_DIR,
 * IOTA_TABLE_DIR) relative to it. The site's own records (its public key, its history,
 * the publish lock and staging area) live in {@code .iotasign/}, which is never served and
 * must be left out when the site is copied to another web server.
 */
public final class SiteLayout {
    public static final String VERSIONS_PATH = "/firmware/versions.json";
    public static final String VERSIONS_DIR = "/firmware/bin/";
    public static final String TABLE_DIR = "/download/tables/";
    public static final String META_DIR = ".iotasign";

    /**
     * What a web server running as another user must read: the served files are world-readable
     * and their folders (the site root included) world-traversable, whatever the umask.
     */
    public static final Set<PosixFilePermission> SERVED_FILE = PosixFilePermissions.fromString("rw-r--r--");
    public static final Set<PosixFilePermission> SERVED_DIR = PosixFilePermissions.fromString("rwxr-xr-x");
    /** The site's own records ({@code .iotasign/}): the publisher's user only. */
    public static final Set<PosixFilePermission> PRIVATE_FILE = PosixFilePermissions.fromString("rw-------");
    public static final Set<PosixFilePermission> PRIVATE_DIR = PosixFilePermissions.fromString("rwx------");

    private final Path root;

    public SiteLayout(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    public Path versionsJson() {
        return root.resolve(VERSIONS_PATH.substring(1));
    }

    public Path blobDir() {
        return root.resolve(VERSIONS_DIR.substring(1));
    }

    public Path blob(String version) {
        return blobDir().resolve(version + ".bin");
    }

    public Path tablesDir() {
        return root.resolve(TABLE_DIR.substring(1));
    }

    public Path tables(String version) {
        return tablesDir().resolve(version + ".txt");
    }

    public Path metaDir() {
        return root.resolve(META_DIR);
    }

    /** The Ed25519 public key every published blob must verify with (64 hex digits). */
    public Path keyFile() {
        return metaDir().resolve("site-key.pub");
    }

    /** One JSON object per line for every change of versions.json. */
    public Path historyFile() {
        return metaDir().resolve("history.jsonl");
    }

    public Path lockFile() {
        return metaDir().resolve("publish.lock");
    }

    /** Where an incoming blob is copied and verified before it is published. */
    public Path stagingDir() {
        return metaDir().resolve("staging");
    }

    /** A site-relative path for messages, e.g. {@code firmware/bin/02_08_05.bin}. */
    public String relative(Path p) {
        return root.relativize(p.toAbsolutePath().normalize()).toString().replace('\\', '/');
    }
}
