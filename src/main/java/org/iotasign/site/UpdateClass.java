package org.iotasign.site;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.iotasign.UsageException;

/**
 * The auto-update classes a device can be set to, in the order versions.json lists them.
 * NONE exists on the device (it never polls) but is not a key of versions.json, so it is
 * not publishable.
 */
public enum UpdateClass {
    MAJOR, MINOR, BETA, ALPHA, TEST;

    /** Parses one class name exactly as the device compares it (case-sensitive strcmp). */
    public static UpdateClass parse(String name) {
        String n = name.trim();
        if (n.equals("NONE")) {
            throw new UsageException("class NONE means 'never update' on the device and cannot be published: use MAJOR, MINOR, BETA, ALPHA or TEST");
        }
        for (UpdateClass c : values()) {
            if (c.name().equals(n)) {
                return c;
            }
        }
        String hint = "";
        for (UpdateClass c : values()) {
            if (c.name().equals(n.toUpperCase(Locale.ROOT))) {
                hint = " (the device compares class names case-sensitively: write " + c.name() + ")";
            }
        }
        throw new UsageException("unknown update class '" + n + "'" + hint + ": use MAJOR, MINOR, BETA, ALPHA or TEST");
    }

    /** Parses a comma-separated list such as {@code MINOR,BETA}; duplicates are collapsed. */
    public static List<UpdateClass> parseList(String csv) {
        List<UpdateClass> out = new ArrayList<>();
        for (String part : csv.split(",", -1)) {
            if (part.isBlank()) {
                throw new UsageException("empty class name in '" + csv + "': give classes as MINOR or MINOR,BETA");
            }
            UpdateClass c = parse(part);
            if (!out.contains(c)) {
                out.add(c);
            }
        }
        return out;
    }

    /** True for the names a versions.json may carry as class keys. */
    public static boolean isClassName(String key) {
        for (UpdateClass c : values()) {
            if (c.name().equals(key)) {
                return true;
            }
        }
        return false;
    }
}
