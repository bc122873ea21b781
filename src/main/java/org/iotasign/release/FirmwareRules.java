package org.iotasign.release;

import org.iotasign.espimage.Esp8266Image;
import org.iotasign.espimage.ImageCheck;

/** What the device's ESP8266 core needs of the {@code iotawatt.bin} it installs. */
public final class FirmwareRules {
    private FirmwareRules() {
    }

    public static Findings check(byte[] firmware, FirmwareLimit limit) {
        return check(firmware.length, Esp8266Image.check(firmware), limit);
    }

    /** @param image {@link Esp8266Image#check} of the firmware, whose length is {@code length} */
    public static Findings check(int length, ImageCheck image, FirmwareLimit limit) {
        Findings f = new Findings();
        if (length > limit.maxBytes()) {
            f.problem("iotawatt.bin is " + length + " bytes, larger than " + limit.source() + " (" + limit.maxBytes()
                    + " bytes): the device's Updater would refuse it; shrink the build or pass --max-firmware if the devices have another layout");
        }
        for (String e : image.errors()) {
            f.problem("iotawatt.bin: " + e);
        }
        if (image.kind() == ImageCheck.Kind.GZIP) {
            // Core 2.6.3's Updater takes only images starting 0xE9 (_verifyHeader); gzip came with 2.7.0's Updater and eboot.
            if (limit.gzipAccepted()) {
                f.warning(Finding.Code.GZIP_FIRMWARE, "iotawatt.bin is gzip-compressed, accepted by " + FirmwareLimit.GZIP_FLAG
                        + ": only devices running ESP8266 core 2.7.0 or later (3.x included) can install it; IoTaWatt's 2.6.3 cannot");
            } else {
                f.problem(Finding.Code.GZIP_FIRMWARE, "iotawatt.bin is gzip-compressed: IoTaWatt's ESP8266 core 2.6.3 refuses it (magic byte error); give the uncompressed build,"
                        + " or pass " + FirmwareLimit.GZIP_FLAG + " only if every device runs core 2.7.0 or later");
            }
            return f;
        }
        for (String w : image.warnings()) {
            f.warning("iotawatt.bin: " + w);
        }
        return f;
    }
}
