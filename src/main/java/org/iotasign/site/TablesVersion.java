package org.iotasign.site;

import java.util.regex.Pattern;

/**
 * The device's "semantic version" for the tables file (utilities.cpp
 * parseSemanticVersion / displaySemanticVersion): three numbers packed into one 32-bit
 * integer, 8 bits each below the major part. The device builds the download URL from the
 * packed value, not from the text in versions.json, so a published tables version must be
 * canonical: {@code display(parse(text))} equals {@code text}.
 */
public final class TablesVersion {
    /** What the device holds when it has no readable /tables.txt. */
    public static final int NONE = -1;
    private static final Pattern CANONICAL = Pattern.compile("(0|[1-9]\\d{0,2})\\.(0|[1-9]\\d{0,2})\\.(0|[1-9]\\d{0,2})");

    private TablesVersion() {
    }

    /**
     * The device's parse: strtol on each part, separators '.' or '_', missing parts are 0,
     * null gives -1. Arithmetic wraps as on the 32-bit ESP8266.
     */
    public static int parse(String text) {
        if (text == null) {
            return NONE;
        }
        int[] pos = {0};
        int result = strtol(text, pos) << 16;
        if (pos[0] < text.length() && isSeparator(text.charAt(pos[0]))) {
            pos[0]++;
            result += strtol(text, pos) << 8;
            if (pos[0] < text.length() && isSeparator(text.charAt(pos[0]))) {
                pos[0]++;
                result += strtol(text, pos);
            }
        }
        return result;
    }

    /** The device's display form, which is also the name of the file it downloads. */
    public static String display(int packed) {
        if (packed < 0) {
            return "invalid";
        }
        return ((packed >> 16) & 0xff) + "." + ((packed >> 8) & 0xff) + "." + (packed & 0xff);
    }

    /** True when a device would request exactly {@code text + ".txt"} for this version. */
    public static boolean isCanonical(String text) {
        if (text == null || !CANONICAL.matcher(text).matches()) {
            return false;
        }
        return display(parse(text)).equals(text);
    }

    private static boolean isSeparator(char c) {
        return c == '.' || c == '_';
    }

    /** C strtol(base 10) on a 32-bit long: leading white space, sign, digits, clamped. */
    private static int strtol(String s, int[] pos) {
        int start = pos[0];
        int i = start;
        while (i < s.length() && isCSpace(s.charAt(i))) {
            i++;
        }
        boolean negative = false;
        if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            negative = s.charAt(i) == '-';
            i++;
        }
        int digitsStart = i;
        long value = 0;
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            value = Math.min(value * 10 + (s.charAt(i) - '0'), (long) Integer.MAX_VALUE + 1);
            i++;
        }
        if (i == digitsStart) {
            pos[0] = start; // no conversion: end pointer stays at the start
            return 0;
        }
        pos[0] = i;
        if (negative) {
            return (int) Math.max(-value, Integer.MIN_VALUE);
        }
        return (int) Math.min(value, Integer.MAX_VALUE);
    }

    private static boolean isCSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == 0x0b;
    }
}
