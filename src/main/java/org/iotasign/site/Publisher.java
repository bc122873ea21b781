package org.iotasign.site;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.node.ObjectNode;

import org.iotasign.EnvironmentException;
import org.iotasign.RejectedException;
import org.iotasign.UsageException;
import org.iotasign.crypto.Fingerprints;
import org.iotasign.crypto.Hashes;
import org.iotasign.io.AtomicFile;
import org.iotasign.io.TerminalText;

/**
 * Publishes a release (and optionally tables) into a site. Devices have no rollback
 * protection and read versions.json over plain HTTP, so every mistake a device would
 * swallow is refused here. Files land in an order that a polling device can never catch
 * in between: blob and tables first, versions.json last, each written atomically.
 */
public final class Publisher {
    /** A release blob is a few hundred KiB; anything this large is not one. */
    static final long MAX_RELEASE = 64L << 20;
    static final long MAX_TABLES = 4L << 20;

    private final Site site;
    private final SiteLayout layout;

    public Publisher(Site site) {
        this.site = site;
        this.layout = site.layout();
    }

    public PublishResult publish(PublishRequest req) {
        checkCommandLine(req);
        if (req.expectedKey().isPresent() && !req.expectedKey().get().equals(site.key())) {
            throw new RejectedException("--pubkey " + req.expectedKey().get().fingerprint() + " is not this site's key "
                    + site.key().fingerprint() + ": publish with the site's key, or omit --pubkey");
        }
        return site.locked(() -> publishLocked(req));
    }

    private static void checkCommandLine(PublishRequest req) {
        if (req.release().isEmpty() && req.tablesFile().isEmpty() && req.tablesVersion().isEmpty()) {
            throw new UsageException("nothing to publish: give a RELEASE.bin with --class, or --tables FILE --tables-version X.Y.Z");
        }
        if (req.release().isPresent() && req.classes().isEmpty()) {
            throw new UsageException("--class is required with a release: say which classes move to it, e.g. --class MINOR");
        }
        if (req.release().isEmpty() && !req.classes().isEmpty()) {
            throw new UsageException("--class needs a RELEASE.bin to point the classes at");
        }
        if (req.tablesFile().isPresent() && req.tablesVersion().isEmpty()) {
            throw new UsageException("--tables needs --tables-version X.Y.Z (the version devices compare with their own)");
        }
        if (req.allowRollback() && req.reason().map(String::isBlank).orElse(true)) {
            throw new UsageException("--allow-rollback needs --reason TEXT: the reason is recorded in the site history");
        }
        if (req.tablesVersion().isPresent() && !TablesVersion.isCanonical(req.tablesVersion().get())) {
            String v = req.tablesVersion().get();
            throw new UsageException("tables version '" + v + "' is not of the form X.Y.Z with numbers 0-255 (a device would ask for "
                    + TablesVersion.display(TablesVersion.parse(v)) + ".txt): write it as X.Y.Z");
        }
    }

    private PublishResult publishLocked(PublishRequest req) {
        List<String> notes = new ArrayList<>();
        byte[] beforeBytes = readVersionsJson();
        recover(beforeBytes, notes);
        Plan plan = new Plan(parseVersionsJson(beforeBytes), notes);
        req.release().ifPresent(release -> planRelease(req, release, plan));
        req.tablesVersion().ifPresent(tv -> planTables(req, tv, plan));
        copyNewFiles(plan);
        byte[] afterBytes = plan.after.toBytes();
        if (!Arrays.equals(afterBytes, beforeBytes)) {
            switchVersionsJson(req, plan, beforeBytes, afterBytes);
        }
        return new PublishResult(new String(beforeBytes, StandardCharsets.UTF_8), new String(afterBytes, StandardCharsets.UTF_8),
                plan.changes, notes);
    }

