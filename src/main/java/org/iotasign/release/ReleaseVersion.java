package org.iotasign.release;

import java.util.Comparator;
import java.util.Optional;
import java.util.regex.Pattern;

import org.iotasign.io.TerminalText;

/**
 * Release version strings. The device compares exactly 8 bytes of the header with the
 * version it asked for, and uses the version as a folder and file name on its FAT SD
 * card and in the download URL, so a version is 8 printable ASCII characters that are
 * also safe in those places.
 */
public final class ReleaseVersion {
    private static final Pattern CONVENTIONAL = Pattern.compile("\\d\\d_\\d\\d_\\d\\d");
    private static final String FORBIDDEN = "\\/\"*:<>?|%#&+ ";

    private ReleaseVersion() {
    }

    /** Why the version cannot be used, or empty when it can. */
    public static Optional<String> problem(String version) {
        if (version == null || version.isEmpty()) {
            return Optional.of("release version is empty: give 8 characters such as 02_08_05");
        }
        for (int i = 0; i < version.length(); i++) {
            char c = version.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                return Optional.of("release version '" + TerminalText.of(version) + "' contains a non-printable or non-ASCII character at position " + (i + 1) + ": use 8 characters such as 02_08_05");
            }
            if (FORBIDDEN.indexOf(c) >= 0) {
                return Optional.of("release version '" + version + "' contains '" + c + "', which cannot appear in an SD-card folder name or download URL: use 8 characters such as 02_08_05");
            }
        }
        if (version.length() != ReleaseLayout.VERSION_LENGTH) {
            return Optional.of("release version '" + version + "' has " + version.length() + " characters; the device compares exactly 8: use a version such as 02_08_05");
        }
        if (version.endsWith(".")) {
            return Optional.of("release version '" + version + "' ends with a dot, which FAT drops from folder names: use a version such as 02_08_05");
        }
        return Optional.empty();
    }

    /** True for the IoTaWatt convention {@code NN_NN_NN}. */
    public static boolean isConventional(String version) {
        return version != null && CONVENTIONAL.matcher(version).matches();
    }

    public static Optional<String> warning(String version) {
        if (problem(version).isEmpty() && !isConventional(version)) {
            return Optional.of("release version '" + version + "' does not follow the NN_NN_NN convention: versions cannot be ordered, so rollback checks cannot protect it");
        }
        return Optional.empty();
    }

    /** Orders conventional versions numerically; other versions sort before them, by text. */
    public static final Comparator<String> ORDER = (a, b) -> {
        boolean ca = isConventional(a);
        boolean cb = isConventional(b);
        if (ca && cb) {
            return a.compareTo(b); // Fixed-width zero-padded digits: text order is numeric order.
        }
        if (ca != cb) {
            return ca ? 1 : -1;
        }
        return a.compareTo(b);
    };
}
