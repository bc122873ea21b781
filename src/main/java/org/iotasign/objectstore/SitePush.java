package org.iotasign.objectstore;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.iotasign.EnvironmentException;
import org.iotasign.RejectedException;
import org.iotasign.crypto.Fingerprints;
import org.iotasign.crypto.Hashes;
import org.iotasign.io.AtomicFile;
import org.iotasign.io.JsonText;
import org.iotasign.io.Progress;
import org.iotasign.site.ServedPath;
import org.iotasign.site.Site;
import org.iotasign.site.SiteInspector;
import org.iotasign.site.SiteLayout;
import org.iotasign.site.SiteReport;
import org.iotasign.site.VersionsFile;

/**
 * Copies the served part of a site into a bucket so that no device polling the bucket
 * ever sees a versions.json naming a blob that is not there whole: release blobs and
 * tables first, each read back and its size and SHA-256 compared, versions.json last.
 * Blobs and tables are immutable under their names, as in a local publish: one already in
 * the bucket with other bytes is refused, never overwritten. Unchanged objects are not
 * sent again. Objects the site no longer has stay unless asked to delete them, and a
 * blob named by versions.json (local or remote) or by the site history is never deleted.
 */
public final class SitePush {
    /** Revalidated on every poll: a CDN asks the bucket (a cheap 304) before answering a device. */
    public static final String VERSIONS_CACHE = "no-cache";
    /** Blobs and tables never change under a name. */
    public static final String IMMUTABLE_CACHE = "public, max-age=31536000, immutable";
    /** Test-only: halt the JVM (like kill -9) once this many body bytes have been handed to the store. */
    public static final String HALT_ENV = "IOTASIGN_TEST_PUSH_HALT_AFTER_BYTES";

    private static final Pattern BLOB = Pattern.compile("firmware/bin/[A-Za-z0-9][A-Za-z0-9_.-]{0,63}\\.bin");
    private static final Pattern TABLES = Pattern.compile("download/tables/[A-Za-z0-9][A-Za-z0-9_.-]{0,63}\\.txt");
    private static final String VERSIONS = SiteLayout.VERSIONS_PATH.substring(1);
    private static final int MAX_VERSIONS_BYTES = 64 * 1024;

    public enum Action { UPLOAD, SKIP, REFUSE, DELETE, KEEP }

    /** One line of the plan: what happens to a site path and why. */
    public record Step(Action action, String path, long size, String why) {
        @Override
        public String toString() {
            return String.format("%-7s %s (%s)%s", action.name().toLowerCase(java.util.Locale.ROOT), path, Progress.bytes(size),
                    why.isEmpty() ? "" : ": " + why);
        }
    }

    /** The steps in the order they run: blobs and tables, versions.json, then deletions. */
    public record Plan(List<Step> steps, List<LocalObject> uploads) {
        public boolean refused() {
            return steps.stream().anyMatch(s -> s.action() == Action.REFUSE);
        }

        public long count(Action a) {
            return steps.stream().filter(s -> s.action() == a).count();
        }

        public long uploadBytes() {
            return uploads.stream().mapToLong(LocalObject::size).sum();
        }
    }

    /** A served file of the site with the digests taken when the plan was made. */
    public record LocalObject(String path, Path file, long size, byte[] sha256, byte[] md5) {
        boolean sameBytes(ObjectStore.Fetched f) {
            return f.size() == size && MessageDigest.isEqual(f.sha256(), sha256);
        }
    }

    /** What a push did: the bytes sent and the HTTP requests it took. */
    public record Result(Plan plan, long bytes, long requests) {
    }

    private final Site site;
    private final SiteLayout layout;
    private final ObjectStore store;
    private final S3Location location;
    private final PrintWriter out;
    private final boolean terminal;
    private final LongSupplier clock;

    public SitePush(Site site, ObjectStore store, S3Location location, PrintWriter out, boolean terminal, LongSupplier clock) {
        this.site = site;
        this.layout = site.layout();
        this.store = store;
        this.location = location;
        this.out = out;
        this.terminal = terminal;
        this.clock = clock;
    }