    /** What one publish will change: filled in by the planning steps, then carried out. */
    private static final class Plan {
        final VersionsFile before;
        final List<String> notes;
        final List<String> changes = new ArrayList<>();
        final ObjectNode history = History.newEntry(History.PUBLISH);
        VersionsFile after;
        boolean rolledBack;
        /** Bytes to copy to the site, or null when nothing new is to be copied. */
        byte[] blob;
        Path blobTarget;
        byte[] tables;
        Path tablesTarget;

        Plan(VersionsFile before, List<String> notes) {
            this.before = before;
            this.after = before;
            this.notes = notes;
        }
    }

    private VersionsFile parseVersionsJson(byte[] bytes) {
        try {
            return VersionsFile.parse(bytes);
        } catch (IllegalArgumentException e) {
            throw new RejectedException(layout.relative(layout.versionsJson()) + " is " + e.getMessage()
                    + ": restore it (see " + SiteLayout.META_DIR + "/history.jsonl) before publishing");
        }
    }

    /** Checks the release, and moves the requested classes to its version. */
    private void planRelease(PublishRequest req, Path release, Plan plan) {
        byte[] blob = readLimited(release, MAX_RELEASE, "release");
        String version = verifiedVersion(release, blob, plan.notes);
        plan.blobTarget = layout.blob(version);
        plan.blob = newOrIdentical(blob, plan.blobTarget, version, plan.notes);
        ObjectNode classes = plan.history.putObject("classes");
        for (UpdateClass c : req.classes()) {
            moveClass(req, c, version, classes, plan);
        }
        plan.history.put("version", version);
        plan.history.put("sha256", Hashes.sha256Hex(blob));
    }

    /** The blob to copy, or null when the site already holds these bytes under this version. */
    private byte[] newOrIdentical(byte[] blob, Path target, String version, List<String> notes) {
        if (!Files.exists(target)) {
            return blob;
        }
        byte[] existing = readLimited(target, MAX_RELEASE, "published release");
        if (!Arrays.equals(existing, blob)) {
            throw new RejectedException("version " + version + " is already published with different bytes (site "
                    + Fingerprints.of(Hashes.sha256(existing)) + ", new " + Fingerprints.of(Hashes.sha256(blob))
                    + "): a published version never changes; release the new build under a new version");
        }
        notes.add(layout.relative(target) + " already published with identical bytes");
        return null;
    }

    private static void moveClass(PublishRequest req, UpdateClass c, String version, ObjectNode classes, Plan plan) {
        Optional<String> old = plan.before.version(c);
        if (old.isPresent() && FirmwareVersion.isValid(old.get())
                && new FirmwareVersion(version).compareTo(new FirmwareVersion(old.get())) < 0) {
            if (!req.allowRollback()) {
                throw new RejectedException("class " + c + " would move from " + old.get() + " down to " + version
                        + " and devices would install the older release: if that is intended pass --allow-rollback --reason TEXT");
            }
            plan.rolledBack = true;
        }
        if (old.isPresent() && old.get().equals(version)) {
            plan.notes.add("class " + c + " already at " + version);
            return;
        }
        plan.changes.add(c + ": " + old.orElse("(none)") + " -> " + version
                + (old.isPresent() && !FirmwareVersion.isValid(old.get()) ? " (replacing a value that is not a MM_mm_pp version)" : ""));
        ObjectNode move = classes.putObject(c.name());
        move.put("from", old.orElse(null));
        move.put("to", version);
        plan.after = plan.after.withClass(c, version);
    }

