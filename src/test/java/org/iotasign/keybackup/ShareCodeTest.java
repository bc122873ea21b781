package org.iotasign.keybackup;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.List;
import java.util.Locale;

import org.iotasign.RejectedException;
import org.iotasign.UsageException;
import org.iotasign.crypto.SoftwareEd25519Signer;
import org.junit.jupiter.api.Test;

/** The share text: round trip, look-alike tolerance, and a clear refusal for every damaged or foreign share. */
class ShareCodeTest {
    static final byte[] SEED = new byte[32];
    static final byte[] OTHER_SEED = new byte[32];

    static {
        for (int i = 0; i < 32; i++) {
            SEED[i] = (byte) (i * 7 + 3);
            OTHER_SEED[i] = (byte) (255 - i);
        }
    }

    static List<KeyShare> split(byte[] seed) {
        return SeedShares.split(seed, 3, 5, new SecureRandom());
    }

    @Test
    void roundTripsAndStartsWithTheCeremonyId() {
        for (KeyShare s : split(SEED)) {
            String code = ShareCode.encode(s);
            assertEquals(72 + 17, code.length(), code);
            assertTrue(code.matches("([0-9A-HJKMNP-TV-Z]{4}-){17}[0-9A-HJKMNP-TV-Z]{4}"), code);
            assertTrue(code.startsWith(s.ceremonyId()), "the first two groups are the ceremony id");
            assertEquals(s, ShareCode.decode(code));
        }
        assertEquals(CeremonyId.of(new SoftwareEd25519Signer(SEED).publicKey()), split(SEED).get(0).ceremonyId());
    }

    @Test
    void readsLowerCaseSpacesAndTheLookAlikesOfZeroAndOne() {
        KeyShare s = split(SEED).get(1);
        String code = ShareCode.encode(s);
        String sloppy = code.toLowerCase(Locale.ROOT).replace('-', ' ').replace("0", "o").replace("1", "l");
        assertEquals(s, ShareCode.decode(sloppy));
    }

    @Test
    void everySingleMistypedCharacterFailsTheChecksum() {
        String code = ShareCode.encode(split(SEED).get(0));
        for (int i = 0; i < code.length(); i++) {
            if (code.charAt(i) == '-') {
                continue;
            }
            char wrong = code.charAt(i) == 'X' ? 'Y' : 'X';
            String typo = code.substring(0, i) + wrong + code.substring(i + 1);
            RejectedException e = assertThrows(RejectedException.class, () -> ShareCode.decode(typo), "position " + i);
            assertTrue(e.getMessage().contains("fails its checksum"), e.getMessage());
        }
    }

    @Test
    void swappedNeighboursFailTheChecksum() {
        String code = ShareCode.encode(split(SEED).get(2)).replace("-", "");
        int swapped = 0;
        for (int i = 0; i + 1 < code.length(); i++) {
            if (code.charAt(i) != code.charAt(i + 1)) {
                String t = code.substring(0, i) + code.charAt(i + 1) + code.charAt(i) + code.substring(i + 2);
                assertThrows(RejectedException.class, () -> ShareCode.decode(t), "swap at " + i);
                swapped++;
            }
        }
        assertTrue(swapped > 40);
    }

    @Test
    void refusesAMissingGroupAStrayCharacterAndControlCharacters() {
        String code = ShareCode.encode(split(SEED).get(0));
        RejectedException shortOne = assertThrows(RejectedException.class, () -> ShareCode.decode(code.substring(5)));
        assertTrue(shortOne.getMessage().contains("68 characters where a share has 72"), shortOne.getMessage());
        RejectedException u = assertThrows(RejectedException.class, () -> ShareCode.decode("U" + code.substring(1)));
        assertTrue(u.getMessage().contains("'U'") && u.getMessage().contains("not in the share alphabet"), u.getMessage());
        RejectedException esc = assertThrows(RejectedException.class, () -> ShareCode.decode("\u001b[2J" + code));
        assertTrue(esc.getMessage().contains("a control or non-ASCII character") && !esc.getMessage().contains("\u001b"),
                esc.getMessage());
    }

    @Test
    void refusesSharesOfAnotherCeremonyARepeatedShareAndTooFew() {
        List<KeyShare> ours = split(SEED);
        List<KeyShare> foreign = split(OTHER_SEED);
        RejectedException mixed = assertThrows(RejectedException.class, () -> SeedShares.combine(SeedSharesProperties.named(
                List.of(ours.get(0), ours.get(1), foreign.get(2)))));
        assertTrue(mixed.getMessage().contains("of ceremony " + foreign.get(0).ceremonyId())
                && mixed.getMessage().contains("give shares of one ceremony only"), mixed.getMessage());
        RejectedException twice = assertThrows(RejectedException.class, () -> SeedShares.combine(SeedSharesProperties.named(
                List.of(ours.get(0), ours.get(1), ours.get(1)))));
        assertTrue(twice.getMessage().contains("are both share 2"), twice.getMessage());
        RejectedException few = assertThrows(RejectedException.class, () -> SeedShares.combine(SeedSharesProperties.named(
                List.of(ours.get(3), ours.get(4)))));
        assertTrue(few.getMessage().contains("2 shares were given, ceremony " + ours.get(0).ceremonyId() + " needs 3 of its 5"),
                few.getMessage());
        assertThrows(UsageException.class, () -> SeedShares.combine(List.of()));
    }

    @Test
    void refusesAForgedShareWithAValidChecksumThatDoesNotRebuildTheKey() {
        List<KeyShare> ours = split(SEED);
        byte[] v = ours.get(2).value();
        v[0] ^= 1;
        // Re-encoded, so its checksum holds: only the rebuilt key can tell.
        KeyShare forged = ShareCode.decode(ShareCode.encode(new KeyShare(ours.get(2).ceremonyId(), 3, 5, 3, v)));
        RejectedException e = assertThrows(RejectedException.class, () -> SeedShares.combine(SeedSharesProperties.named(
                List.of(ours.get(0), ours.get(1), forged))));
        assertTrue(e.getMessage().contains("do not rebuild the key of ceremony"), e.getMessage());
        RejectedException extra = assertThrows(RejectedException.class, () -> SeedShares.combine(SeedSharesProperties.named(
                List.of(ours.get(0), ours.get(1), ours.get(3), forged))));
        assertTrue(extra.getMessage().contains("share-3 does not agree with the first 3 shares"), extra.getMessage());
        assertArrayEquals(SEED, SeedShares.combine(SeedSharesProperties.named(List.of(ours.get(4), ours.get(0), ours.get(3)))));
    }

    @Test
    void refusesASchemeWithoutSecrecy() {
        assertThrows(UsageException.class, () -> SeedShares.split(SEED, 1, 3, new SecureRandom()));
        assertThrows(UsageException.class, () -> SeedShares.split(SEED, 4, 3, new SecureRandom()));
        assertThrows(UsageException.class, () -> SeedShares.split(SEED, 2, 17, new SecureRandom()));
    }

    @Test
    void neverPrintsTheShareValue() {
        KeyShare s = split(SEED).get(0);
        assertEquals("share 1 of 5 (threshold 3) of ceremony " + s.ceremonyId(), s.toString());
    }
}
