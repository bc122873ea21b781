package org.iotasign.cli;

import org.iotasign.UsageException;
import org.iotasign.release.FirmwareLimit;
import org.iotasign.release.OtaLayout;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * The firmware size limit: a named flash layout, or an explicit byte count. A picocli mixin
 * for annotated commands; {@link #addTo} gives commands built in code the same options, from
 * the same constants (CodedCommandsTest compares the two).
 */
final class FirmwareLimitOptions {
    static final String LAYOUT = "--layout";
    static final String LAYOUT_LABEL = "LAYOUT";
    static final String DEFAULT_LAYOUT = "4m1m";
    static final String LAYOUT_DESCRIPTION = "Flash layout of the devices, which sets the largest firmware they can stage: "
            + "4m1m (default, IoTaWatt), 4m2m, 4m3m.";
    static final String MAX_FIRMWARE = "--max-firmware";
    static final String MAX_FIRMWARE_LABEL = "BYTES";
    static final String MAX_FIRMWARE_DESCRIPTION = "Override the largest accepted firmware size in bytes (for devices with another flash layout).";
    static final String GZIP_DESCRIPTION = "Accept a gzip-compressed iotawatt.bin, for devices that all run ESP8266 core 2.7.0 or later, "
            + "3.x included (IoTaWatt's 2.6.3 refuses one). Printed as a warning; when signing, recorded in the ledger.";

    @Option(names = LAYOUT, paramLabel = LAYOUT_LABEL, defaultValue = DEFAULT_LAYOUT, description = LAYOUT_DESCRIPTION)
    String layout;

    @Option(names = MAX_FIRMWARE, paramLabel = MAX_FIRMWARE_LABEL, description = MAX_FIRMWARE_DESCRIPTION)
    Long maxFirmware;

    @Option(names = FirmwareLimit.GZIP_FLAG, description = GZIP_DESCRIPTION)
    boolean allowGzip;

    /** Adds these options to a command built in code; returns the object they set. */
    static FirmwareLimitOptions addTo(CommandSpec spec) {
        FirmwareLimitOptions o = new FirmwareLimitOptions();
        spec.addOption(CodedOptions.option(o, "layout", LAYOUT).paramLabel(LAYOUT_LABEL).defaultValue(DEFAULT_LAYOUT)
                .description(LAYOUT_DESCRIPTION).build());
        spec.addOption(CodedOptions.option(o, "maxFirmware", MAX_FIRMWARE).paramLabel(MAX_FIRMWARE_LABEL)
                .description(MAX_FIRMWARE_DESCRIPTION).build());
        spec.addOption(CodedOptions.option(o, "allowGzip", FirmwareLimit.GZIP_FLAG).description(GZIP_DESCRIPTION).build());
        return o;
    }

    FirmwareLimit limit() {
        FirmwareLimit limit = sizeLimit();
        return allowGzip ? limit.acceptingGzip() : limit;
    }

    private FirmwareLimit sizeLimit() {
        if (maxFirmware != null) {
            if (maxFirmware <= 0) {
                throw new UsageException("--max-firmware must be a positive number of bytes");
            }
            return new FirmwareLimit(maxFirmware, "--max-firmware " + maxFirmware, false);
        }
        try {
            return FirmwareLimit.of(OtaLayout.byId(layout));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }
}