    /** Checks the tables file (or that the site has them), and moves the tables version. */
    private void planTables(PublishRequest req, String tv, Plan plan) {
        plan.tablesTarget = layout.tables(tv);
        if (req.tablesFile().isPresent()) {
            plan.tables = newTables(req.tablesFile().get(), tv, plan.tablesTarget, plan.notes);
        } else if (!Files.isRegularFile(plan.tablesTarget)) {
            throw new UsageException(layout.relative(plan.tablesTarget) + " is not on the site: give the file with --tables FILE");
        }
        Optional<String> oldTables = plan.before.tables();
        if (oldTables.isPresent() && TablesVersion.parse(tv) < TablesVersion.parse(oldTables.get())) {
            if (!req.allowRollback()) {
                throw new RejectedException("tables would move from " + oldTables.get() + " down to " + tv
                        + " (devices that have the newer tables keep them; new devices get the older ones): if intended pass --allow-rollback --reason TEXT");
            }
            plan.rolledBack = true;
        }
        if (!oldTables.equals(Optional.of(tv))) {
            plan.changes.add("tables: " + oldTables.orElse("(none)") + " -> " + tv);
            ObjectNode move = plan.history.putObject("tables");
            move.put("from", oldTables.orElse(null));
            move.put("to", tv);
            plan.after = plan.after.withTables(tv);
        } else {
            plan.notes.add("tables already at " + tv);
        }
    }

    /** The tables to copy, or null when the site already holds these bytes under this version. */
    private byte[] newTables(Path file, String tv, Path target, List<String> notes) {
        byte[] tables = readLimited(file, MAX_TABLES, "tables");
        int fileVersion = DeviceTables.version(tables);
        if (fileVersion != TablesVersion.parse(tv)) {
            throw new RejectedException("tables file " + file + " reads as version "
                    + TablesVersion.display(fileVersion) + " on a device, not " + tv
                    + ": devices would download it again on every poll; set its \"version\" to \"" + tv + "\"");
        }
        if (!Files.exists(target)) {
            return tables;
        }
        if (!Arrays.equals(readLimited(target, MAX_TABLES, "published tables"), tables)) {
            throw new RejectedException("tables " + tv + " are already published with different content: "
                    + "publish the new tables under a new version");
        }
        notes.add(layout.relative(target) + " already published with identical bytes");
        return null;
    }

    /** Order matters: a class must never point at a file that is not there yet, so files go first. */
    private void copyNewFiles(Plan plan) {
        if (plan.blob != null) {
            AtomicFile.write(plan.blobTarget, plan.blob, false, SiteLayout.SERVED_FILE);
            plan.notes.add("copied release to " + layout.relative(plan.blobTarget));
        }
        if (plan.tables != null) {
            AtomicFile.write(plan.tablesTarget, plan.tables, false, SiteLayout.SERVED_FILE);
            plan.notes.add("copied tables to " + layout.relative(plan.tablesTarget));
        }
    }

    /** Records the change in the history, then replaces versions.json. */
    private void switchVersionsJson(PublishRequest req, Plan plan, byte[] beforeBytes, byte[] afterBytes) {
        ObjectNode history = plan.history;
        history.put("rollback", plan.rolledBack);
        if (plan.rolledBack || req.allowRollback()) {
            history.put("reason", req.reason().orElse(""));
        }
        // Intent first: once versions.json changes, its record (and a rollback's reason) is already on disk.
        history.put("versions_before", Hashes.sha256Hex(beforeBytes));
        history.put("versions_after", Hashes.sha256Hex(afterBytes));
        History.append(layout.historyFile(), history);
        try {
            AtomicFile.write(layout.versionsJson(), afterBytes, true, SiteLayout.SERVED_FILE);
        } catch (RuntimeException e) {
            try {
                History.append(layout.historyFile(), History.interruptedEntry(history, Hashes.sha256Hex(beforeBytes)));
            } catch (RuntimeException alsoFailed) {
                // The next publish records it: versions.json still matches this line's versions_before.
            }
            throw e;
        }
    }

