package org.iotasign.espimage;

import java.util.Arrays;
import java.util.Map;

/**
 * esptool's rewrite of the flash parameters (header bytes 2-3) of the image written at flash
 * offset 0 ({@code write_flash --flash_mode/--flash_size/--flash_freq}). Reproduced exactly so the
 * project can predict the bytes that end up on the chip.
 */
public final class FlashParams {
    /** The value that leaves a parameter as it is in the image. */
    public static final String KEEP = "keep";

    /**
     * The outcome of {@link #apply}.
     *
     * @param bytes   the image to write: a patched copy when changed, else the input array itself
     * @param changed bytes 2-3 differ from the input
     * @param reason  one sentence saying what was done or why nothing was
     */
    public record Result(byte[] bytes, boolean changed, String reason) {
    }

    private FlashParams() {
    }

    /**
     * Applies the parameters the way esptool does for offset 0: only when at least one is not
     * "keep", byte 0 is 0xE9 and the image parses as an ESP8266 v1 image (8-byte header, at most
     * 16 segments each with its address, length and data present, the checksum byte present; the
     * checksum's value is not checked).
     *
     * @throws IllegalArgumentException for a name esptool does not know
     */
    public static Result apply(byte[] image, String mode, String size, String freq) {
        Integer modeCode = code("flash mode", FlashCodes.MODES, mode);
        Integer sizeCode = code("flash size", FlashCodes.SIZES, size);
        Integer freqCode = code("flash frequency", FlashCodes.FREQS, freq);
        if (modeCode == null && sizeCode == null && freqCode == null) {
            return new Result(image, false, "flash mode, size and frequency are all keep: image left unchanged");
        }
        if (!isEsp8266V1(image)) {
            return new Result(image, false, "not a valid ESP8266 image, so not changing any flash settings");
        }
        int oldMode = image[2] & 0xff;
        int oldSizeFreq = image[3] & 0xff;
        int newMode = modeCode != null ? modeCode : oldMode;
        int newSizeFreq = (sizeCode != null ? sizeCode << 4 : oldSizeFreq & 0xf0) | (freqCode != null ? freqCode : oldSizeFreq & 0x0f);
        if (newMode == oldMode && newSizeFreq == oldSizeFreq) {
            return new Result(image, false, String.format("flash parameters already are bytes 2-3 = %02x %02x: image left unchanged",
                    oldMode, oldSizeFreq));
        }
        byte[] patched = Arrays.copyOf(image, image.length);
        patched[2] = (byte) newMode;
        patched[3] = (byte) newSizeFreq;
        return new Result(patched, true, String.format("header bytes 2-3 rewritten from %02x %02x to %02x %02x",
                oldMode, oldSizeFreq, newMode, newSizeFreq));
    }

    /** esptool's structural test of an image at offset 0 (ESP8266ROMFirmwareImage + verify()). */
    static boolean isEsp8266V1(byte[] image) {
        if (image == null || image.length < ImageParser.HEADER_LENGTH || (image[0] & 0xff) != ImageParser.MAGIC) {
            return false;
        }
        return ImageParser.parse(image, 0, "image").structurallyComplete();
    }

    private static Integer code(String what, Map<String, Integer> table, String name) {
        if (KEEP.equals(name)) {
            return null;
        }
        Integer code = name == null ? null : table.get(name);
        if (code == null) {
            throw new IllegalArgumentException("unknown " + what + " '" + name + "': use one of keep, "
                    + String.join(", ", table.keySet()));
        }
        return code;
    }
}
