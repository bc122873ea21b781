package org.iotasign.devsim;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import org.iotasign.EnvironmentException;
import org.iotasign.release.EntryInfo;
import org.iotasign.release.FirmwareLimit;
import org.iotasign.release.ReleaseBlob;
import org.iotasign.site.SiteLayout;

/**
 * The releases the virtual device can recognise in its flash: the {@code iotawatt.bin} of
 * each known release blob. Header bytes 2-3 are ignored when matching, because flashing
 * may rewrite them.
 */
public final class FirmwareCatalog {
    /** A release the device knows: its version, firmware, and the other file names it carries. */
    public record Known(String version, byte[] firmware, List<String> otherFiles) {
    }

    private final List<Known> known = new CopyOnWriteArrayList<>();

    public static FirmwareCatalog of(List<Path> releaseFiles, Path siteDir) {
        FirmwareCatalog c = new FirmwareCatalog();
        for (Path p : releaseFiles) {
            c.add(ReleaseBlob.read(p, FirmwareLimit.DEFAULT));
        }
        if (siteDir != null) {
            if (!Files.isDirectory(siteDir)) {
                throw new EnvironmentException("site " + siteDir + " is not a folder: give the folder that 'serve' serves");
            }
            Path bin = new SiteLayout(siteDir).blobDir();
            if (!Files.isDirectory(bin)) {
                return c; // a new site with nothing published yet
            }
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(bin, "*.bin")) {
                List<Path> files = new ArrayList<>();
                ds.forEach(files::add);
                files.sort(null);
                for (Path p : files) {
                    c.add(ReleaseBlob.read(p, FirmwareLimit.DEFAULT));
                }
            } catch (IOException e) {
                throw new EnvironmentException("cannot list " + bin + ": " + e.getMessage());
            }
        }
        return c;
    }

    public void add(ReleaseBlob blob) {
        if (blob.firmware() == null) {
            return;
        }
        List<String> others = blob.entries().stream().filter(e -> !e.isFirmware()).map(EntryInfo::name).toList();
        known.add(0, new Known(blob.version(), blob.firmware(), others));
    }

    public int size() {
        return known.size();
    }

    /** The release whose firmware the flash holds from offset 0, if any. */
    public Optional<Known> identify(NorFlash flash) {
        for (Known k : known) {
            byte[] fw = k.firmware();
            if (fw.length < 4 || fw.length > flash.size()) {
                continue;
            }
            byte[] inFlash = flash.read(0, fw.length);
            inFlash[2] = fw[2];
            inFlash[3] = fw[3];
            if (java.util.Arrays.equals(inFlash, fw)) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }
}
