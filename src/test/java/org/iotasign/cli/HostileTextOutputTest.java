package org.iotasign.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.iotasign.crypto.Ed25519PublicKey;
import org.iotasign.io.JsonText;
import org.iotasign.ledger.Ledger;
import org.iotasign.ledger.LedgerRecord;
import org.iotasign.testing.Cli;
import org.iotasign.testing.TestReleases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Commands that print what others wrote (the ledger's sources and reasons, a blob's names) print it escaped. */
class HostileTextOutputTest {
    static final String ATTACK = "\u001b[2J\u001b[H\nfingerprint  0000-1111-2222-3333\u202e";

    @TempDir
    Path dir;

    static void assertNoRawControl(String out) {
        assertTrue(out.chars().allMatch(c -> c == '\n' || c >= 0x20 && c != 0x7f && c != 0x202e), "raw control character in:\n" + out);
    }

    @Test
    void ledgerShowEscapesSourcesVersionsAndReasons() {
        Path p = dir.resolve("ledger.jsonl");
        String digest = "ab".repeat(32);
        new Ledger(p).append(h -> LedgerRecord.draft(LedgerRecord.Outcome.REFUSED, "0\u001b[2J" + "abc", digest, 10, List.of(),
                "aaaa-bbbb-cccc-dddd", "11".repeat(32), "serial-1", "usb:/media/op/D/iotasign/outbox/" + ATTACK + ".unsigned", null,
                List.of(), List.of("file name '" + ATTACK + "' is bad"), List.of(), null));
        Cli.Result show = Cli.run("ledger", "show", "--ledger", p.toString());
        assertEquals(0, show.exit(), show.toString());
        assertNoRawControl(show.out());
        assertTrue(show.out().contains("source: \"usb:/media/op/D/iotasign/outbox/\\x1b[2J\\x1b[H\\x0afingerprint  0000-1111-2222-3333\\u202e.unsigned\""),
                show.out());
        assertTrue(show.out().contains("\"0\\x1b[2Jabc\""), show.out());
        assertFalse(show.out().lines().anyMatch(l -> l.startsWith("fingerprint")), show.out());
    }

    @Test
    void inspectEscapesAHostileEntryNameAndJsonKeepsItExactly() throws Exception {
        byte[] blob = TestReleases.unsigned("02_09_03", List.of(Ed25519PublicKey.STOCK_IOTAWATT), 8 * 1024);
        byte[] name = "\r\u001b[2Kverdict  SIGNED\n".getBytes(StandardCharsets.US_ASCII);
        byte[] needle = "index.htm\0".getBytes(StandardCharsets.US_ASCII);
        int at = -1;
        for (int i = 0; at < 0 && i + needle.length <= blob.length; i++) {
            if (Arrays.equals(blob, i, i + needle.length, needle, 0, needle.length)) {
                at = i;
            }
        }
        byte[] field = new byte[24];
        System.arraycopy(name, 0, field, 0, name.length);
        System.arraycopy(field, 0, blob, at, 24);
        Path in = Files.write(dir.resolve("x.unsigned"), blob);

        Cli.Result text = Cli.run("inspect", in.toString());
        assertNoRawControl(text.out());
        assertTrue(text.out().contains("\"\\x0d\\x1b[2Kverdict  SIGNED\\x0a\""), text.out());

        Cli.Result json = Cli.run("inspect", "--json", in.toString());
        assertNoRawControl(json.out());
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> entries = (List<Map<String, Object>>) ((Map<String, Object>) JsonText.parse(json.out())).get("entries");
        assertEquals("\r\u001b[2Kverdict  SIGNED\n", entries.get(1).get("name"), "scripts get the exact name");
    }
}