    /** Compares the site with the bucket; changes nothing. Refuses a site that fails its own check. */
    public Plan plan(boolean deleteStale) {
        SiteReport report = new SiteInspector(site).inspect();
        if (!report.consistent()) {
            throw new RejectedException("site " + layout.root() + " has " + report.problems().size() + " problem(s), the first: "
                    + report.problems().get(0) + ": run 'iotasign site check' and fix it before pushing");
        }
        List<LocalObject> local = localObjects();
        requireEverythingNamedIsServed(local);
        Map<String, ObjectStore.Listed> remote = store.list(location.listPrefix());
        List<Step> steps = new ArrayList<>();
        List<LocalObject> uploads = new ArrayList<>();
        Set<String> localPaths = new TreeSet<>();
        for (LocalObject o : local) {
            localPaths.add(o.path());
            boolean mutable = o.path().equals(VERSIONS);
            ObjectStore.Listed r = remote.get(location.key(o.path()));
            if (r == null) {
                steps.add(new Step(Action.UPLOAD, o.path(), o.size(), "not in the bucket"));
                uploads.add(o);
            } else if (r.size() == o.size() && r.etag().equalsIgnoreCase(HexFormat.of().formatHex(o.md5()))) {
                steps.add(new Step(Action.SKIP, o.path(), o.size(), "unchanged"));
            } else if (mutable) {
                // Small: sending it again costs less than reading it back to compare.
                steps.add(new Step(Action.UPLOAD, o.path(), o.size(), "changed"));
                uploads.add(o);
            } else if (r.size() == o.size() && store.fetch(location.key(o.path())).map(o::sameBytes).orElse(false)) {
                // Same bytes stored another way (multipart, server-side encryption): the entity tag is no MD5.
                steps.add(new Step(Action.SKIP, o.path(), o.size(), "unchanged (read back)"));
            } else {
                steps.add(new Step(Action.REFUSE, o.path(), o.size(), "the bucket holds other bytes under this name (" + r.size()
                        + " bytes): published files never change; remove the bucket's copy by hand only if no device can have it"));
            }
        }
        planStale(remote, localPaths, deleteStale, steps);
        return new Plan(List.copyOf(steps), List.copyOf(uploads));
    }

    /** A blob versions.json names but the site does not serve (a link, say) would be missing from the bucket. */
    private void requireEverythingNamedIsServed(List<LocalObject> local) {
        Set<String> paths = new TreeSet<>();
        local.forEach(o -> paths.add(o.path()));
        VersionsFile v = VersionsFile.parse(read(layout.versionsJson()));
        List<String> named = new ArrayList<>();
        v.classes().values().forEach(version -> named.add("firmware/bin/" + version + ".bin"));
        v.tables().ifPresent(t -> named.add("download/tables/" + t + ".txt"));
        for (String path : named) {
            if (!paths.contains(path)) {
                throw new RejectedException("versions.json names " + path + " but the site does not serve it as a regular file (a link?): "
                        + "replace it with the file itself and push again; nothing was changed");
            }
        }
    }

    private void planStale(Map<String, ObjectStore.Listed> remote, Set<String> localPaths, boolean deleteStale, List<Step> steps) {
        List<ObjectStore.Listed> stale = new ArrayList<>();
        for (ObjectStore.Listed r : remote.values()) {
            String path = location.sitePath(r.key());
            if ((BLOB.matcher(path).matches() || TABLES.matcher(path).matches()) && !localPaths.contains(path)) {
                stale.add(r);
            }
        }
        if (stale.isEmpty()) {
            return;
        }
        Set<String> named = deleteStale ? namedVersions() : Set.of();
        for (ObjectStore.Listed r : stale) {
            String path = location.sitePath(r.key());
            String version = path.substring(path.lastIndexOf('/') + 1, path.length() - 4);
            if (!deleteStale) {
                steps.add(new Step(Action.KEEP, path, r.size(), "not in the site; left in place (--delete-stale removes it)"));
            } else if (named.contains(version)) {
                steps.add(new Step(Action.KEEP, path, r.size(), "not in the site but named by versions.json or the site history: never deleted"));
            } else {
                steps.add(new Step(Action.DELETE, path, r.size(), "not in the site"));
            }
        }
    }

