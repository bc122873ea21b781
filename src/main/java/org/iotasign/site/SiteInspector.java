package org.iotasign.site;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.nio.file.LinkOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;

import com.fasterxml.jackson.databind.node.ObjectNode;

import org.iotasign.crypto.Hashes;
import org.iotasign.EnvironmentException;
import org.iotasign.crypto.Fingerprints;
import org.iotasign.io.AtomicFile;

/**
 * Lists a site and checks it the way devices will meet it: versions.json must parse both
 * strictly and as the device parses it, with the same result; every class must name a
 * MM_mm_pp version whose blob exists and passes the device's verification with the site
 * key; the advertised tables file must exist and carry the advertised version.
 */
public final class SiteInspector {
    private final Site site;
    private final SiteLayout layout;

    public SiteInspector(Site site) {
        this.site = site;
        this.layout = site.layout();
    }

    public SiteReport inspect() {
        List<String> lines = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        lines.add("site     " + layout.root());
        lines.add("key      " + site.key().fingerprint() + "  " + site.key().hex());
        Set<String> referencedBlobs = new TreeSet<>();
        Set<String> referencedTables = new TreeSet<>();
        Optional<VersionsFile> versions = readVersions(lines, problems);
        versions.ifPresent(v -> {
            if (v.classes().isEmpty()) {
                lines.add("classes  (none published)");
            }
            for (Map.Entry<String, String> e : v.classes().entrySet()) {
                inspectClass(e.getKey(), e.getValue(), lines, problems);
                referencedBlobs.add(e.getValue() + ".bin");
            }
            v.tables().ifPresentOrElse(t -> {
                inspectTables(t, lines, problems);
                referencedTables.add(t + ".txt");
            }, () -> lines.add("tables   (not advertised)"));
        });
        listUnreferenced(layout.blobDir(), referencedBlobs, ".bin", "release", lines);
        listUnreferenced(layout.tablesDir(), referencedTables, ".txt", "tables", lines);
        checkHistory(problems);
        for (Path p : site.leftovers()) {
            problems.add(layout.relative(p) + " was left by an interrupted publish: the next publish removes it");
        }
        checkServedModes(problems);
        return new SiteReport(lines, problems);
    }

    /** versions.json must be what the history says the last publish left. */
    private void checkHistory(List<String> problems) {
        String name = layout.relative(layout.historyFile());
        if (!Files.isRegularFile(layout.versionsJson())) {
            return; // reported already
        }
        List<ObjectNode> entries;
        try {
            entries = History.read(layout.historyFile());
        } catch (IOException e) {
            problems.add("cannot read " + name + ": " + AtomicFile.describe(e));
            return;
        } catch (IllegalArgumentException e) {
            problems.add(name + ": " + e.getMessage() + ": restore the history from a backup");
            return;
        }
        switch (History.agreement(entries, read(layout.versionsJson()), VersionsFile.empty().toBytes())) {
            case AGREES -> { }
            case INTERRUPTED -> problems.add("the publish recorded at " + entries.get(entries.size() - 1).path("time").asText()
                    + " in " + name + " was interrupted before versions.json changed: publish again (the next publish records it as not done)");
            case DISAGREES -> problems.add(layout.relative(layout.versionsJson()) + " is not what the last publish in " + name
                    + " left: it was changed by other means; publish through iotasign so the history records every change");
        }
    }

    /** A web server running as another user must be able to read every served file. */
    private void checkServedModes(List<String> problems) {
        List<Path> served = new ArrayList<>(List.of(layout.root(), layout.versionsJson().getParent(), layout.versionsJson(),
                layout.blobDir(), layout.tablesDir().getParent(), layout.tablesDir()));
        for (Path dir : List.of(layout.blobDir(), layout.tablesDir())) {
            if (Files.isDirectory(dir)) {
                try (Stream<Path> s = Files.list(dir)) {
                    s.filter(p -> !AtomicFile.isTempFile(p)).sorted().forEach(served::add);
                } catch (IOException e) {
                    throw new EnvironmentException("cannot list " + dir + ": " + AtomicFile.describe(e));
                }
            }
        }
        for (Path p : served) {
            try {
                if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                Set<PosixFilePermission> mode = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
                boolean dir = Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
                if (!mode.contains(PosixFilePermission.OTHERS_READ) || dir && !mode.contains(PosixFilePermission.OTHERS_EXECUTE)) {
                    String rel = p.equals(layout.root()) ? "the site folder" : layout.relative(p);
                    problems.add(rel + " has mode " + PosixFilePermissions.toString(mode) + ": a web server running as another user answers 403;"
                            + " make it " + PosixFilePermissions.toString(dir ? SiteLayout.SERVED_DIR : SiteLayout.SERVED_FILE));
                }
            } catch (UnsupportedOperationException notPosix) {
                return;
            } catch (IOException e) {
                problems.add("cannot read the mode of " + layout.relative(p) + ": " + AtomicFile.describe(e));
            }
        }
    }

