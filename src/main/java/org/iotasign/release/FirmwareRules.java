package org.iotasign.release;

import org.iotasign.espimage.Esp8266Image;
import org.iotasign.espimage.ImageCheck;

/** What the device's ESP8266 core needs of the {@code iotawatt.bin} it installs. */
public final class FirmwareRules {
    private FirmwareRules() {
    }

    public static Findings check(byte[] firmware, FirmwareLimit limit) {
        Findings f = new Findings();
        if (firmware.length > limit.maxBytes()) {
            f.problem("iotawatt.bin is " + firmware.length + " bytes, larger than " + limit.source() + " (" + limit.maxBytes()
                    + " bytes): the device's Updater would refuse it; shrink the build or pass --max-firmware if the devices have another layout");
        }
        ImageCheck image = Esp8266Image.check(firmware);
        for (String e : image.errors()) {
            f.problem("iotawatt.bin: " + e);
        }
        for (String w : image.warnings()) {
            f.warning("iotawatt.bin: " + w);
        }
        return f;
    }
}
