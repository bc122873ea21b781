package org.iotasign.site;

import java.util.regex.Pattern;

/**
 * A release version in the IoTaWatt convention {@code MM_mm_pp} (exactly 8 characters,
 * two digits per field). The device itself only tests versions for string equality; the
 * ordering here exists so that publishing can refuse a class moving backwards.
 */
public record FirmwareVersion(String text) implements Comparable<FirmwareVersion> {
    private static final Pattern FORMAT = Pattern.compile("\\d\\d_\\d\\d_\\d\\d");

    public FirmwareVersion {
        if (!isValid(text)) {
            throw new IllegalArgumentException("not a MM_mm_pp version: " + text);
        }
    }

    public static boolean isValid(String text) {
        return text != null && FORMAT.matcher(text).matches();
    }

    /** The file name the device downloads for this version, relative to firmware/bin/. */
    public String blobFileName() {
        return text + ".bin";
    }

    @Override
    public int compareTo(FirmwareVersion o) {
        // Fixed width, digits only: string order is numeric order.
        return text.compareTo(o.text);
    }

    @Override
    public String toString() {
        return text;
    }
}