    private Optional<VersionsFile> readVersions(List<String> lines, List<String> problems) {
        Path p = layout.versionsJson();
        String name = layout.relative(p);
        if (!Files.isRegularFile(p)) {
            problems.add(name + " is missing: devices get 404 and retry every 5 minutes");
            return Optional.empty();
        }
        byte[] bytes = read(p);
        Optional<DeviceJson.Obj> device = DeviceJson.parseObject(bytes);
        VersionsFile strict;
        try {
            strict = VersionsFile.parse(bytes);
        } catch (IllegalArgumentException e) {
            problems.add(name + " is " + e.getMessage() + (device.isEmpty() ? " (devices log \"could not parse versions.json file.\")" : ""));
            return Optional.empty();
        }
        lines.add("versions " + name + " (" + bytes.length + " bytes, sha256 " + Fingerprints.of(Hashes.sha256(bytes)) + ")");
        Optional<DeviceJson.Obj> deviceClasses = device.flatMap(d -> d.object("classes"));
        if (deviceClasses.isEmpty()) {
            problems.add(name + " is valid JSON but a device does not find a \"classes\" object in it");
        } else {
            for (Map.Entry<String, String> e : strict.classes().entrySet()) {
                String deviceValue = deviceClasses.get().string(e.getKey());
                if (!e.getValue().equals(deviceValue)) {
                    problems.add("class " + e.getKey() + " reads as '" + e.getValue() + "' but a device reads '" + deviceValue + "'");
                }
            }
        }
        return Optional.of(strict);
    }

    private void inspectClass(String name, String version, List<String> lines, List<String> problems) {
        String prefix = String.format("class    %-5s %s", name, version);
        if (!UpdateClass.isClassName(name)) {
            problems.add("class key '" + name + "' is not one a device can be set to (MAJOR, MINOR, BETA, ALPHA, TEST)");
        }
        if (!FirmwareVersion.isValid(version)) {
            lines.add(prefix + "  not a MM_mm_pp version");
            problems.add("class " + name + " names '" + version + "', which is not a MM_mm_pp version");
            return;
        }
        Path blob = layout.blob(version);
        if (!Files.isRegularFile(blob)) {
            lines.add(prefix + "  MISSING " + layout.relative(blob));
            problems.add("class " + name + " points at " + version + " but " + layout.relative(blob)
                    + " is missing: devices log \"Download failed HTTPcode 404\"");
            return;
        }
        byte[] bytes = read(blob);
        ReleaseCheck.Verdict verdict = ReleaseCheck.verify(blob, site.key(), version);
        lines.add(prefix + "  " + layout.relative(blob) + "  " + bytes.length + " bytes  sha256 "
                + Fingerprints.of(Hashes.sha256(bytes)) + "  " + (verdict.deviceAccepts() ? "verifies" : "REJECTED: " + verdict.explanation()));
        if (!verdict.deviceAccepts()) {
            problems.add("class " + name + ": " + layout.relative(blob) + " would be rejected by devices: " + verdict.explanation());
        }
        for (String p : verdict.problems()) {
            problems.add("class " + name + ": " + layout.relative(blob) + ": " + p);
        }
    }

    private void inspectTables(String version, List<String> lines, List<String> problems) {
        if (!TablesVersion.isCanonical(version)) {
            lines.add("tables   " + version + "  not of the form X.Y.Z");
            problems.add("tables version '" + version + "' is not canonical: devices ask for "
                    + TablesVersion.display(TablesVersion.parse(version)) + ".txt");
            return;
        }
        Path file = layout.tables(version);
        if (!Files.isRegularFile(file)) {
            lines.add("tables   " + version + "  MISSING " + layout.relative(file));
            problems.add("tables " + version + " advertised but " + layout.relative(file) + " is missing");
            return;
        }
        byte[] bytes = read(file);
        int fileVersion = DeviceTables.version(bytes);
        lines.add("tables   " + version + "  " + layout.relative(file) + "  " + bytes.length + " bytes  sha256 "
                + Fingerprints.of(Hashes.sha256(bytes)) + "  file version " + TablesVersion.display(fileVersion));
        if (fileVersion != TablesVersion.parse(version)) {
            problems.add(layout.relative(file) + " reads as version " + TablesVersion.display(fileVersion)
                    + " on a device, not " + version + ": devices would download it on every poll");
        }
    }

    private void listUnreferenced(Path dir, Set<String> referenced, String suffix, String what, List<String> lines) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> s = Files.list(dir)) {
            s.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(suffix) && !n.startsWith(".") && !referenced.contains(n))
                    .sorted()
                    .forEach(n -> lines.add("unused   " + layout.relative(dir.resolve(n)) + "  (published " + what + " no longer advertised)"));
        } catch (IOException e) {
            throw new EnvironmentException("cannot list " + dir + ": " + AtomicFile.describe(e));
        }
    }

    private static byte[] read(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new EnvironmentException("cannot read " + p + ": " + AtomicFile.describe(e));
        }
    }
}