    /** Versions named by the local and the remote versions.json and by every history line. */
    private Set<String> namedVersions() {
        Set<String> named = new TreeSet<>();
        addVersions(read(layout.versionsJson()), named);
        store.read(location.key(VERSIONS), MAX_VERSIONS_BYTES).ifPresent(b -> addVersions(b, named));
        Path history = layout.historyFile();
        if (Files.isRegularFile(history)) {
            for (String line : new String(read(history), StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank()) {
                    continue;
                }
                try {
                    collect(JsonText.parse(line), named);
                } catch (IOException e) {
                    throw new RejectedException("a line of " + history + " is not JSON (" + e.getMessage()
                            + "): restore the history before deleting anything from the bucket");
                }
            }
        }
        return named;
    }

    private static void addVersions(byte[] versionsJson, Set<String> named) {
        try {
            VersionsFile v = VersionsFile.parse(versionsJson);
            named.addAll(v.classes().values());
            v.tables().ifPresent(named::add);
        } catch (IllegalArgumentException e) {
            throw new RejectedException("a versions.json is " + e.getMessage() + ": nothing is deleted while it cannot be read");
        }
    }

    /** The history records versions as "version", and moves as "from"/"to" (classes and tables). */
    private static void collect(Object json, Set<String> named) {
        if (json instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (e.getValue() instanceof String s && Set.of("version", "from", "to").contains(e.getKey())) {
                    named.add(s);
                } else {
                    collect(e.getValue(), named);
                }
            }
        } else if (json instanceof List<?> l) {
            l.forEach(x -> collect(x, named));
        }
    }

    /**
     * Compares the bucket with the site: every served file present with the same bytes and
     * the headers a push sets, and every blob and tables file the bucket's versions.json
     * names present. Objects only in the bucket are listed, not counted as problems.
     */
    public SiteReport check() {
        List<String> lines = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        lines.add("remote   " + location + " (" + store.describe() + ")");
        Map<String, ObjectStore.Listed> remote = store.list(location.listPrefix());
        Set<String> localPaths = new TreeSet<>();
        for (LocalObject o : localObjects()) {
            localPaths.add(o.path());
            String key = location.key(o.path());
            ObjectStore.Listed r = remote.get(key);
            if (r == null) {
                problems.add(o.path() + " is not in the bucket: run 'iotasign site push'");
                continue;
            }
            boolean same = r.size() == o.size() && (r.etag().equalsIgnoreCase(HexFormat.of().formatHex(o.md5()))
                    || store.fetch(key).map(o::sameBytes).orElse(false));
            if (!same) {
                problems.add(o.path() + " differs: the bucket has " + r.size() + " bytes, the site " + o.size()
                        + (o.path().equals(VERSIONS) ? ": run 'iotasign site push'" : ": published files never change; find out which is right"));
                continue;
            }
            boolean versions = o.path().equals(VERSIONS);
            String wantType = ServedPath.contentType("/" + o.path());
            String wantCache = versions ? VERSIONS_CACHE : IMMUTABLE_CACHE;
            ObjectStore.Head h = store.head(key).orElse(null);
            if (h == null) {
                problems.add(o.path() + " vanished from the bucket while checking: check again");
            } else if (!wantType.equals(h.contentType()) || !wantCache.equals(h.cacheControl())) {
                problems.add(o.path() + " is served with Content-Type '" + S3Location.printable(h.contentType()) + "' and Cache-Control '"
                        + S3Location.printable(h.cacheControl()) + "', not '" + wantType + "' and '" + wantCache
                        + "': it was uploaded another way; delete it from the bucket and push again");
            } else {
                lines.add("same     " + o.path() + " (" + Progress.bytes(o.size()) + ", " + wantCache + ")");
            }
        }
        store.read(location.key(VERSIONS), MAX_VERSIONS_BYTES).ifPresent(bytes -> {
            try {
                VersionsFile v = VersionsFile.parse(bytes);
                v.classes().forEach((cls, version) -> {
                    if (!remote.containsKey(location.key(VERSIONS.replace("versions.json", "bin/" + version + ".bin")))) {
                        problems.add("the bucket's versions.json names " + version + " for " + cls + " but firmware/bin/" + version
                                + ".bin is not in the bucket: devices of that class fail to download; push the site");
                    }
                });
                v.tables().ifPresent(t -> {
                    if (!remote.containsKey(location.key("download/tables/" + t + ".txt"))) {
                        problems.add("the bucket's versions.json advertises tables " + t + " but download/tables/" + t
                                + ".txt is not in the bucket: push the site");
                    }
                });
            } catch (IllegalArgumentException e) {
                problems.add("the bucket's versions.json is " + e.getMessage() + ": push the site");
            }
        });
        for (ObjectStore.Listed r : remote.values()) {
            String path = location.sitePath(r.key());
            if ((BLOB.matcher(path).matches() || TABLES.matcher(path).matches()) && !localPaths.contains(path)) {
                lines.add("remote   " + path + " (" + Progress.bytes(r.size()) + ") is only in the bucket");
            }
        }
        return new SiteReport(lines, problems);
    }

    /** Prints the plan, one line a step. */
    public void print(Plan plan) {
        plan.steps().forEach(s -> out.println(s));
        out.println(String.format("plan: %d to upload (%s), %d unchanged, %d refused, %d to delete, %d stale kept",
                plan.count(Action.UPLOAD), Progress.bytes(plan.uploadBytes()), plan.count(Action.SKIP), plan.count(Action.REFUSE),
                plan.count(Action.DELETE), plan.count(Action.KEEP)));
        out.flush();
    }

    /** Runs a plan made by {@link #plan}: refused plans change nothing. */
    public Result push(Plan plan) {
        if (plan.refused()) {
            throw new RejectedException(plan.count(Action.REFUSE) + " file(s) in " + location
                    + " hold other bytes than the site under the same name (listed above): nothing was changed");
        }
        long before = store.requests();
        Progress progress = new Progress("uploading", plan.uploadBytes(), out, terminal, clock);
        long haltAt = haltAfterBytes();
        long[] sent = {0};
        for (LocalObject o : plan.uploads()) {
            byte[] bytes = reread(o);
            String key = location.key(o.path());
            store.put(key, () -> new HaltingStream(bytes, sent, haltAt), o.size(),
                    new ObjectStore.Put(ServedPath.contentType("/" + o.path()), o.path().equals(VERSIONS) ? VERSIONS_CACHE : IMMUTABLE_CACHE,
                            o.md5(), HexFormat.of().formatHex(o.sha256())));
            ObjectStore.Fetched back = store.fetch(key).orElseThrow(() -> new EnvironmentException(
                    key + " is missing right after its upload to " + store.describe() + ": versions.json was not changed; check the store and push again"));
            if (!o.sameBytes(back)) {
                throw new EnvironmentException(key + " reads back as " + back.size() + " bytes, sha256 " + Fingerprints.of(back.sha256())
                        + ", not the " + o.size() + " bytes sent: versions.json was not changed; check the store and push again");
            }
            progress.advance(o.size());
        }
        progress.finish();
        for (Step s : plan.steps()) {
            if (s.action() == Action.DELETE) {
                store.delete(location.key(s.path()));
                out.println("deleted " + s.path());
            }
        }
        out.flush();
        return new Result(plan, plan.uploadBytes(), store.requests() - before);
    }

    /** Blobs and tables (sorted), then versions.json. */
    private List<LocalObject> localObjects() {
        List<LocalObject> objects = new ArrayList<>();
        for (Path dir : List.of(layout.blobDir(), layout.tablesDir())) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            List<Path> files;
            try (Stream<Path> s = Files.list(dir)) {
                files = s.sorted().toList();
            } catch (IOException e) {
                throw new EnvironmentException("cannot list " + dir + ": " + AtomicFile.describe(e));
            }
            for (Path f : files) {
                String path = layout.relative(f);
                if (BLOB.matcher(path).matches() || TABLES.matcher(path).matches()) {
                    servedBytes(path).ifPresent(bytes -> objects.add(local(path, f, bytes)));
                }
            }
        }
        objects.add(local(VERSIONS, layout.versionsJson(), servedBytes(VERSIONS)
                .orElseThrow(() -> new EnvironmentException(layout.versionsJson() + " is not a regular file: check the site"))));
        return objects;
    }

    /**
     * The bytes the site serves at {@code path}, read from the file as opened, with no link
     * followed at any level ({@link ServedPath#open}); empty when the site serves none there.
     */
    private Optional<byte[]> servedBytes(String path) {
        Optional<ServedPath.Opened> opened;
        try {
            opened = ServedPath.open(layout.root().toRealPath(), "/" + path);
        } catch (IOException e) {
            return Optional.empty();
        }
        if (opened.isEmpty()) {
            return Optional.empty();
        }
        try (ServedPath.Opened o = opened.get()) {
            if (o.size() > Integer.MAX_VALUE - 16) {
                throw new EnvironmentException(path + " is " + o.size() + " bytes, too large for a site file: check the site");
            }
            ByteBuffer buf = ByteBuffer.allocate((int) o.size());
            while (buf.hasRemaining() && o.channel().read(buf) >= 0) {
                // read to the size the open handle reported
            }
            if (buf.hasRemaining()) {
                throw new RejectedException(path + " shrank while being read (a publish at the same time?): push again");
            }
            return Optional.of(buf.array());
        } catch (IOException e) {
            throw new EnvironmentException("cannot read " + layout.root().resolve(path) + ": " + AtomicFile.describe(e));
        }
    }

    private static LocalObject local(String path, Path file, byte[] bytes) {
        return new LocalObject(path, file, bytes.length, Hashes.sha256(bytes), Hashes.md5(bytes));
    }

    /** The bytes sent are the bytes planned: a file changed since is refused. */
    private byte[] reread(LocalObject o) {
        byte[] bytes = servedBytes(o.path())
                .orElseThrow(() -> new RejectedException(o.path() + " is no longer served by the site (a publish at the same time?): push again"));
        if (!Arrays.equals(Hashes.sha256(bytes), o.sha256())) {
            throw new RejectedException(o.path() + " changed while pushing (a publish at the same time?): push again");
        }
        return bytes;
    }

    /** A file of the site's own bookkeeping (not served), never through a link. */
    private static byte[] read(Path p) {
        try {
            if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                throw new EnvironmentException(p + " is not a regular file: check the site");
            }
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new EnvironmentException("cannot read " + p + ": " + AtomicFile.describe(e));
        }
    }

    private static long haltAfterBytes() {
        String v = System.getenv(HALT_ENV);
        if (v == null) {
            return Long.MAX_VALUE;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    /**
     * The upload body. With the test-only halt set, the JVM stops dead (no shutdown hooks,
     * no cleanup, as kill -9) once that many bytes in total have been read by the store client.
     */
    private static final class HaltingStream extends InputStream {
        private final ByteArrayInputStream in;
        private final long[] sent;
        private final long haltAt;

        HaltingStream(byte[] bytes, long[] sent, long haltAt) {
            this.in = new ByteArrayInputStream(bytes);
            this.sent = sent;
            this.haltAt = haltAt;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (haltAt != Long.MAX_VALUE) {
                len = (int) Math.max(1, Math.min(len, haltAt - sent[0]));
                if (sent[0] >= haltAt) {
                    Runtime.getRuntime().halt(137);
                }
            }
            int n = in.read(b, off, len);
            if (n > 0) {
                sent[0] += n;
            }
            return n;
        }
    }
}
