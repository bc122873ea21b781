package org.iotasign.release;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

import org.iotasign.Hint;
import org.iotasign.RejectedException;
import org.iotasign.io.TerminalText;

/**
 * Builds the unsigned blob: exactly the bytes whose SHA-256 gets signed. Entry order is
 * fixed (iotawatt.bin first, then the other names in ascending order of their lower-case
 * form) and nothing depends on time, so the same inputs always give the same bytes.
 */
public final class ReleasePacker {
    private static final Comparator<ReleaseEntry> ORDER = Comparator
            .comparing((ReleaseEntry e) -> !e.isFirmware())
            .thenComparing(e -> e.name().toLowerCase(Locale.ROOT))
            .thenComparing(ReleaseEntry::name);

    private ReleasePacker() {
    }

    /** Refuses (RejectedException naming the item) any input the device would mishandle. */
    public static PackResult pack(String version, List<ReleaseEntry> entries, FirmwareLimit limit) {
        Findings findings = new Findings();
        ReleaseVersion.problem(version).ifPresent(p -> {
            throw new RejectedException(p);
        });
        ReleaseVersion.warning(version).ifPresent(findings::warning);
        List<ReleaseEntry> ordered = new ArrayList<>(entries);
        ordered.sort(ORDER);
        // Pairs first, so that an alias-shaped name is refused naming the file it would reach.
        List<String> names = ordered.stream().map(ReleaseEntry::name).toList();
        SdCardNames.collisions(names).stream().findFirst().ifPresent(c -> {
            throw new RejectedException("file names '" + TerminalText.of(names.get(c.first())) + "' and '" + TerminalText.of(names.get(c.second()))
                    + "' reach the same file on the device's SD card (" + c.why() + "): the device would append both into one file; keep one or rename one");
        });
        int firmwareCount = 0;
        for (ReleaseEntry e : ordered) {
            EntryNames.problem(e.name()).ifPresent(p -> {
                throw new RejectedException(p + ": rename the file");
            });
            if (e.isFirmware()) {
                firmwareCount++;
            }
            if (e.name().equalsIgnoreCase(ReleaseLayout.CONFIG_NAME)) {
                findings.warning("config.txt is included, but the device never overwrites an existing config.txt: only new devices get it");
            }
        }
        if (firmwareCount == 0) {
            throw new RejectedException("no iotawatt.bin in the release", Hint.GIVE_FIRMWARE);
        }
        ReleaseEntry firmware = entries.stream().filter(ReleaseEntry::isFirmware).findFirst().orElseThrow();
        Findings image = FirmwareRules.check(firmware.data(), limit);
        if (image.hasProblems()) {
            throw new RejectedException("firmware " + image.problems().get(0).replaceFirst("^iotawatt.bin: ", "")
                    + (image.problems().size() > 1 ? " (and " + (image.problems().size() - 1) + " more problems; see 'iotasign inspect')" : ""));
        }
        findings.addAll(image);

        byte[] bytes = serialize(version, ordered);
        ReleaseBlob parsed = ReleaseBlob.parsePacked(bytes, limit);
        if (parsed.findings().hasProblems()) {
            // The packer and the checker must agree; a disagreement is a bug, not a user error.
            throw new IllegalStateException("packed blob fails its own check: " + parsed.findings().problems());
        }
        return new PackResult(bytes, parsed, findings.warnings());
    }

    static byte[] serialize(String version, List<ReleaseEntry> ordered) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ReleaseLayout.MAGIC);
        out.writeBytes(version.getBytes(StandardCharsets.US_ASCII));
        for (ReleaseEntry e : ordered) {
            byte[] header = new byte[ReleaseLayout.ENTRY_HEADER_LENGTH];
            System.arraycopy(ReleaseLayout.FILE_TAG, 0, header, 0, 4);
            int len = e.data().length;
            header[4] = (byte) len;
            header[5] = (byte) (len >>> 8);
            header[6] = (byte) (len >>> 16);
            header[7] = (byte) (len >>> 24);
            byte[] name = e.name().getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(name, 0, header, 8, name.length);
            out.writeBytes(header);
            out.writeBytes(e.data());
            out.writeBytes(new byte[(int) (ReleaseLayout.padded(len) - len)]);
        }
        return out.toByteArray();
    }

    /** The packed bytes, the same blob parsed back, and warnings for the operator. */
    /** The blob's bytes; the blob as parsed back (its entries without digests); warnings to show. */
    public record PackResult(byte[] bytes, ReleaseBlob blob, List<String> warnings) {
    }
}
