package org.iotasign.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/** Outside text rendered for a terminal: nothing that acts on the terminal survives, and nothing is lost or ambiguous. */
class TerminalTextTest {

    @Property(tries = 600)
    void renderedBytesHoldNoControlOrFormatCharacterAndReadBackExactly(@ForAll @Size(max = 300) byte[] raw) {
        String shown = TerminalText.of(raw, Integer.MAX_VALUE);
        assertPrintable(shown);
        assertArrayEquals(raw, unescape(shown), "the escaped form names exactly the bytes: " + shown);
    }

    @Provide
    Arbitrary<String> hostileStrings() {
        Arbitrary<Character> special = Arbitraries.of('\u001b', '\n', '\r', '\u0085', '\u009b', '\u007f', '\u202e', '\u2066',
                '\u200b', '\u200d', '\ufeff', '\u2028', '\u2029', '\\', '"', '\ud800', '\udfff', '\u00ad', '\u061c');
        return Arbitraries.oneOf(Arbitraries.strings().all().ofMaxLength(120),
                Arbitraries.oneOf(special, Arbitraries.chars().all()).list().ofMaxSize(120)
                        .map(l -> l.stream().map(String::valueOf).reduce("", String::concat)));
    }

    @Property(tries = 600)
    void renderedStringsHoldNoControlOrFormatCharacterAndReadBackExactly(@ForAll("hostileStrings") String s) {
        String shown = TerminalText.of(s, Integer.MAX_VALUE);
        assertPrintable(shown);
        if (!hasLoneSurrogate(s)) {
            assertEquals(s, new String(unescape(shown), StandardCharsets.UTF_8));
        }
        String quoted = TerminalText.quoted(s);
        assertPrintable(quoted);
        String inner = quoted.substring(1, quoted.length() - 1);
        assertTrue(quoted.startsWith("\"") && quoted.endsWith("\"") && !inner.replace("\\\\", "").replace("\\\"", "").contains("\""),
                "a quote inside is escaped, so the field's end cannot be faked: " + quoted);
    }

    @Property(tries = 300)
    void jsonForATerminalKeepsExactValuesAndOnlyPrintableAscii(@ForAll("hostileStrings") String s) throws Exception {
        if (hasLoneSurrogate(s)) {
            return; // Not a string any input decodes to.
        }
        String json = JsonText.forTerminal(java.util.Map.of("name", s));
        assertTrue(json.chars().allMatch(c -> c == '\n' || c >= 0x20 && c < 0x7f), json);
        assertEquals(java.util.Map.of("name", s), JsonText.parse(json), "scripts get the exact value back");
    }

    @Test
    void escapesTheSequencesThatDrawAFakeScreen() {
        String name = "a\u001b[2J\u001b[H\r\nfingerprint  1111-2222\u202eexe.bin\\x1b";
        assertEquals("a\\x1b[2J\\x1b[H\\x0d\\x0afingerprint  1111-2222\\u202eexe.bin\\\\x1b", TerminalText.of(name));
        assertEquals("\\x1b\\u009b\\xc3\\xff", TerminalText.of(new byte[] {0x1b, (byte) 0xc2, (byte) 0x9b, (byte) 0xc3, 0x28, (byte) 0xff})
                .replace("(", ""), "C1 as \\u, invalid UTF-8 bytes as \\x80..\\xff");
        assertEquals("\"say \\\"yes\\\"\"", TerminalText.quoted("say \"yes\""));
        assertEquals("\\U000e0001x", TerminalText.of("\udb40\udc01x"), "tag characters above U+FFFF");
    }

    @Test
    void cutsLongTextAndStatesItsFullLength() {
        String shown = TerminalText.of("x".repeat(5000));
        assertEquals("x".repeat(TerminalText.DEFAULT_LIMIT) + " [cut: 5000 characters in all]", shown);
        assertEquals("ab [cut: 3 bytes in all]", TerminalText.of(new byte[] {'a', 'b', 'c'}, 2));
        assertEquals("ab", TerminalText.of(new byte[] {'a', 'b'}, 2));
    }

    private static boolean hasLoneSurrogate(String s) {
        return s.codePoints().anyMatch(cp -> Character.getType(cp) == Character.SURROGATE);
    }

    static void assertPrintable(String shown) {
        shown.codePoints().forEach(cp -> {
            int t = Character.getType(cp);
            assertTrue(t != Character.CONTROL && t != Character.FORMAT && t != Character.LINE_SEPARATOR
                            && t != Character.PARAGRAPH_SEPARATOR && t != Character.SURROGATE && t != Character.UNASSIGNED,
                    String.format("U+%04X left raw in %s", cp, shown));
        });
    }

    /** The reader's side of the escapes: what the operator can reconstruct from the screen. */
    static byte[] unescape(String shown) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < shown.length(); ) {
            char c = shown.charAt(i);
            if (c != '\\') {
                int cp = shown.codePointAt(i);
                out.writeBytes(new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8));
                i += Character.charCount(cp);
                continue;
            }
            char kind = shown.charAt(i + 1);
            switch (kind) {
                case '\\', '"' -> {
                    out.write(kind);
                    i += 2;
                }
                case 'x' -> {
                    out.write(Integer.parseInt(shown.substring(i + 2, i + 4), 16));
                    i += 4;
                }
                case 'u' -> {
                    out.writeBytes(String.valueOf((char) Integer.parseInt(shown.substring(i + 2, i + 6), 16)).getBytes(StandardCharsets.UTF_8));
                    i += 6;
                }
                case 'U' -> {
                    out.writeBytes(new String(Character.toChars(Integer.parseInt(shown.substring(i + 2, i + 10), 16))).getBytes(StandardCharsets.UTF_8));
                    i += 10;
                }
                default -> throw new AssertionError("unknown escape in " + shown);
            }
        }
        return out.toByteArray();
    }
}
