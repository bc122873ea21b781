package org.iotasign.io;

/**
 * Outside text (file names, entry names, versions, serial fields, HTTP text, reasons
 * quoted from input) made safe for a terminal: nothing in the result can move the
 * cursor, end the line, change colours or reorder what follows. Every human-output path
 * renders outside text here; JSON output keeps the exact value instead.
 *
 * <p>Escapes, all unambiguous because the backslash itself is escaped:
 * <ul>
 *   <li>{@code \\} for a backslash;</li>
 *   <li>{@code \x00}..{@code \x1f} and {@code \x7f} for C0 controls (ESC is {@code \x1b}) and DEL;</li>
 *   <li>{@code \u0085}, {@code \u202e}, {@code \u200b}, {@code \u2028} for C1 controls, format
 *       characters (bidi controls, zero-width characters), line and paragraph separators,
 *       lone surrogates and unassigned code points; {@code \U000e0001} above U+FFFF;</li>
 *   <li>{@code \x80}..{@code \xff} only for a byte that is not valid UTF-8 (from {@link #of(byte[])}).</li>
 * </ul>
 * Text longer than the limit is cut, and the cut says how long the text was in full.
 */
public final class TerminalText {
    /** Code points (or bytes) shown before a cut: a file name or a server's line fits, a body does not. */
    public static final int DEFAULT_LIMIT = 200;
    private static final int NO_QUOTE = -1;
    private static final int LINE_LIMIT = 1000;

    private TerminalText() {
    }

    /** {@code s} with every unsafe character escaped, cut after {@link #DEFAULT_LIMIT} code points. */
    public static String of(String s) {
        return of(s, DEFAULT_LIMIT);
    }

    public static String of(String s, int limit) {
        return render(s, limit, NO_QUOTE, false);
    }

    /**
     * A whole message (an error, a reason) that mixes the tool's words with outside parts:
     * unsafe characters are escaped as in {@link #of(String)}, but a backslash is left as
     * it is, because the outside parts of such messages were rendered with {@link #of}
     * when the message was made and a second pass would double their backslashes. Safe
     * for the terminal; not meant to be read back. Cut after 1000 code points.
     */
    public static String line(String s) {
        return render(s, LINE_LIMIT, NO_QUOTE, true);
    }

    /** {@link #of(String)} between double quotes, a quote inside escaped as {@code \"}: where the text ends is never in doubt. */
    public static String quoted(String s) {
        return render(s, DEFAULT_LIMIT, '"', false);
    }

    /**
     * The one rendering loop: at most {@code limit} code points, each escaped as
     * {@link #appendCodePoint} does, between {@code quote}s unless it is {@link #NO_QUOTE};
     * with {@code backslashAsIs} a backslash passes unescaped (see {@link #line}).
     */
    private static String render(String s, int limit, int quote, boolean backslashAsIs) {
        if (s == null) {
            return "(none)";
        }
        StringBuilder sb = new StringBuilder(Math.min(s.length(), limit) + 8);
        if (quote != NO_QUOTE) {
            sb.append((char) quote);
        }
        int shown = 0;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            if (shown == limit) {
                if (quote != NO_QUOTE) {
                    sb.append((char) quote);
                }
                return cut(sb, s.codePointCount(0, s.length()), "characters");
            }
            if (backslashAsIs && cp == '\\') {
                sb.append('\\');
            } else {
                appendCodePoint(sb, cp, quote);
            }
            shown++;
            i += Character.charCount(cp);
        }
        if (quote != NO_QUOTE) {
            sb.append((char) quote);
        }
        return sb.toString();
    }

    /** Raw bytes (a file name as the file system holds it, a serial field) read as UTF-8; invalid bytes as {@code \xHH}. */
    public static String of(byte[] b) {
        return of(b, DEFAULT_LIMIT);
    }

    public static String of(byte[] b, int limit) {
        if (b == null) {
            return "(none)";
        }
        StringBuilder sb = new StringBuilder(Math.min(b.length, limit) + 8);
        int i = 0;
        while (i < b.length) {
            if (i >= limit) {
                return cut(sb, b.length, "bytes");
            }
            int n = validSequence(b, i);
            if (n == 0) {
                sb.append(String.format("\\x%02x", b[i] & 0xff));
                i++;
            } else {
                appendCodePoint(sb, decode(b, i, n), NO_QUOTE);
                i += n;
            }
        }
        return sb.toString();
    }

    private static String cut(StringBuilder sb, long total, String unit) {
        return sb.append(" [cut: ").append(total).append(' ').append(unit).append(" in all]").toString();
    }

    private static void appendCodePoint(StringBuilder sb, int cp, int quote) {
        if (cp == '\\') {
            sb.append("\\\\");
        } else if (cp == quote) {
            sb.append('\\').appendCodePoint(quote);
        } else if (cp < 0x20 || cp == 0x7f) {
            sb.append(String.format("\\x%02x", cp));
        } else if (cp < 0x7f) {
            sb.append((char) cp);
        } else if (isUnsafe(cp)) {
            sb.append(cp > 0xffff ? String.format("\\U%08x", cp) : String.format("\\u%04x", cp));
        } else {
            sb.appendCodePoint(cp);
        }
    }

    /** Characters that are not printed as themselves: they act on the terminal or on the text around them. */
    static boolean isUnsafe(int cp) {
        switch (Character.getType(cp)) {
            case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                 Character.SURROGATE, Character.UNASSIGNED -> {
                return true;
            }
            default -> {
                // Hangul fillers and the variation selectors print as nothing although they are letters or marks.
                return cp == 0x115f || cp == 0x1160 || cp == 0x3164 || cp == 0xffa0
                        || cp >= 0xfe00 && cp <= 0xfe0f || cp >= 0xe0100 && cp <= 0xe01ef;
            }
        }
    }

    /** Length of the well-formed UTF-8 sequence at {@code i} (RFC 3629: no overlong forms, no surrogates), or 0. */
    private static int validSequence(byte[] b, int i) {
        int b0 = b[i] & 0xff;
        if (b0 < 0x80) {
            return 1;
        }
        int n;
        int lo = 0x80;
        int hi = 0xbf;
        if (b0 >= 0xc2 && b0 <= 0xdf) {
            n = 2;
        } else if (b0 >= 0xe0 && b0 <= 0xef) {
            n = 3;
            lo = b0 == 0xe0 ? 0xa0 : 0x80;
            hi = b0 == 0xed ? 0x9f : 0xbf;
        } else if (b0 >= 0xf0 && b0 <= 0xf4) {
            n = 4;
            lo = b0 == 0xf0 ? 0x90 : 0x80;
            hi = b0 == 0xf4 ? 0x8f : 0xbf;
        } else {
            return 0;
        }
        if (i + n > b.length) {
            return 0;
        }
        int b1 = b[i + 1] & 0xff;
        if (b1 < lo || b1 > hi) {
            return 0;
        }
        for (int k = 2; k < n; k++) {
            int bk = b[i + k] & 0xff;
            if (bk < 0x80 || bk > 0xbf) {
                return 0;
            }
        }
        return n;
    }

    private static int decode(byte[] b, int i, int n) {
        int b0 = b[i] & 0xff;
        if (n == 1) {
            return b0;
        }
        int cp = b0 & (0xff >> (n + 1));
        for (int k = 1; k < n; k++) {
            cp = (cp << 6) | (b[i + k] & 0x3f);
        }
        return cp;
    }
}
