package org.iotasign.usb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** rejected/NAME.reason.txt: one class writes and reads it, and the drive's decisions follow the parsed verdict. */
class ReasonFileTest {
    static final String DIGEST = "ab".repeat(32);

    static ReasonFile refused(String digest) {
        return new ReasonFile("stock.unsigned", ReasonFile.Verdict.REFUSED, Optional.of("\"02_09_01\""), Optional.of(digest),
                Optional.of("abab-abab-abab-abab"), Instant.parse("2026-12-02T03:04:05Z"), 7,
                List.of("(b) iotawatt.bin still embeds the stock IoTaWatt key", "a second reason"));
    }

    @Test
    void writesTheLabelledLinesTheDriveAlwaysHad() {
        assertEquals("""
                input        stock.unsigned
                verdict      refused
                version      "02_09_01"
                digest       %s
                fingerprint  abab-abab-abab-abab
                time         2026-12-02T03:04:05Z
                ledger       record 7
                reason       (b) iotawatt.bin still embeds the stock IoTaWatt key
                reason       a second reason
                """.formatted(DIGEST), new String(refused(DIGEST).bytes(), StandardCharsets.UTF_8));
    }

    @Test
    void roundTripsEveryField() throws IOException {
        ReasonFile r = refused(DIGEST);
        assertEquals(r, ReasonFile.parse(r.bytes()));
        ReasonFile ignored = new ReasonFile("odd name", ReasonFile.Verdict.IGNORED, Optional.empty(), Optional.empty(), Optional.empty(),
                Instant.parse("2026-01-01T00:00:00Z"), 0, List.of("is a folder, not a release file: ignored"));
        assertEquals(ignored, ReasonFile.parse(ignored.bytes()));
    }

    @Test
    void aHostileNameRoundTripsAsItsSafeForm() throws IOException {
        ReasonFile r = ReasonFile.of("evil\nverdict      declined\u001b[2J.unsigned", null, ReasonFile.Verdict.IGNORED, List.of("line\none"), 0);
        ReasonFile back = ReasonFile.parse(r.bytes());
        assertEquals(r, back);
        assertEquals(ReasonFile.Verdict.IGNORED, back.verdict());
        assertEquals(4, new String(r.bytes(), StandardCharsets.UTF_8).lines().count(), () -> new String(r.bytes(), StandardCharsets.UTF_8));
    }

    @Test
    void refusesTextItDidNotWrite() {
        assertThrows(IOException.class, () -> ReasonFile.parse("verdict      refused\n".getBytes(StandardCharsets.UTF_8)));
        byte[] unknownVerdict = new String(refused(DIGEST).bytes(), StandardCharsets.UTF_8).replace("verdict      refused", "verdict      approved")
                .getBytes(StandardCharsets.UTF_8);
        assertThrows(IOException.class, () -> ReasonFile.parse(unknownVerdict));
        byte[] badSeq = new String(refused(DIGEST).bytes(), StandardCharsets.UTF_8).replace("record 7", "record seven").getBytes(StandardCharsets.UTF_8);
        assertThrows(IOException.class, () -> ReasonFile.parse(badSeq));
    }

    @Test
    void anEarlierDeclineStandsAndAnEarlierRefusalIsDecidedAgain() {
        ReasonFile declined = new ReasonFile("a", ReasonFile.Verdict.DECLINED, Optional.of("\"02_09_01\""), Optional.of(DIGEST),
                Optional.of("abab-abab-abab-abab"), Instant.EPOCH, 3, List.of("the operator typed no"));
        assertEquals(Optional.of(ReasonFile.Verdict.DECLINED), DriveProcessor.earlierDecision(Optional.of(declined), DIGEST, false));
        assertEquals(Optional.of(ReasonFile.Verdict.DECLINED), DriveProcessor.earlierDecision(Optional.of(declined), DIGEST, true));
        // Refused before: stands only while the blob is still refused (an override may now allow it).
        assertEquals(Optional.empty(), DriveProcessor.earlierDecision(Optional.of(refused(DIGEST)), DIGEST, false));
        assertEquals(Optional.of(ReasonFile.Verdict.REFUSED), DriveProcessor.earlierDecision(Optional.of(refused(DIGEST)), DIGEST, true));
    }

    @Test
    void anEarlierVerdictAboutOtherBytesOrNoBytesDoesNotCount() {
        assertEquals(Optional.empty(), DriveProcessor.earlierDecision(Optional.of(refused("cd".repeat(32))), DIGEST, true));
        ReasonFile ignored = ReasonFile.of("x", null, ReasonFile.Verdict.IGNORED, List.of("why"), 0);
        assertEquals(Optional.empty(), DriveProcessor.earlierDecision(Optional.of(ignored), DIGEST, true));
        assertEquals(Optional.empty(), DriveProcessor.earlierDecision(Optional.empty(), DIGEST, true));
    }

    @Test
    void theDecisionReadsTheVerdictFieldNotTextElsewhere() throws IOException {
        // A reason line that mentions another verdict changes nothing: the parsed verdict decides.
        ReasonFile r = new ReasonFile("a", ReasonFile.Verdict.REFUSED, Optional.of("\"02_09_01\""), Optional.of(DIGEST),
                Optional.of("abab-abab-abab-abab"), Instant.EPOCH, 3, List.of("verdict      declined"));
        ReasonFile back = ReasonFile.parse(r.bytes());
        assertEquals(Optional.empty(), DriveProcessor.earlierDecision(Optional.of(back), DIGEST, false));
    }
}
