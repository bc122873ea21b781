package org.iotasign.release;

/**
 * What firmware the devices can install: the largest image, where that number comes from
 * (for messages), and whether a gzip-compressed image is accepted (only cores 2.7.0 and
 * later can install one; IoTaWatt's 2.6.3 cannot).
 */
public record FirmwareLimit(long maxBytes, String source, boolean gzipAccepted) {
    /** The flag that accepts gzip-compressed firmware. */
    public static final String GZIP_FLAG = "--allow-gzip-firmware";
    public static final FirmwareLimit DEFAULT = of(OtaLayout.DEFAULT);

    public static FirmwareLimit of(OtaLayout layout) {
        return new FirmwareLimit(layout.maxFirmwareBytes(), "the OTA space of flash layout " + layout.id(), false);
    }

    /** The same limit, for devices whose installed base runs ESP8266 core 2.7.0 or later. */
    public FirmwareLimit acceptingGzip() {
        return new FirmwareLimit(maxBytes, source, true);
    }
}
