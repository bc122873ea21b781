package org.iotasign.espimage;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Checks an ESP8266 firmware file the way the boot chain will treat it. See docs/esp8266-image.md
 * for the layout and for why each rule is there.
 */
public final class Esp8266Image {
    /** Offset of the application image in an Arduino firmware.bin (eboot fills the first sector). */
    public static final int APP_OFFSET = 0x1000;
    /** Byte eboot's sector is padded with up to {@link #APP_OFFSET}. */
    public static final int EBOOT_PAD = 0xAA;
    /** Where the cache maps flash offset 0: an irom0 segment's address is this plus its file offset. */
    static final long FLASH_MAP_BASE = 0x40200000L;

    private static final Map<Integer, String> ESP32_CHIPS = Map.of(
            0x0000, "ESP32", 0x0002, "ESP32-S2", 0x0005, "ESP32-C3", 0x0009, "ESP32-S3",
            0x000C, "ESP32-C2", 0x000D, "ESP32-C6", 0x0010, "ESP32-H2", 0x0012, "ESP32-P4");

    private Esp8266Image() {
    }

    /** Examines {@code file}; never throws, whatever the bytes. */
    public static ImageCheck check(byte[] file) {
        if (file == null) {
            file = new byte[0];
        }
        List<String> errors = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        if (file.length >= 2 && (file[0] & 0xff) == 0x1f && (file[1] & 0xff) == 0x8b) {
            warnings.add("gzip-compressed image: the device's ESP8266 core must be 2.7.0 or later (IoTaWatt's is 2.6.3)");
            return new ImageCheck(ImageCheck.Kind.GZIP, errors, warnings, null, null, false, false, file.length);
        }
        if (file.length == 0 || (file[0] & 0xff) != ImageParser.MAGIC) {
            errors.add(file.length == 0 ? "the file is empty, not an ESP8266 firmware image"
                    : String.format("the file starts with 0x%02x, not 0xE9: not an ESP8266 firmware image", file[0] & 0xff));
            return new ImageCheck(ImageCheck.Kind.NOT_AN_IMAGE, errors, warnings, null, null, false, false, 0);
        }
        String esp32 = esp32Chip(file);
        if (esp32 != null) {
            errors.add("this is an ESP32 image (" + esp32 + "), not an ESP8266 image: it was built for the wrong chip");
            return new ImageCheck(ImageCheck.Kind.ESP32, errors, warnings, null, null, false, false, 0);
        }

        ImageParser.Result first = ImageParser.parse(file, 0, "image");
        boolean arduino = file.length >= APP_OFFSET + ImageParser.HEADER_LENGTH
                && (file[APP_OFFSET] & 0xff) == ImageParser.MAGIC
                && !(first.header().complete() && first.header().endOffset() > APP_OFFSET);
        return arduino ? checkArduino(file, errors, warnings) : checkSingle(file, first, errors, warnings);
    }

    private static ImageCheck checkSingle(byte[] file, ImageParser.Result image, List<String> errors, List<String> warnings) {
        ImageHeader h = image.header();
        errors.addAll(image.errors());
        warnings.addAll(image.warnings());
        if (h == null) {
            return new ImageCheck(ImageCheck.Kind.SINGLE_IMAGE, errors, warnings, null, null, false, false, 0);
        }
        if (h.complete() && !h.checksumValid()) {
            errors.add(String.format("image checksum byte 0x%02x at 0x%x does not match the data (computed 0x%02x)",
                    h.checksumStored(), h.endOffset() - 1, h.checksumComputed()));
        }
        if (h.complete()) {
            trailing(file, h.endOffset(), "image", errors);
        }
        return new ImageCheck(ImageCheck.Kind.SINGLE_IMAGE, errors, warnings, h, null, false, false,
                h.complete() ? h.endOffset() : 0);
    }

