package org.iotasign.keybackup;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import org.iotasign.RejectedException;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Shamir splitting of the seed: any m of n shares rebuild it, fewer do not, whatever m, n (2..16) and seed. */
class SeedSharesProperties {

    @Property(tries = 200)
    void anyMOfNSharesRebuildTheSeedAndFewerDoNot(@ForAll @IntRange(min = 2, max = 16) int n,
                                                  @ForAll @IntRange(min = 2, max = 16) int mWanted,
                                                  @ForAll @Size(32) byte[] seed, @ForAll long shuffleSeed) {
        int m = Math.min(mWanted, n);
        List<KeyShare> shares = SeedShares.split(seed, m, n, new SecureRandom());
        assertEquals(n, shares.size());
        for (int i = 0; i < n; i++) {
            assertEquals(i + 1, shares.get(i).index());
            assertEquals(m, shares.get(i).threshold());
            assertEquals(n, shares.get(i).count());
            assertFalse(Arrays.equals(seed, shares.get(i).value()), "no share is the seed itself");
        }
        Random pick = new Random(shuffleSeed);
        for (int round = 0; round < 3; round++) {
            List<KeyShare> shuffled = new ArrayList<>(shares);
            Collections.shuffle(shuffled, pick);
            int k = m + pick.nextInt(n - m + 1);
            byte[] rebuilt = SeedShares.combine(named(shuffled.subList(0, k)));
            assertArrayEquals(seed, rebuilt, m + " of " + n + " with " + k + " shares given");

            List<KeyShare> tooFew = shuffled.subList(0, m - 1);
            RejectedException e = assertThrows(RejectedException.class, () -> SeedShares.combine(named(tooFew)));
            assertTrue(e.getMessage().contains("needs " + m), e.getMessage());
            // Interpolating m-1 shares anyway gives a value unrelated to the seed.
            assertFalse(Arrays.equals(seed, SeedShares.interpolate(tooFew)), "m-1 shares must not give the seed");
        }
    }

    static List<SeedShares.NamedShare> named(List<KeyShare> shares) {
        List<SeedShares.NamedShare> out = new ArrayList<>();
        for (KeyShare s : shares) {
            out.add(new SeedShares.NamedShare("share-" + s.index(), s));
        }
        return out;
    }
}
