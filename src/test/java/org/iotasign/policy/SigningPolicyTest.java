package org.iotasign.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;

import org.iotasign.RejectedException;
import org.iotasign.crypto.Ed25519PublicKey;
import org.iotasign.espimage.SampleFirmware;
import org.iotasign.ledger.Ledger;
import org.iotasign.ledger.LedgerRecord;
import org.iotasign.release.FirmwareLimit;
import org.iotasign.release.ReleaseEntry;
import org.iotasign.release.ReleasePacker;
import org.iotasign.signing.Confirmation;
import org.iotasign.signing.Review;
import org.iotasign.signing.SignedRelease;
import org.iotasign.signing.SigningDesk;
import org.iotasign.signing.SigningKey;
import org.iotasign.testing.Digests;
import org.iotasign.testing.GzipImages;
import org.iotasign.testing.SigningFixture;
import org.iotasign.testing.TestReleases;
import org.iotasign.token.SoftHsmFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every policy rule refuses, and every rule with an override flag passes with it, the
 * flag recorded in the ledger. Signatures come from a real SoftHSM2 token.
 */
@Tag(SoftHsmFixture.TAG)
class SigningPolicyTest {
    static SigningFixture f;

    @TempDir
    Path dir;

    @BeforeAll
    static void token() throws IOException {
        f = SigningFixture.create(SigningPolicyTest.class);
    }

    @AfterAll
    static void close() {
        f.close();
    }

    Path ledger() {
        return dir.resolve("ledger.jsonl");
    }

    static LedgerRecord last(Path ledger) {
        List<LedgerRecord> r = new Ledger(ledger).records();
        return r.get(r.size() - 1);
    }

    /** Refused without the flag (and the refusal is in the ledger); signed with it, the flag in the ledger. */
    void refusedThenOverridden(PolicyRule rule, byte[] blob, String reasonPart, SigningDesk plain, SigningDesk overriding) {
        Review refused = plain.review(blob, "test");
        assertTrue(refused.refused());
        assertEquals(rule, refused.decision().violations().stream().filter(v -> !v.overridden()).findFirst().orElseThrow().rule());
        RejectedException e = assertThrows(RejectedException.class, () -> plain.sign(refused, Confirmation.COMMAND_LINE));
        assertTrue(e.getMessage().contains(reasonPart), e.getMessage());
        LedgerRecord refusal = last(ledger());
        assertEquals(LedgerRecord.Outcome.REFUSED, refusal.outcome());
        assertTrue(refusal.reasons().get(0).contains(reasonPart), refusal.reasons().toString());

        Review passed = overriding.review(blob, "test");
        assertFalse(passed.refused(), passed.lines().toString());
        SignedRelease s = overriding.sign(passed, Confirmation.COMMAND_LINE);
        assertTrue(overriding.key().publicKey().verify(Digests.sha256(blob), s.signature()));
        LedgerRecord signed = last(ledger());
        assertEquals(LedgerRecord.Outcome.SIGNED, signed.outcome());
        assertEquals(List.of(rule.overrideFlag().orElseThrow()), signed.overrides());
        assertTrue(passed.lines().stream().anyMatch(l -> l.contains("overridden by " + rule.overrideFlag().get())));
    }

    /** Each test starts a ledger file of its own: the token is on its first use each time. */
    @BeforeEach
    void freshLedgerAnchor() {
        f.forgetLedgerAnchor();
    }

