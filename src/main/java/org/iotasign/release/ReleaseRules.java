package org.iotasign.release;

import org.iotasign.espimage.ImageCheck;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.iotasign.io.TerminalText;

/**
 * Everything the device would accept but mishandle. {@code pack} refuses to produce such
 * a blob, and {@code verify}, {@code sign} and publishing refuse to pass one.
 */
final class ReleaseRules {
    private ReleaseRules() {
    }

    /** @param image the image check of {@code walk.firmware} (null when that is null) */
    static Findings check(DeviceWalk walk, ImageCheck image, FirmwareLimit limit) {
        Findings f = new Findings();
        String version = new String(walk.headerVersion, StandardCharsets.ISO_8859_1);
        ReleaseVersion.problem(version).ifPresent(p -> f.problem(p));
        ReleaseVersion.warning(version).ifPresent(f::warning);
        if (walk.entryCount > walk.entries.size()) {
            f.problem("the blob holds " + walk.entryCount + " entries; only " + walk.entries.size() + " were examined, and a release never needs that many");
        }
        for (EntryInfo e : walk.entries) {
            String label = label(e);
            if (!e.nameTerminated()) {
                f.problem(label + ": the 24-byte name field has no NUL, so the device reads the name past the header");
            } else {
                EntryNames.problem(e.name()).ifPresent(p -> f.problem(label + ": " + p));
            }
            if (!e.nameFieldClean()) {
                f.problem(label + ": non-zero bytes after the name's NUL in the name field");
            }
            if (!e.paddingZero()) {
                f.problem(label + ": non-zero padding after the data (padding is hashed, so it must be zero to be reproducible)");
            }
            if (e.name().equalsIgnoreCase(ReleaseLayout.CONFIG_NAME)) {
                f.warning("the release carries config.txt: the device never overwrites an existing config.txt, so only new devices get it");
            }
        }
        List<String> names = walk.entries.stream().map(EntryInfo::name).toList();
        for (SdCardNames.Collision c : SdCardNames.collisions(names)) {
            EntryInfo first = walk.entries.get(c.first());
            EntryInfo second = walk.entries.get(c.second());
            f.problem(Finding.Code.SD_NAME_COLLISION, label(second) + ": reaches the same file on the device's SD card as " + label(first) + ": " + c.why()
                    + "; the device appends both into one file"
                    + (first.isFirmware() || second.isFirmware() ? ", and the joined iotawatt.bin is not the firmware that was reviewed (its MD5 check fails, or passes for other bytes)" : ""));
        }
        if (walk.firmwareEntries == 0) {
            f.problem("no iotawatt.bin entry: the device verifies the signature and still rejects the update");
        } else if (walk.firmware == null) {
            f.problem("iotawatt.bin claims " + walk.firmwareLength + " bytes, far larger than any ESP8266 firmware");
        } else {
            f.addAll(FirmwareRules.check(walk.firmware.length, image, limit));
        }
        return f;
    }

    private static String label(EntryInfo e) {
        return "entry at offset " + e.offset() + " ('" + TerminalText.of(e.name()) + "')";
    }
}
