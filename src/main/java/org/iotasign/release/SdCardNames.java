package org.iotasign.release;

import org.iotasign.io.TerminalText;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Which file on the device's FAT card each entry name reaches. The device opens
 * {@code <version>/<name>} for append, one entry after the other, in a folder it has just
 * created empty, through the SD library of ESP8266 Arduino core 2.6.3 (SDFS over
 * earlephilhower's SdFat 1.1 fork, long file names on). That library's name rules are
 * reproduced here, and only here; docs/release-format.md names the function each comes from.
 *
 * <p>All names passed in are entry names as the device reads them from the header: no
 * NUL, at most 23 bytes, read as ISO-8859-1.
 */
public final class SdCardNames {
    /** Where one name went when the device opened it. */
    public record Placement(String name, Optional<Stored> stored, Optional<String> openFails) {
    }

    /**
     * A file in the folder.
     *
     * @param file      index of the file in the folder, in order of creation
     * @param name      the name the card keeps (what a directory listing and the copy to the root use)
     * @param shortName the 8.3 name the card keeps beside it, e.g. {@code LONGFI~1.HTM}
     * @param created   false when the name opened a file an earlier entry had created
     */
    public record Stored(int file, String name, String shortName, boolean created) {
    }

    /** Two entries that reach one file; the device appends the later one to the earlier. */
    public record Collision(int first, int second, String why) {
    }

    private static final int LC_BASE = 0x08;
    private static final int LC_EXT = 0x10;
    private static final int LOST_CHARS = 0x01;
    private static final int MIXED_CASE = 0x02;

    /** A name as the library's path parser leaves it (FatFile::parsePathName). */
    private record Parsed(String lfn, char[] sfn, int flags, int seqPos) {
        boolean needsLfn() {
            return (flags & (LOST_CHARS | MIXED_CASE)) != 0;
        }

        boolean lostChars() {
            return (flags & LOST_CHARS) != 0;
        }
    }

    private record DirEntry(String lfn, char[] sfn, int caseFlags) {
        String storedName() {
            return lfn != null ? lfn : displaySfn(sfn, caseFlags);
        }
    }

    private SdCardNames() {
    }

    /** Opens each name in turn in an empty folder, as the device's unpackUpdate does. */
    public static List<Placement> place(List<String> names) {
        List<DirEntry> dir = new ArrayList<>();
        List<Placement> out = new ArrayList<>();
        for (String name : names) {
            Object parsed = parse(name);
            if (parsed instanceof String why) {
                out.add(new Placement(name, Optional.empty(), Optional.of(why)));
                continue;
            }
            Parsed p = (Parsed) parsed;
            int found = lookup(dir, p);
            if (found >= 0) {
                DirEntry e = dir.get(found);
                out.add(new Placement(name, Optional.of(new Stored(found, e.storedName(), displaySfn(e.sfn, 0), false)), Optional.empty()));
                continue;
            }
            char[] sfn = p.sfn.clone();
            if (p.lostChars() && sfnTaken(dir, sfn) && !uniqueSfn(dir, p, sfn)) {
                out.add(new Placement(name, Optional.empty(), Optional.of("the card found no free short name for '" + TerminalText.of(name) + "'")));
                continue;
            }
            DirEntry e = new DirEntry(p.needsLfn() ? p.lfn : null, sfn, p.flags & (LC_BASE | LC_EXT));
            dir.add(e);
            out.add(new Placement(name, Optional.of(new Stored(dir.size() - 1, e.storedName(), displaySfn(sfn, 0), true)), Optional.empty()));
        }
        return out;
    }

    /**
     * What is wrong with one name on its own: the device cannot create it, stores it under
     * another name, or it has the form of a short alias and so may reach a file already on
     * the card. Empty when the name is stored as given.
     */
    public static Optional<String> nameProblem(String name) {
        Object parsed = parse(name);
        if (parsed instanceof String why) {
            return Optional.of(why);
        }
        Parsed p = (Parsed) parsed;
        Stored s = place(List.of(name)).get(0).stored().orElseThrow();
        if (!s.name().equals(name)) {
            return Optional.of("file name '" + TerminalText.of(name) + "' is stored on the device's SD card as '" + TerminalText.of(s.name())
                    + "' (FAT drops leading spaces and trailing dots and spaces)");
        }
        if (!p.lostChars() && new String(p.sfn, 0, 8).indexOf('~') >= 0) {
            return Optional.of("file name '" + TerminalText.of(name) + "' has the form of a FAT short alias (a '~' in an 8.3 name): on the card it can name"
                    + " another file that has a long name, and the device would write into that file");
        }
        return Optional.empty();
    }

    /** Every pair of entries, in the order given, that the device writes into one file. */
    public static List<Collision> collisions(List<String> names) {
        List<Placement> placed = place(names);
        List<Collision> out = new ArrayList<>();
        for (int i = 0; i < placed.size(); i++) {
            Optional<Stored> s = placed.get(i).stored();
            if (s.isEmpty() || s.get().created()) {
                continue;
            }
            for (int j = 0; j < i; j++) {
                Optional<Stored> t = placed.get(j).stored();
                if (t.isPresent() && t.get().created() && t.get().file() == s.get().file()) {
                    out.add(new Collision(j, i, why(names.get(j), names.get(i), t.get())));
                    break;
                }
            }
        }
        return out;
    }

    private static String why(String first, String second, Stored target) {
        String a = strip(first);
        String b = strip(second);
        if (equalsAsciiIgnoreCase(a, b)) {
            return a.equals(first) && b.equals(second)
                    ? "they are equal ignoring case, and the card compares names ignoring case"
                    : "the card stores both as '" + TerminalText.of(target.name()) + "' (it drops leading spaces and trailing dots and spaces, and compares names ignoring case)";
        }
        return "'" + TerminalText.of(second) + "' is the short alias " + target.shortName() + " the card gives '" + TerminalText.of(first) + "'";
    }

    private static String strip(String name) {
        int start = 0;
        while (start < name.length() && name.charAt(start) == ' ') {
            start++;
        }
        int end = name.length();
        while (end > start && (name.charAt(end - 1) == ' ' || name.charAt(end - 1) == '.')) {
            end--;
        }
        return name.substring(start, end);
    }

    /** The long-name parse and short-name derivation of FatFile::parsePathName (FatFileLFN.cpp); a String when the open fails. */
    private static Object parse(String path) {
        // The name follows "<version>/": the spaces and slashes after a separator are skipped
        // (parsePathName's advance to the next component), and so are leading spaces.
        int start = 0;
        while (start < path.length() && (path.charAt(start) == ' ' || path.charAt(start) == '/')) {
            start++;
        }
        int sep = path.indexOf('/', start);
        String rest = sep < 0 ? path.substring(start) : path.substring(start, sep);
        if (sep >= 0 && !path.substring(sep).replace("/", "").replace(" ", "").isEmpty()) {
            return "file name '" + TerminalText.of(path) + "' holds a '/': the device would write into a folder of that name";
        }
        if (rest.isEmpty()) {
            return "file name '" + TerminalText.of(path) + "' names the release folder itself: the device cannot open it as a file and rejects the update";
        }
        for (int k = 0; k < rest.length(); k++) {
            if (!lfnLegal(rest.charAt(k))) {
                return "file name '" + TerminalText.of(path) + "' holds a character the card's long names cannot hold: the device cannot create it and rejects the update";
            }
        }
        int len = rest.length();
        while (len > 0 && (rest.charAt(len - 1) == '.' || rest.charAt(len - 1) == ' ')) {
            len--;
        }
        if (len > 255) {
            return "file name '" + TerminalText.of(path) + "' is longer than the card's 255-character limit";
        }
        String lfn = rest.substring(0, len);
        char[] sfn = "           ".toCharArray();
        int si = 0;
        while (si < rest.length() && (rest.charAt(si) == '.' || rest.charAt(si) == ' ')) {
            si++;
        }
        boolean is83 = si == 0;
        int dot = len - 1;
        while (dot >= 0 && rest.charAt(dot) != '.') {
            dot--;
        }
        int bit = LC_BASE;
        int lc = 0;
        int uc = 0;
        int i = 0;
        int in = 7;
        int seqPos = 0;
        for (; si < len; si++) {
            char c = rest.charAt(si);
            if (c == ' ' || (c == '.' && dot != si)) {
                is83 = false;
                continue;
            }
            if (!legal83(c) && si != dot) {
                is83 = false;
                c = '_';
            }
            if (si == dot || i > in) {
                if (in == 10) {
                    is83 = false;
                    break;
                }
                if (si != dot) {
                    is83 = false;
                }
                if (si > dot) {
                    break;
                }
                si = dot;
                in = 10;
                i = 8;
                bit = LC_EXT;
            } else {
                if ('a' <= c && c <= 'z') {
                    c = (char) (c - 'a' + 'A');
                    lc |= bit;
                } else if ('A' <= c && c <= 'Z') {
                    uc |= bit;
                }
                sfn[i++] = c;
                if (i < 7) {
                    seqPos = i;
                }
            }
        }
        if (sfn[0] == ' ') {
            return "file name '" + TerminalText.of(path) + "' leaves no name once the card drops its spaces and dots: the device cannot create it and rejects the update";
        }
        int flags;
        if (is83) {
            flags = (lc & uc) != 0 ? MIXED_CASE : lc;
        } else {
            flags = LOST_CHARS;
            sfn[seqPos] = '~';
            sfn[seqPos + 1] = '1';
        }
        return new Parsed(lfn, sfn, flags, seqPos);
    }

    /** The directory search of FatFile::open(FatFile*, fname_t*, oflag_t): the index of the file the name opens, or -1. */
    private static int lookup(List<DirEntry> dir, Parsed p) {
        for (int k = 0; k < dir.size(); k++) {
            DirEntry e = dir.get(k);
            if (e.lfn != null && equalsAsciiIgnoreCase(e.lfn, p.lfn)) {
                return k;
            }
            // A long name that differs falls through to the short-name comparison, as in the library.
            if (!p.lostChars() && Arrays.equals(e.sfn, p.sfn)) {
                return k;
            }
        }
        return -1;
    }

    private static boolean sfnTaken(List<DirEntry> dir, char[] sfn) {
        for (DirEntry e : dir) {
            if (Arrays.equals(e.sfn, sfn)) {
                return true;
            }
        }
        return false;
    }

    /** FatFile::lfnUniqueSfn: when {@code ~1} is taken, {@code ~HHHH} from a hash of the long name, seq 2 to 99. */
    private static boolean uniqueSfn(List<DirEntry> dir, Parsed p, char[] sfn) {
        int pos = Math.min(p.seqPos, 3);
        for (int seq = 2; seq < 100; seq++) {
            int hex = bernstein(seq + p.lfn.length(), p.lfn);
            for (int i = pos + 4; i > pos; i--) {
                int h = hex & 0xF;
                sfn[i] = (char) (h < 10 ? h + '0' : h + 'A' - 10);
                hex >>= 4;
            }
            sfn[pos] = '~';
            if (!sfnTaken(dir, sfn)) {
                return true;
            }
        }
        return false;
    }

    private static int bernstein(int seed, String s) {
        int hash = seed & 0xFFFF;
        for (int i = 0; i < s.length(); i++) {
            hash = (((hash << 5) + hash) ^ s.charAt(i)) & 0xFFFF;
        }
        return hash;
    }

    /** FatFile::dirName: the 8.3 name with its dot, lower-cased where the entry's case bits say so. */
    private static String displaySfn(char[] sfn, int caseFlags) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 11; i++) {
            char c = sfn[i];
            if (c == ' ') {
                continue;
            }
            if (i == 8) {
                b.append('.');
            }
            int bit = i < 8 ? LC_BASE : LC_EXT;
            if ('A' <= c && c <= 'Z' && (caseFlags & bit) != 0) {
                c = (char) (c - 'A' + 'a');
            }
            b.append(c);
        }
        return b.toString();
    }

    /** lfnLegalChar (FatFileLFN.cpp): printable ASCII except {@code / \ " * : < > ? |}. */
    private static boolean lfnLegal(char c) {
        return c > 0x1F && c < 0x7F && "/\\\"*:<>?|".indexOf(c) < 0;
    }

    /** FatFile::legal83Char (FatFile.h). */
    private static boolean legal83(char c) {
        if (c == '"' || c == '|') {
            return false;
        }
        if (0x2A <= c && c <= 0x2F && c != 0x2D) {
            return false;
        }
        if (0x3A <= c && c <= 0x3F) {
            return false;
        }
        if (0x5B <= c && c <= 0x5D) {
            return false;
        }
        return 0x20 < c && c < 0x7F;
    }

    /** lfnToLower: ASCII letters only. */
    private static boolean equalsAsciiIgnoreCase(String a, String b) {
        if (a.length() != b.length()) {
            return false;
        }
        for (int i = 0; i < a.length(); i++) {
            if (asciiLower(a.charAt(i)) != asciiLower(b.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static char asciiLower(char c) {
        return 'A' <= c && c <= 'Z' ? (char) (c + 'a' - 'A') : c;
    }
}
