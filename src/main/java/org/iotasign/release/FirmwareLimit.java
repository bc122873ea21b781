package org.iotasign.release;

/** The largest firmware image accepted, and where that number comes from (for messages). */
public record FirmwareLimit(long maxBytes, String source) {
    public static final FirmwareLimit DEFAULT = of(OtaLayout.DEFAULT);

    public static FirmwareLimit of(OtaLayout layout) {
        return new FirmwareLimit(layout.maxFirmwareBytes(), "the OTA space of flash layout " + layout.id());
    }

    public static FirmwareLimit override(long bytes) {
        return new FirmwareLimit(bytes, "--max-firmware " + bytes);
    }
}
