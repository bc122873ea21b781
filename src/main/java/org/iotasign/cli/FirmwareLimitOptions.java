package org.iotasign.cli;

import org.iotasign.UsageException;
import org.iotasign.release.FirmwareLimit;
import org.iotasign.release.OtaLayout;

import picocli.CommandLine.Option;

/** The firmware size limit: a named flash layout, or an explicit byte count. */
final class FirmwareLimitOptions {
    @Option(names = "--layout", paramLabel = "LAYOUT", defaultValue = "4m1m",
            description = "Flash layout of the devices, which sets the largest firmware they can stage: 4m1m (default, IoTaWatt), 4m2m, 4m3m.")
    String layout;

    @Option(names = "--max-firmware", paramLabel = "BYTES",
            description = "Override the largest accepted firmware size in bytes (for devices with another flash layout).")
    Long maxFirmware;

    @Option(names = FirmwareLimit.GZIP_FLAG,
            description = "Accept a gzip-compressed iotawatt.bin, for devices that all run ESP8266 core 2.7.0 or later, 3.x included (IoTaWatt's 2.6.3 "
                    + "refuses one). Printed as a warning; when signing, recorded in the ledger.")
    boolean allowGzip;

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