    @Test
    void gzipFirmwareIsRefusedAndWithTheFlagSignedWithTheFlagInTheLedger() {
        byte[] fw = GzipImages.stored(SampleFirmware.build("02_08_05", List.of(f.publicKey()), 8192));
        byte[] blob = ReleasePacker.pack("02_08_05", List.of(new ReleaseEntry("iotawatt.bin", fw)), FirmwareLimit.DEFAULT.acceptingGzip()).bytes();
        SigningDesk plain = f.desk(ledger());
        Review refused = plain.review(blob, "test");
        assertTrue(refused.refused());
        RejectedException e = assertThrows(RejectedException.class, () -> plain.sign(refused, Confirmation.COMMAND_LINE));
        assertTrue(e.getMessage().contains("gzip-compressed"), e.getMessage());

        SigningDesk overriding = new SigningDesk(plain.key(), new Ledger(ledger()), new SigningPolicy(EnumSet.of(PolicyRule.GZIP_FIRMWARE)),
                FirmwareLimit.DEFAULT.acceptingGzip());
        Review passed = overriding.review(blob, "test");
        assertFalse(passed.refused(), passed.lines().toString());
        overriding.sign(passed, Confirmation.COMMAND_LINE);
        LedgerRecord signed = last(ledger());
        assertEquals(LedgerRecord.Outcome.SIGNED, signed.outcome());
        assertEquals(List.of("--allow-gzip-firmware"), signed.overrides());
        assertTrue(signed.warnings().stream().anyMatch(w -> w.contains("accepted by --allow-gzip-firmware")), signed.warnings()::toString);
    }

    @Test
    void aFirmwareWithoutTheSigningKeyIsRefusedUnlessAllowed() {
        byte[] blob = SigningFixture.release("02_08_05", Ed25519PublicKey.fromHex("5".repeat(64).replace("55", "5a")));
        refusedThenOverridden(PolicyRule.MISSING_OWN_KEY, blob, "does not embed the signing key",
                f.desk(ledger()), f.desk(ledger(), PolicyRule.MISSING_OWN_KEY));
    }

    @Test
    void aFirmwareStillEmbeddingTheStockKeyIsRefusedUnlessAllowed() {
        byte[] blob = SigningFixture.release("02_08_05", f.publicKey(), Ed25519PublicKey.STOCK_IOTAWATT);
        refusedThenOverridden(PolicyRule.STOCK_KEY, blob, "still embeds the stock IoTaWatt key",
                f.desk(ledger()), f.desk(ledger(), PolicyRule.STOCK_KEY));
    }

    @Test
    void aVersionLowerThanOneSignedWithThisKeyIsRefusedUnlessAllowed() {
        SigningDesk desk = f.desk(ledger());
        desk.sign(desk.review(f.release("02_08_05"), "test"), Confirmation.YES_FLAG);
        refusedThenOverridden(PolicyRule.DOWNGRADE, f.release("02_07_09"), "is lower than 02_08_05",
                desk, f.desk(ledger(), PolicyRule.DOWNGRADE));
    }

    @Test
    void aHigherVersionAfterAnotherKeysSignatureIsNoDowngrade() {
        SigningDesk other = SigningFixture.desk(SigningKey.of(f.importedKey), ledger(), PolicyRule.EXTRACTABLE_KEY);
        other.sign(other.review(SigningFixture.release("09_00_00", f.importedKey.publicKey()), "test"), Confirmation.YES_FLAG);
        Review r = f.desk(ledger()).review(f.release("02_08_05"), "test");
        assertFalse(r.refused(), r.lines().toString());
    }

    @Test
    void theSameVersionWithOtherContentIsRefusedEvenWithEveryOverride() {
        SigningDesk all = f.desk(ledger(), PolicyRule.MISSING_OWN_KEY, PolicyRule.STOCK_KEY, PolicyRule.DOWNGRADE, PolicyRule.EXTRACTABLE_KEY);
        all.sign(all.review(f.release("02_08_05"), "test"), Confirmation.YES_FLAG);
        byte[] other = TestReleases.unsigned("02_08_05", List.of(f.publicKey()), 20 * 1024);
        Review r = all.review(other, "test");
        assertTrue(r.refused());
        assertEquals(PolicyRule.VERSION_REUSED, r.decision().violations().get(0).rule());
        assertTrue(PolicyRule.VERSION_REUSED.overrideFlag().isEmpty());
        RejectedException e = assertThrows(RejectedException.class, () -> all.sign(r, Confirmation.YES_FLAG));
        assertTrue(e.getMessage().contains("version 02_08_05 was already signed with other content"), e.getMessage());
    }

