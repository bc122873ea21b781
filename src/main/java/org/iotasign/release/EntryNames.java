package org.iotasign.release;

import java.util.Optional;

import org.iotasign.io.TerminalText;

/**
 * File names inside a release, one at a time. The device copies each entry to the root of
 * a FAT SD card under its name, through a 24-byte NUL-terminated header field; how the card
 * stores names, and which names reach the same file, is {@link SdCardNames}.
 */
public final class EntryNames {
    private static final String FAT_FORBIDDEN = "\\/\"*:<>?|";

    private EntryNames() {
    }

    /** Why {@code name} cannot be an entry name, or empty when it can. */
    public static Optional<String> problem(String name) {
        if (name.isEmpty()) {
            return Optional.of("file name is empty");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c > 0x7e) {
                return Optional.of("file name '" + TerminalText.of(name) + "' is not plain ASCII: the device's FAT card takes only printable ASCII names");
            }
            if (c < 0x20 || c == 0x7f) {
                return Optional.of("file name '" + TerminalText.of(name) + "' contains a control character");
            }
            if (FAT_FORBIDDEN.indexOf(c) >= 0) {
                return Optional.of("file name '" + name + "' contains '" + c + "', which a FAT file name cannot hold (no folders in a release)");
            }
        }
        int bytes = name.length();
        if (bytes > ReleaseLayout.MAX_NAME_LENGTH) {
            return Optional.of("file name '" + name + "' is " + bytes + " bytes; the header holds at most " + ReleaseLayout.MAX_NAME_LENGTH + " plus its NUL");
        }
        if (name.equals(".") || name.equals("..")) {
            return Optional.of("file name '" + name + "' names a folder, not a file");
        }
        return SdCardNames.nameProblem(name);
    }
}
