package org.iotasign.usb;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

import org.iotasign.io.TerminalText;

/**
 * Waits for signing drives to be mounted and hands each new one to a processor. Polls:
 * a drive is a folder directly under a mount root (e.g. {@code /media/$USER/DRIVE}) that
 * holds {@code iotasign/outbox}. A drive is processed once per insertion; when its
 * folder disappears (unmounted) it is forgotten, so inserting it again processes it again.
 */
public final class DriveWatcher {
    private final List<Path> roots;
    private final Duration interval;
    private final PrintWriter out;

    public DriveWatcher(List<Path> roots, Duration interval, PrintWriter out) {
        this.roots = List.copyOf(roots);
        this.interval = interval;
        this.out = out;
    }

    /** Where desktop Linux mounts removable drives for {@code user}: /media/USER and /run/media/USER. */
    public static List<Path> defaultRoots(String user) {
        return List.of(Path.of("/media", user), Path.of("/run/media", user));
    }

    /**
     * Processes drives as they appear, until {@code maxDrives} drives were processed
     * (0: until the thread is interrupted). Drives already mounted at the start count as new.
     *
     * @return the number of drives processed
     */
    public int run(Function<Path, DriveReport> processor, int maxDrives) throws InterruptedException {
        out.println("watching " + String.join(", ", roots.stream().map(Path::toString).toList())
                + " for drives with an iotasign/outbox folder (Ctrl-C to stop)");
        out.flush();
        Set<Path> present = new HashSet<>();
        int processed = 0;
        while (maxDrives == 0 || processed < maxDrives) {
            List<Path> now = mounted();
            present.retainAll(now);
            for (Path drive : now) {
                if (present.add(drive)) {
                    out.println("drive inserted: " + TerminalText.quoted(drive.toString()));
                    out.flush();
                    DriveReport report = processor.apply(drive);
                    if (!report.isSafeToRemove()) {
                        out.println("drive " + TerminalText.quoted(drive.toString()) + ": the pass stopped early; the drive holds only complete files: "
                                + "remove it, fix the problem, and insert it again to finish");
                    }
                    out.flush();
                    processed++;
                    if (maxDrives != 0 && processed >= maxDrives) {
                        return processed;
                    }
                }
            }
            Thread.sleep(interval.toMillis());
        }
        return processed;
    }

    /** Drives currently mounted under the roots, in name order. */
    List<Path> mounted() {
        List<Path> drives = new ArrayList<>();
        for (Path root : roots) {
            if (!Files.isDirectory(root)) {
                continue;
            }
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(root)) {
                for (Path d : ds) {
                    // Only looks (no content is read): a drive whose outbox is a link is handed on,
                    // so the pass reports it instead of the drive being silently passed over.
                    if (Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)
                            && Files.exists(new DriveLayout(d).outbox(), LinkOption.NOFOLLOW_LINKS)) {
                        drives.add(d);
                    }
                }
            } catch (IOException e) {
                // A root that vanished or cannot be listed holds no drives this time round.
            }
        }
        drives.sort(null);
        return drives;
    }
}