    /**
     * Cleans up after a publish that was killed: removes its staging and temp files, and
     * records a publish whose history line was written but whose versions.json was not.
     */
    private void recover(byte[] versions, List<String> notes) {
        for (Path p : site.leftovers()) {
            try {
                Files.deleteIfExists(p);
                notes.add("removed " + layout.relative(p) + ", left by an interrupted publish");
            } catch (IOException e) {
                throw new EnvironmentException("cannot remove " + p + ", left by an interrupted publish: " + AtomicFile.describe(e)
                        + ": check permissions of the site folder");
            }
        }
        List<ObjectNode> entries;
        try {
            entries = History.read(layout.historyFile());
        } catch (IOException e) {
            throw new EnvironmentException("cannot read " + layout.historyFile() + ": " + AtomicFile.describe(e));
        } catch (IllegalArgumentException e) {
            throw new RejectedException(layout.relative(layout.historyFile()) + ": " + e.getMessage()
                    + ": restore the history from a backup before publishing");
        }
        if (History.agreement(entries, versions, VersionsFile.empty().toBytes()) == History.Agreement.INTERRUPTED) {
            ObjectNode last = entries.get(entries.size() - 1);
            History.append(layout.historyFile(), History.interruptedEntry(last, Hashes.sha256Hex(versions)));
            notes.add("the publish recorded at " + last.path("time").asText() + " was interrupted before versions.json changed;"
                    + " recorded in the history as not done");
        }
    }

    /**
     * Verifies the blob bytes that will be published (a staged copy, so the file the
     * caller named cannot change between the check and the copy) and returns its version.
     */
    private String verifiedVersion(Path release, byte[] blob, List<String> notes) {
        Path staged;
        try {
            Files.createDirectories(layout.stagingDir());
            staged = Files.createTempFile(layout.stagingDir(), "release-", ".bin");
        } catch (IOException e) {
            throw new EnvironmentException("cannot stage the release under " + layout.stagingDir() + ": " + AtomicFile.describe(e));
        }
        try {
            Files.write(staged, blob);
            ReleaseCheck.Verdict header = ReleaseCheck.verify(staged, site.key(), null);
            if (header.version().isEmpty()) {
                throw new RejectedException(release + " is not a release blob a device can unpack (" + header.explanation()
                        + "): give a signed release file");
            }
            String v = header.version().get();
            if (!FirmwareVersion.isValid(v)) {
                throw new RejectedException("release version '" + TerminalText.of(v) + "' is not of the form MM_mm_pp (e.g. 02_08_05): "
                        + "publishing needs it to order releases; repack with such a version");
            }
            // Exactly what a device does: download it as <version>.bin and verify against that name.
            ReleaseCheck.Verdict verdict = ReleaseCheck.verify(staged, site.key(), v);
            if (!verdict.deviceAccepts()) {
                String deviceSays = verdict.deviceLog().isEmpty() ? "" : " (device: \"" + verdict.deviceLog().get(verdict.deviceLog().size() - 1) + "\")";
                throw new RejectedException("release " + v + " would be rejected by a device trusting site key " + site.key().fingerprint()
                        + ": " + verdict.explanation() + deviceSays);
            }
            if (!verdict.problems().isEmpty()) {
                throw new RejectedException("release " + v + " is accepted by devices but unsafe to publish: " + String.join("; ", verdict.problems()));
            }
            notes.add("release " + v + " (" + blob.length + " bytes, sha256 " + Fingerprints.of(Hashes.sha256(blob)) + "): signature verifies with site key "
                    + site.key().fingerprint() + "; " + verdict.explanation());
            return v;
        } catch (IOException e) {
            throw new EnvironmentException("cannot stage the release under " + layout.stagingDir() + ": " + AtomicFile.describe(e));
        } finally {
            try {
                Files.deleteIfExists(staged);
            } catch (IOException ignored) {
                // A leftover staging file is harmless and never served.
            }
        }
    }

    private byte[] readVersionsJson() {
        Path p = layout.versionsJson();
        if (!Files.exists(p)) {
            return VersionsFile.empty().toBytes();
        }
        return readLimited(p, MAX_TABLES, "versions.json");
    }

    private static byte[] readLimited(Path p, long max, String what) {
        try {
            if (!Files.isRegularFile(p)) {
                throw new UsageException(what + " file " + p + " does not exist: check the path");
            }
            if (Files.size(p) > max) {
                throw new RejectedException(what + " file " + p + " is larger than " + (max >> 20) + " MiB: that is not a " + what + " file");
            }
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new EnvironmentException("cannot read " + p + ": " + AtomicFile.describe(e));
        }
    }
}
