package org.iotasign.keybackup;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.bouncycastle.crypto.threshold.ShamirSecretSplitter;
import org.bouncycastle.crypto.threshold.ShamirSplitSecret;
import org.bouncycastle.crypto.threshold.ShamirSplitSecretShare;
import org.iotasign.Hint;
import org.iotasign.RejectedException;
import org.iotasign.UsageException;
import org.iotasign.crypto.Ed25519PublicKey;
import org.iotasign.crypto.SoftwareEd25519Signer;

/**
 * Shamir's secret sharing of a 32-byte Ed25519 seed with BouncyCastle: byte by byte over
 * GF(2^8) with the AES polynomial x^8+x^4+x^3+x+1, share x = 1..n holding f(x) of a random
 * polynomial of degree m-1 whose f(0) is the seed byte. BouncyCastle's "Native" mode
 * multiplies by shift-and-add, without lookup tables indexed by secret bytes. Its share
 * array is sized by the secret length (32), so n must stay at most 32; iotasign allows 16.
 */
public final class SeedShares {
    private static final ShamirSecretSplitter.Algorithm FIELD = ShamirSecretSplitter.Algorithm.AES;
    private static final ShamirSecretSplitter.Mode MODE = ShamirSecretSplitter.Mode.Native;

    private SeedShares() {
    }

    /** Checks m and n as the ceremony takes them. */
    public static void checkScheme(int threshold, int count) {
        if (threshold < 2) {
            throw new UsageException("must be at least 2 (with 1 every share would be the key itself), not " + threshold, Hint.SHARE_THRESHOLD);
        }
        if (count < threshold) {
            throw new UsageException("--shares (" + count + ") must be at least --threshold (" + threshold + ")");
        }
        if (count > KeyShare.MAX_SHARES) {
            throw new UsageException("may be at most " + KeyShare.MAX_SHARES + ", not " + count, Hint.SHARE_COUNT);
        }
    }

    /** Splits the seed into {@code count} shares of which any {@code threshold} rebuild it. */
    public static List<KeyShare> split(byte[] seed, int threshold, int count, SecureRandom random) {
        checkScheme(threshold, count);
        if (seed.length != KeyShare.VALUE_LENGTH) {
            throw new IllegalArgumentException("an Ed25519 seed is 32 bytes");
        }
        String id = CeremonyId.of(new SoftwareEd25519Signer(seed).publicKey());
        ShamirSplitSecret split = new ShamirSecretSplitter(FIELD, MODE, seed.length, random).resplit(seed, threshold, count);
        ShamirSplitSecretShare[] bc = split.getSecretShares();
        List<KeyShare> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            byte[] value = encoded(bc[i]);
            try {
                out.add(new KeyShare(id, threshold, count, i + 1, value));
            } finally {
                Arrays.fill(value, (byte) 0);
            }
        }
        return out;
    }

    /**
     * Rebuilds the seed from shares of one ceremony: the first {@code threshold} distinct
     * shares rebuild it, every further share must agree with them, and the seed's key must
     * match the ceremony id. The caller zeroes the result.
     *
     * @throws RejectedException for shares of several ceremonies, a repeated share, too few shares,
     *                           or shares that do not rebuild the ceremony's key
     */
    public static byte[] combine(List<NamedShare> shares) {
        if (shares.isEmpty()) {
            throw new UsageException("no shares given", Hint.GIVE_SHARES);
        }
        KeyShare first = shares.get(0).share();
        for (NamedShare s : shares) {
            KeyShare k = s.share();
            if (!k.ceremonyId().equals(first.ceremonyId())) {
                throw new RejectedException(s.name() + " is a share of ceremony " + k.ceremonyId() + ", " + shares.get(0).name()
                        + " of ceremony " + first.ceremonyId() + ": give shares of one ceremony only");
            }
            if (k.threshold() != first.threshold() || k.count() != first.count()) {
                throw new RejectedException(s.name() + " says " + k.threshold() + " of " + k.count() + " where " + shares.get(0).name()
                        + " says " + first.threshold() + " of " + first.count() + ": the shares disagree, one is not genuine");
            }
        }
        for (int i = 0; i < shares.size(); i++) {
            for (int j = 0; j < i; j++) {
                if (shares.get(i).share().index() == shares.get(j).share().index()) {
                    throw new RejectedException(shares.get(j).name() + " and " + shares.get(i).name() + " are both share "
                            + shares.get(i).share().index() + ": give " + first.threshold() + " different shares");
                }
            }
        }
        int m = first.threshold();
        if (shares.size() < m) {
            throw new RejectedException(shares.size() + " share" + (shares.size() == 1 ? " was" : "s were") + " given, ceremony "
                    + first.ceremonyId() + " needs " + m + " of its " + first.count() + ": add more shares");
        }
        List<KeyShare> base = shares.subList(0, m).stream().map(NamedShare::share).toList();
        byte[] seed = interpolate(base);
        boolean done = false;
        try {
            for (NamedShare extra : shares.subList(m, shares.size())) {
                List<KeyShare> other = new ArrayList<>(base.subList(1, m));
                other.add(extra.share());
                byte[] again = interpolate(other);
                boolean same = Arrays.equals(seed, again);
                Arrays.fill(again, (byte) 0);
                if (!same) {
                    throw new RejectedException(extra.name() + " does not agree with the first " + m
                            + " shares: one of them is not genuine; try other combinations of " + m + " shares");
                }
            }
            Ed25519PublicKey key = new SoftwareEd25519Signer(seed).publicKey();
            if (!CeremonyId.of(key).equals(first.ceremonyId())) {
                throw new RejectedException("the shares pass their checksums but do not rebuild the key of ceremony "
                        + first.ceremonyId() + ": one of them is not genuine; try other combinations of " + m + " shares");
            }
            done = true;
            return seed;
        } finally {
            if (!done) {
                Arrays.fill(seed, (byte) 0);
            }
        }
    }

    /** A share and where it came from (a file name or "typed share 1"), for messages. */
    public record NamedShare(String name, KeyShare share) {
    }

    /** Lagrange interpolation at 0 of exactly these shares (no checks). */
    static byte[] interpolate(List<KeyShare> shares) {
        ShamirSplitSecretShare[] bc = new ShamirSplitSecretShare[shares.size()];
        for (int i = 0; i < bc.length; i++) {
            byte[] v = shares.get(i).value();
            bc[i] = new ShamirSplitSecretShare(v, shares.get(i).index());
            Arrays.fill(v, (byte) 0);
        }
        try {
            return new ShamirSplitSecret(FIELD, MODE, bc).getSecret();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] encoded(ShamirSplitSecretShare s) {
        try {
            return s.getEncoded();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
