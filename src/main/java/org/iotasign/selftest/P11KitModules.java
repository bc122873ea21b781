package org.iotasign.selftest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The PKCS#11 modules the system registers with p11-kit: one {@code NAME.module} file per
 * module whose {@code module:} line names the shared library, absolute or relative to
 * p11-kit's module folder (e.g. /usr/lib/x86_64-linux-gnu/pkcs11).
 */
public final class P11KitModules {
    /** Where distributions and administrators put module configs. */
    public static final List<Path> CONFIG_DIRS = List.of(Path.of("/usr/share/p11-kit/modules"), Path.of("/etc/pkcs11/modules"));

    /** One registration: the config file and the library it names (absolute when it could be resolved). */
    public record Registration(Path config, String moduleLine, Path module) {
    }

    private P11KitModules() {
    }

    public static List<Registration> find(List<Path> configDirs, List<Path> moduleDirs) {
        List<Registration> out = new ArrayList<>();
        for (Path dir : configDirs) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            List<Path> configs = new ArrayList<>();
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.module")) {
                ds.forEach(configs::add);
            } catch (IOException e) {
                continue; // An unreadable folder registers nothing we could load either.
            }
            configs.sort(null);
            for (Path config : configs) {
                moduleLine(config).ifPresent(line -> out.add(new Registration(config, line, resolve(line, moduleDirs))));
            }
        }
        return out;
    }

    /** p11-kit's own module folders on Debian-style multiarch and on other layouts. */
    public static List<Path> defaultModuleDirs() {
        List<Path> dirs = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(Path.of("/usr/lib"), "*-linux-gnu*")) {
            ds.forEach(d -> dirs.add(d.resolve("pkcs11")));
        } catch (IOException e) {
            // No multiarch folders: the plain ones below remain.
        }
        dirs.sort(null);
        dirs.add(Path.of("/usr/lib/pkcs11"));
        dirs.add(Path.of("/usr/lib64/pkcs11"));
        return dirs;
    }

    static Optional<String> moduleLine(Path config) {
        List<String> lines;
        try {
            lines = Files.readAllLines(config, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return Optional.empty();
        }
        for (String line : lines) {
            String t = line.strip();
            if (t.startsWith("module:")) {
                String value = t.substring("module:".length()).strip();
                return value.isEmpty() ? Optional.empty() : Optional.of(value);
            }
        }
        return Optional.empty();
    }

    private static Path resolve(String line, List<Path> moduleDirs) {
        Path p = Path.of(line);
        if (p.isAbsolute()) {
            return p;
        }
        for (Path dir : moduleDirs) {
            if (Files.exists(dir.resolve(p))) {
                return dir.resolve(p);
            }
        }
        return p;
    }
}
