package org.iotasign.keybackup;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.iotasign.RejectedException;
import org.iotasign.UsageException;
import org.iotasign.crypto.SoftwareEd25519Signer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Share format 1 pinned: five committed share files (3 of 5, made once by the ceremony's writer)
 * that every later build must read and rebuild into the same key. Never regenerate them.
 */
class ShareFormatFixtureTest {
    static final Path FIXTURE = Path.of("src/test/resources/keybackup/format-1");
    static final String PUBLIC_KEY = "a93a925cd169e58906183c133e0110eb3930414b899fb054003d17cef9bae074";
    static final String CEREMONY = "0ZB2-9XXJ";

    static Path file(int index) {
        return FIXTURE.resolve("iotasign-share-" + CEREMONY + "-" + index + "-of-5.txt");
    }

    @Test
    void everyThreeOfTheFiveCommittedSharesRebuildTheCommittedKey() {
        List<KeyShare> shares = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            KeyShare s = ShareFile.read(file(i));
            assertEquals(CEREMONY, s.ceremonyId());
            assertEquals(i, s.index());
            assertEquals(3, s.threshold());
            assertEquals(5, s.count());
            shares.add(s);
        }
        int combinations = 0;
        for (int a = 0; a < 5; a++) {
            for (int b = a + 1; b < 5; b++) {
                for (int c = b + 1; c < 5; c++) {
                    byte[] seed = SeedShares.combine(SeedSharesProperties.named(List.of(shares.get(c), shares.get(a), shares.get(b))));
                    assertEquals(PUBLIC_KEY, new SoftwareEd25519Signer(seed).publicKey().hex());
                    combinations++;
                }
            }
        }
        assertEquals(10, combinations);
    }

    @Test
    void theWriterStillProducesTheCommittedBytes() throws IOException {
        for (int i = 1; i <= 5; i++) {
            KeyShare s = ShareFile.read(file(i));
            assertEquals(Files.readString(file(i), StandardCharsets.US_ASCII), ShareFile.text(s, "0599-8991-55a9-9acb"));
            assertEquals(file(i).getFileName().toString(), ShareFile.fileName(s));
        }
    }

    @Test
    void aFileHoldingOnlyTheCodeIsAShareToo(@TempDir Path dir) throws IOException {
        String code = Files.readAllLines(file(4)).get(4).substring("code      ".length());
        Path typed = Files.writeString(dir.resolve("typed.txt"), "  " + code.toLowerCase() + "\n\n");
        assertEquals(ShareFile.read(file(4)), ShareFile.read(typed));
    }

    @Test
    void refusesDamagedLinkedOversizedAndForeignFiles(@TempDir Path dir) throws IOException {
        String text = Files.readString(file(1));
        int at = text.indexOf("code      ") + 20;
        char c = text.charAt(at);
        Path damaged = Files.writeString(dir.resolve("damaged.txt"), text.substring(0, at) + (c == 'Q' ? 'R' : 'Q') + text.substring(at + 1));
        RejectedException e = assertThrows(RejectedException.class, () -> ShareFile.read(damaged));
        assertEquals("share " + damaged + ": the share fails its checksum: a character was mistyped or the share was damaged; "
                + "compare it group by group with its paper copy", e.getMessage());

        Path link = Files.createSymbolicLink(dir.resolve("link.txt"), file(1).toAbsolutePath());
        assertTrue(assertThrows(RejectedException.class, () -> ShareFile.read(link)).getMessage().contains("symbolic link"));

        Path big = Files.write(dir.resolve("big.txt"), new byte[5000]);
        assertTrue(assertThrows(RejectedException.class, () -> ShareFile.read(big)).getMessage().contains("larger than 4096"));

        Path binary = Files.write(dir.resolve("bin.txt"), new byte[] {(byte) 0xc3, (byte) 0xa9, 'x'});
        assertTrue(assertThrows(RejectedException.class, () -> ShareFile.read(binary)).getMessage().contains("not ASCII"));

        Path two = Files.writeString(dir.resolve("two.txt"), text + text.substring(text.indexOf("code")));
        assertTrue(assertThrows(RejectedException.class, () -> ShareFile.read(two)).getMessage().contains("2 code lines"));

        Path ledger = Files.writeString(dir.resolve("notes.txt"), "hello\nworld\n");
        assertTrue(assertThrows(RejectedException.class, () -> ShareFile.read(ledger)).getMessage().contains("no 'code' line"));

        assertThrows(UsageException.class, () -> ShareFile.read(dir.resolve("missing.txt")));
        assertThrows(UsageException.class, () -> ShareFile.read(dir));
    }

    @Test
    void writingNeverReplacesAShareAndReadsBack(@TempDir Path dir) throws IOException {
        KeyShare s = ShareFile.read(file(2));
        Path written = ShareFile.write(dir, s, "0599-8991-55a9-9acb");
        assertArrayEquals(Files.readAllBytes(file(2)), Files.readAllBytes(written));
        assertThrows(UsageException.class, () -> ShareFile.write(dir, s, "0599-8991-55a9-9acb"));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file is left behind");
        }
    }
}
