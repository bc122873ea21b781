package org.iotasign.release;

/**
 * One thing found while checking a release: a code that callers decide on, and the text
 * that explains it to a person. Decide on {@link #code()}, never on {@link #text()}.
 */
public record Finding(Code code, String text) {
    /** The kinds of finding some caller decides on; everything else is {@link #OTHER}. */
    public enum Code {
        /** iotawatt.bin does not embed the key that verifies the blob. */
        FIRMWARE_LACKS_KEY,
        /** iotawatt.bin is gzip-compressed. */
        GZIP_FIRMWARE,
        /** Two entries reach the same file on the device's SD card. */
        SD_NAME_COLLISION,
        /** Anything else that makes the release unacceptable, or a warning. */
        OTHER
    }

    public Finding {
        if (code == null || text == null) {
            throw new IllegalArgumentException("a finding needs a code and a text");
        }
    }
}
