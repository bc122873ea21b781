package org.iotasign.espimage;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The flash parameter codes of an ESP8266 image header (byte 2: mode; byte 3: size in the high
 * nibble, frequency in the low nibble), with esptool's names for them.
 */
public final class FlashCodes {
    /** Flash modes, byte 2. */
    public static final Map<String, Integer> MODES = ordered("qio", 0x0, "qout", 0x1, "dio", 0x2, "dout", 0x3);
    /** Flash sizes, the high nibble of byte 3 (esptool's ESP8266 spellings). */
    public static final Map<String, Integer> SIZES = ordered(
            "512KB", 0x0, "256KB", 0x1, "1MB", 0x2, "2MB", 0x3, "4MB", 0x4,
            "2MB-c1", 0x5, "4MB-c1", 0x6, "8MB", 0x8, "16MB", 0x9);
    /** Flash frequencies, the low nibble of byte 3. */
    public static final Map<String, Integer> FREQS = ordered("40m", 0x0, "26m", 0x1, "20m", 0x2, "80m", 0xf);

    /** The IoTaWatt board is a 4 MB ESP-12; the core's Updater refuses a header claiming more flash. */
    public static final long DEVICE_FLASH_BYTES = 4L * 1024 * 1024;

    private FlashCodes() {
    }

    /** esptool's name for a code, or null when the code is not one esptool knows. */
    static String nameOf(Map<String, Integer> table, int code) {
        for (Map.Entry<String, Integer> e : table.entrySet()) {
            if (e.getValue() == code) {
                return e.getKey();
            }
        }
        return null;
    }

    /** Flash size in bytes for a known size code, -1 for an unknown one. */
    static long sizeBytes(int sizeCode) {
        return switch (sizeCode) {
            case 0x0 -> 512L * 1024;
            case 0x1 -> 256L * 1024;
            case 0x2 -> 1L << 20;
            case 0x3, 0x5 -> 2L << 20;
            case 0x4, 0x6 -> 4L << 20;
            case 0x8 -> 8L << 20;
            case 0x9 -> 16L << 20;
            default -> -1;
        };
    }

    private static Map<String, Integer> ordered(Object... pairs) {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put((String) pairs[i], (Integer) pairs[i + 1]);
        }
        return java.util.Collections.unmodifiableMap(m);
    }
}