    @Test
    void theSameBytesAgainAreARepeatWithTheSameSignature() {
        SigningDesk desk = f.desk(ledger());
        byte[] blob = f.release("02_08_05");
        SignedRelease first = desk.sign(desk.review(blob, "test"), Confirmation.TYPED_VERSION);
        Review again = desk.review(blob, "test");
        assertTrue(again.isRepeat());
        assertFalse(again.refused());
        SignedRelease second = desk.sign(again, Confirmation.REPEAT);
        assertTrue(java.util.Arrays.equals(first.signed(), second.signed()), "Ed25519 is deterministic");
        assertEquals(LedgerRecord.Outcome.REPEAT, second.record().outcome());
        assertEquals(first.record().seq(), second.record().repeatOf());
    }

    @Test
    void aRepeatOfAnOldVersionIsNoDowngrade() {
        SigningDesk desk = f.desk(ledger());
        byte[] old = f.release("02_08_04");
        desk.sign(desk.review(old, "test"), Confirmation.YES_FLAG);
        desk.sign(desk.review(f.release("02_08_05"), "test"), Confirmation.YES_FLAG);
        Review r = desk.review(old, "test");
        assertTrue(r.isRepeat() && !r.refused(), r.lines().toString());
    }

    @Test
    void whatVerifyFlagsIsRefusedEvenWithEveryOverride() {
        SigningDesk all = f.desk(ledger(), PolicyRule.MISSING_OWN_KEY, PolicyRule.STOCK_KEY, PolicyRule.DOWNGRADE, PolicyRule.EXTRACTABLE_KEY);
        byte[] dirty = f.release("02_08_05");
        org.iotasign.release.EntryInfo web = org.iotasign.release.ReleaseBlob.parseUnsigned(dirty, org.iotasign.release.FirmwareLimit.DEFAULT)
                .entries().stream().filter(e -> e.length() % 8 != 0).findFirst().orElseThrow();
        dirty[(int) (web.offset() + 32 + web.length())] = (byte) 0xff; // non-zero padding: verify flags it
        Review big = all.review(dirty, "test");
        assertTrue(big.refused());
        assertEquals(PolicyRule.RELEASE_PROBLEMS, big.decision().violations().get(0).rule());
        assertTrue(PolicyRule.RELEASE_PROBLEMS.overrideFlag().isEmpty());
        assertThrows(RejectedException.class, () -> all.sign(big, Confirmation.YES_FLAG));

        byte[] truncated = java.util.Arrays.copyOf(f.release("02_08_06"), 5000);
        Review cut = all.review(truncated, "test");
        assertTrue(cut.refused());
        assertTrue(cut.version().isEmpty());
        RejectedException e = assertThrows(RejectedException.class, () -> all.sign(cut, Confirmation.YES_FLAG));
        assertTrue(e.getMessage().contains("not a valid unsigned release blob"), e.getMessage());
        LedgerRecord refusal = last(ledger());
        assertEquals(LedgerRecord.Outcome.REFUSED, refusal.outcome());
        assertEquals(null, refusal.version());
        assertEquals(java.util.HexFormat.of().formatHex(Digests.sha256(truncated)), refusal.digest());
    }

    @Test
    void anImportedKeyIsRefusedUnlessAllowed() {
        byte[] blob = SigningFixture.release("02_08_05", f.importedKey.publicKey());
        refusedThenOverridden(PolicyRule.EXTRACTABLE_KEY, blob, "is extractable or was imported",
                SigningFixture.desk(SigningKey.of(f.importedKey), ledger()),
                SigningFixture.desk(SigningKey.of(f.importedKey), ledger(), PolicyRule.EXTRACTABLE_KEY));
    }
}
