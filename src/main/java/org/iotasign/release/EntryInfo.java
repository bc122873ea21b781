package org.iotasign.release;

import java.util.Optional;

/**
 * One entry as found in a blob.
 *
 * @param name            the name as the device reads it (up to the first NUL, or all 24 bytes)
 * @param offset          offset of the entry header in the blob
 * @param length          the header's length field (unpadded data length)
 * @param sha256          SHA-256 of the entry's data (without padding), for the blobs that are
 *                        reviewed, inspected or recorded ({@link ReleaseBlob}'s parsers);
 *                        empty in {@link DeviceVerifier}'s verdicts, which need only the
 *                        blob's digest (a second pass over the blob, a sixth of a cold verify)
 * @param nameTerminated  false when the 24-byte name field has no NUL (the device reads past it)
 * @param nameFieldClean  false when bytes after the name's NUL are not zero
 * @param paddingZero     false when the data padding is not all zero
 */
public record EntryInfo(String name, long offset, long length, Optional<byte[]> sha256,
                        boolean nameTerminated, boolean nameFieldClean, boolean paddingZero) {
    public long paddedLength() {
        return ReleaseLayout.padded(length);
    }

    public boolean isFirmware() {
        return ReleaseLayout.isFirmwareName(name);
    }
}
