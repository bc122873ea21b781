package org.iotasign.keybackup;

import java.util.Arrays;

/**
 * One share of a split Ed25519 seed: any {@code threshold} shares of one ceremony rebuild
 * the seed, fewer tell nothing about it.
 *
 * @param ceremonyId the ceremony that made the share (see {@link CeremonyId})
 * @param threshold  how many shares rebuild the seed (m, 2..16)
 * @param count      how many shares the ceremony made (n, m..16)
 * @param index      this share's number, 1..n (its x coordinate)
 * @param value      the 32-byte share value: secret, never logged
 */
public record KeyShare(String ceremonyId, int threshold, int count, int index, byte[] value) {
    public static final int MAX_SHARES = 16;
    public static final int VALUE_LENGTH = 32;

    public KeyShare {
        if (threshold < 2 || count < threshold || count > MAX_SHARES || index < 1 || index > count) {
            throw new IllegalArgumentException("share " + index + " of " + count + " with threshold " + threshold + " is impossible");
        }
        if (value.length != VALUE_LENGTH) {
            throw new IllegalArgumentException("a share value is " + VALUE_LENGTH + " bytes, got " + value.length);
        }
        value = value.clone();
    }

    @Override
    public byte[] value() {
        return value.clone();
    }

    /** Overwrites this share's value (the record's own copy). */
    public void clear() {
        Arrays.fill(value, (byte) 0);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeyShare s && s.ceremonyId.equals(ceremonyId) && s.threshold == threshold && s.count == count
                && s.index == index && Arrays.equals(s.value, value);
    }

    @Override
    public int hashCode() {
        return ceremonyId.hashCode() * 31 + index;
    }

    /** Never the value. */
    @Override
    public String toString() {
        return "share " + index + " of " + count + " (threshold " + threshold + ") of ceremony " + ceremonyId;
    }
}
