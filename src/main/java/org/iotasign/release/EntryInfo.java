package org.iotasign.release;

/**
 * One entry as found in a blob.
 *
 * @param name            the name as the device reads it (up to the first NUL, or all 24 bytes)
 * @param offset          offset of the entry header in the blob
 * @param length          the header's length field (unpadded data length)
 * @param sha256          SHA-256 of the entry's data (without padding); null only inside
 *                        {@link DeviceVerifier#deviceDecision}, which shows no entries
 * @param nameTerminated  false when the 24-byte name field has no NUL (the device reads past it)
 * @param nameFieldClean  false when bytes after the name's NUL are not zero
 * @param paddingZero     false when the data padding is not all zero
 */
public record EntryInfo(String name, long offset, long length, byte[] sha256,
                        boolean nameTerminated, boolean nameFieldClean, boolean paddingZero) {
    public long paddedLength() {
        return ReleaseLayout.padded(length);
    }

    public boolean isFirmware() {
        return ReleaseLayout.isFirmwareName(name);
    }
}
