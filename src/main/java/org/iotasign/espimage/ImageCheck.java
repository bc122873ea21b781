package org.iotasign.espimage;

import java.util.List;

/**
 * What {@link Esp8266Image#check(byte[])} found in a firmware file.
 *
 * @param kind        what the file is
 * @param errors      every problem, each one short sentence; empty means the image is fit to flash
 * @param warnings    things that do not make the image unusable but a release manager should know
 * @param app         the application image (for {@link Kind#SINGLE_IMAGE} the one image); null if none
 * @param bootloader  the eboot image at offset 0 of an Arduino firmware.bin; null otherwise
 * @param crcPresent  the file carries the core's whole-file CRC words at 0x1010/0x1014
 * @param crcValid    the stored CRC matches the file
 * @param imageLength bytes covered by the parsed image(s): the end of the app (or single) image,
 *                    the whole file for {@link Kind#GZIP}, 0 when nothing could be parsed
 */
public record ImageCheck(Kind kind, List<String> errors, List<String> warnings, ImageHeader app,
                         ImageHeader bootloader, boolean crcPresent, boolean crcValid, int imageLength) {

    /** What kind of file it is. */
    public enum Kind {
        /** eboot image at 0, 0xAA padding, application image at 0x1000: what the Arduino core builds. */
        ARDUINO_EBOOT_AND_APP,
        /** One ESP8266 image starting at offset 0 (esptool elf2image style). */
        SINGLE_IMAGE,
        /** gzip-compressed firmware (Arduino core 2.7.0 and later only). */
        GZIP,
        /** A build for the ESP32 family: also starts with 0xE9 but is not an ESP8266 image. */
        ESP32,
        /** Not a firmware image at all. */
        NOT_AN_IMAGE
    }

    public ImageCheck {
        errors = List.copyOf(errors);
        warnings = List.copyOf(warnings);
    }

    /** No errors. */
    public boolean ok() {
        return errors.isEmpty();
    }
}
