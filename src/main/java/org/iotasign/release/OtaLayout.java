package org.iotasign.release;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The largest firmware the device's Updater can stage, by flash layout of a 4 MB
 * ESP-12: min(1,044,464, filesystem start / 2), as in esp8266/Arduino boards.txt.py.
 */
public enum OtaLayout {
    /** PlatformIO esp12e default (eagle.flash.4m1m.ld): 1 MB filesystem at 3 MB. IoTaWatt's layout. */
    FOUR_M_ONE_M("4m1m", 1_044_464),
    FOUR_M_TWO_M("4m2m", 1_044_464),
    /** 3 MB filesystem starting at 1 MB: half of it is left to stage an update. */
    FOUR_M_THREE_M("4m3m", 0x100000 / 2);

    public static final OtaLayout DEFAULT = FOUR_M_ONE_M;

    private final String id;
    private final int maxFirmwareBytes;

    OtaLayout(String id, int maxFirmwareBytes) {
        this.id = id;
        this.maxFirmwareBytes = maxFirmwareBytes;
    }

    public String id() {
        return id;
    }

    public int maxFirmwareBytes() {
        return maxFirmwareBytes;
    }

    public static OtaLayout byId(String id) {
        for (OtaLayout l : values()) {
            if (l.id.equals(id.toLowerCase(Locale.ROOT))) {
                return l;
            }
        }
        throw new IllegalArgumentException("unknown flash layout '" + id + "': use one of " + ids());
    }

    public static String ids() {
        return Arrays.stream(values()).map(OtaLayout::id).collect(Collectors.joining(", "));
    }
}
