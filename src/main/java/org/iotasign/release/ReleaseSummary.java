package org.iotasign.release;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.iotasign.crypto.Ed25519PublicKey;
import org.iotasign.espimage.ImageCheck;
import org.iotasign.espimage.ImageHeader;
import org.iotasign.io.TerminalText;

/**
 * What an operator or a script needs to know about a blob, as an ordered map (rendered
 * as JSON) and as text lines. Shared by {@code inspect} and the signing review.
 */
public final class ReleaseSummary {
    /** A key to look for in the firmware, with the name to show for it. */
    public record NamedKey(String label, Ed25519PublicKey key) {
    }

    private ReleaseSummary() {
    }

    public static Map<String, Object> describe(ReleaseBlob blob, List<NamedKey> keys) {
        HexFormat hex = HexFormat.of();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", blob.version());
        m.put("size", blob.size());
        m.put("signed", blob.isSigned());
        m.put("digest", hex.formatHex(blob.bodyDigest()));
        m.put("fingerprint", blob.digestFingerprint());
        blob.signature().ifPresent(s -> m.put("signature", hex.formatHex(s)));
        List<Map<String, Object>> entries = new ArrayList<>();
        for (EntryInfo e : blob.entries()) {
            Map<String, Object> em = new LinkedHashMap<>();
            em.put("name", e.name());
            em.put("offset", e.offset());
            em.put("length", e.length());
            em.put("paddedLength", e.paddedLength());
            em.put("sha256", hex.formatHex(e.sha256().orElseThrow()));
            entries.add(em);
        }
        m.put("entries", entries);
        if (blob.firmware() != null) {
            m.put("firmware", describeImage(blob.imageCheck().orElseThrow()));
            List<Map<String, Object>> embedded = new ArrayList<>();
            for (NamedKey k : keys) {
                Map<String, Object> km = new LinkedHashMap<>();
                km.put("key", k.label());
                km.put("fingerprint", k.key().fingerprint());
                km.put("embedded", blob.firmwareEmbeds(k.key()));
                embedded.add(km);
            }
            m.put("embeddedKeys", embedded);
        }
        m.put("problems", blob.findings().problems());
        m.put("warnings", blob.findings().warnings());
        return m;
    }

    static Map<String, Object> describeImage(ImageCheck image) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", image.kind().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        m.put("length", image.imageLength());
        m.put("crcPresent", image.crcPresent());
        m.put("crcValid", image.crcValid());
        if (image.bootloader() != null) {
            m.put("bootloader", describeHeader(image.bootloader()));
        }
        if (image.app() != null) {
            m.put("app", describeHeader(image.app()));
        }
        m.put("errors", image.errors());
        m.put("warnings", image.warnings());
        return m;
    }

    private static Map<String, Object> describeHeader(ImageHeader h) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("offset", h.offset());
        m.put("flashMode", h.flashModeName());
        m.put("flashSize", h.flashSizeName());
        m.put("flashFreq", h.flashFreqName());
        m.put("entry", String.format("0x%08x", h.entry()));
        m.put("checksumValid", h.checksumValid());
        List<String> segs = new ArrayList<>();
        h.segments().forEach(s -> segs.add(String.format("0x%08x %d bytes at file offset 0x%x", s.loadAddress(), s.length(), s.fileOffset())));
        m.put("segments", segs);
        return m;
    }

    /** Human-readable lines of {@link #describe}. */
    public static List<String> text(ReleaseBlob blob, List<NamedKey> keys) {
        List<String> out = new ArrayList<>();
        out.add("version      " + TerminalText.quoted(blob.version()));
        out.add(String.format("size         %d bytes, %s", blob.size(), blob.isSigned() ? "signed (64-byte signature at the end)" : "unsigned (no signature)"));
        out.add(String.format("digest       %s", HexFormat.of().formatHex(blob.bodyDigest())));
        out.add(String.format("fingerprint  %s", blob.digestFingerprint()));
        out.add(String.format("entries      %d", blob.entries().size()));
        for (EntryInfo e : blob.entries()) {
            out.add(String.format("  %-25s %9d bytes (padded %9d)  sha256 %s", TerminalText.quoted(e.name()), e.length(), e.paddedLength(),
                    HexFormat.of().formatHex(e.sha256().orElseThrow()).substring(0, 16) + "…"));
        }
        if (blob.firmware() != null) {
            out.addAll(imageText(blob.imageCheck().orElseThrow()));
            for (NamedKey k : keys) {
                out.add(String.format("key          %s %s: %s", k.label(), k.key().fingerprint(),
                        blob.firmwareEmbeds(k.key()) ? "embedded in the firmware" : "not embedded"));
            }
        }
        blob.findings().problems().forEach(p -> out.add("problem: " + TerminalText.line(p)));
        blob.findings().warnings().forEach(w -> out.add("warning: " + TerminalText.line(w)));
        return out;
    }

    public static List<String> imageText(ImageCheck image) {
        List<String> out = new ArrayList<>();
        out.add(String.format("firmware     %s, %d bytes%s", image.kind().name().toLowerCase(Locale.ROOT).replace('_', ' '), image.imageLength(),
                image.crcPresent() ? (image.crcValid() ? ", CRC valid" : ", CRC WRONG") : ", no CRC"));
        for (ImageHeader h : new ImageHeader[] {image.bootloader(), image.app()}) {
            if (h == null) {
                continue;
            }
            out.add(String.format("  image at 0x%04x: flash %s %s %s, entry 0x%08x, %d segments, checksum %s", h.offset(),
                    h.flashModeName(), h.flashSizeName(), h.flashFreqName(), h.entry(), h.segments().size(), h.checksumValid() ? "valid" : "stale"));
        }
        return out;
    }
}