    private static ImageCheck checkArduino(byte[] file, List<String> errors, List<String> warnings) {
        ImageParser.Result eboot = ImageParser.parse(file, 0, "bootloader image");
        ImageParser.Result app = ImageParser.parse(file, APP_OFFSET, "app image");
        ImageHeader boot = eboot.header();
        ImageHeader h = app.header();
        errors.addAll(eboot.errors());
        warnings.addAll(eboot.warnings());
        errors.addAll(app.errors());
        warnings.addAll(app.warnings());

        if (boot.complete()) {
            if (boot.endOffset() > APP_OFFSET) {
                errors.add(String.format("bootloader image ends at 0x%x, past the app image at 0x1000", boot.endOffset()));
            } else {
                checkEbootPadding(file, boot.endOffset(), errors);
            }
            // The ROM verifies this checksum before it runs eboot: a mismatch bricks the boot.
            if (!boot.checksumValid()) {
                errors.add(String.format("bootloader image checksum byte 0x%02x at 0x%x does not match the data (computed 0x%02x)",
                        boot.checksumStored(), boot.endOffset() - 1, boot.checksumComputed()));
            }
        }
        checkIromMapping(h, errors);
        if (boot.flashMode() != h.flashMode() || boot.flashSizeCode() != h.flashSizeCode()
                || boot.flashFreqCode() != h.flashFreqCode()) {
            warnings.add(String.format("bootloader header says %s/%s/%s but the app header says %s/%s/%s; "
                    + "the ROM uses the bootloader's", boot.flashModeName(), boot.flashSizeName(), boot.flashFreqName(),
                    h.flashModeName(), h.flashSizeName(), h.flashFreqName()));
        }

        boolean crcPresent = false;
        boolean crcValid = false;
        if (file.length >= FirmwareCrc.CRC_OFFSET + 4) {
            long lengthWord = ImageParser.u32(file, FirmwareCrc.LENGTH_OFFSET);
            // The build writes the file's length at 0x1010; a file with bytes appended after the
            // build still carries its original length, which is where the app image ends.
            crcPresent = lengthWord >= FirmwareCrc.CRC_OFFSET + 4
                    && (lengthWord == file.length || (h.complete() && lengthWord == h.endOffset()));
            if (crcPresent) {
                int covered = (int) lengthWord;
                int stored = (int) ImageParser.u32(file, FirmwareCrc.CRC_OFFSET);
                int computed = FirmwareCrc.ofFirmware(file, covered);
                crcValid = stored == computed;
                if (!crcValid) {
                    errors.add(String.format("CRC-32 at 0x1014 is 0x%08x but the file's CRC is 0x%08x: "
                            + "the file was damaged or changed after the build", stored, computed));
                }
            }
        }
        if (h.complete()) {
            // With a CRC the build filled the words at 0x1010 in after the app checksum was
            // computed, so that checksum is stale by design; the CRC covers the app instead.
            if (!crcPresent && !h.checksumValid()) {
                errors.add(String.format("app image checksum byte 0x%02x at 0x%x does not match the data (computed 0x%02x) "
                        + "and the file carries no CRC", h.checksumStored(), h.endOffset() - 1, h.checksumComputed()));
            }
            trailing(file, h.endOffset(), "app image", errors);
        }
        return new ImageCheck(ImageCheck.Kind.ARDUINO_EBOOT_AND_APP, errors, warnings, h, boot, crcPresent, crcValid,
                h.complete() ? h.endOffset() : 0);
    }

    private static void checkEbootPadding(byte[] file, int from, List<String> errors) {
        int bad = 0;
        int firstBad = -1;
        for (int p = from; p < APP_OFFSET; p++) {
            if ((file[p] & 0xff) != EBOOT_PAD) {
                bad++;
                if (firstBad < 0) {
                    firstBad = p;
                }
            }
        }
        if (bad > 0) {
            errors.add(String.format("%d byte(s) of the bootloader padding 0x%x-0xfff are not 0xAA (first at 0x%x)",
                    bad, from, firstBad));
        }
    }

    /** Flash-mapped code runs where it sits in flash: its load address is fixed by its file offset. */
    private static void checkIromMapping(ImageHeader app, List<String> errors) {
        List<Segment> segments = app.segments();
        for (int i = 0; i < segments.size(); i++) {
            Segment s = segments.get(i);
            long expected = FLASH_MAP_BASE + s.fileOffset();
            if (ImageParser.isIrom(s.loadAddress()) && s.loadAddress() != expected) {
                errors.add(String.format("app image segment %d is flash-mapped code at 0x%08x but its data sits at file "
                        + "offset 0x%x, which the cache maps to 0x%08x", i + 1, s.loadAddress(), s.fileOffset(), expected));
            }
        }
    }

    private static void trailing(byte[] file, int end, String name, List<String> errors) {
        if (end < file.length) {
            errors.add(String.format("%d byte(s) follow the end of the %s at 0x%x: no build tool writes them, "
                    + "the file was appended to or damaged", file.length - end, name, end));
        }
    }

    /**
     * The ESP32 family's name for the chip when {@code file} has the ESP32 24-byte header, else null.
     * Decided only when bytes 8-11 cannot be an ESP8266 segment address, so an ESP8266 image is
     * never taken for one.
     */
    private static String esp32Chip(byte[] file) {
        if (file.length < 32) {
            return null;
        }
        long esp8266FirstAddress = ImageParser.u32(file, 8);
        if (ImageParser.plausibleLoad(esp8266FirstAddress, 0)) {
            return null;
        }
        int chipId = (file[12] & 0xff) | (file[13] & 0xff) << 8;
        long firstAddress = ImageParser.u32(file, 24);
        // ESP32-family memory: data/instruction buses 0x3C000000-0x400FFFFF (ESP32 DROM 0x3F4...,
        // DRAM 0x3FF..., IRAM 0x400...; C3/S3 DROM 0x3C...), C6/H2 SRAM 0x408..., C6/H2/P4 flash 0x42...
        boolean esp32Address = (firstAddress >= 0x3C000000L && firstAddress < 0x40100000L)
                || (firstAddress >= 0x40800000L && firstAddress < 0x40900000L)
                || (firstAddress >= 0x42000000L && firstAddress < 0x43000000L);
        String chip = ESP32_CHIPS.get(chipId);
        if (!esp32Address || (chip == null && (file[8] & 0xff) != 0xEE)) {
            return null;
        }
        return chip != null ? "chip " + chip : String.format("chip id 0x%04x", chipId);
    }
}
