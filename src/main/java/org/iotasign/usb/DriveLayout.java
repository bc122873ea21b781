package org.iotasign.usb;

import java.nio.file.Path;

/**
 * The folders on a signing drive. The build machine puts unsigned blobs in
 * {@code iotasign/outbox/}; the signer writes {@code iotasign/signed/<version>.bin}, its
 * receipt {@code <version>.bin.receipt.json}, and {@code iotasign/rejected/<name>.reason.txt}.
 */
public record DriveLayout(Path drive) {
    public static final String INPUT_SUFFIX = ".unsigned";

    public Path base() {
        return drive.resolve("iotasign");
    }

    public Path outbox() {
        return base().resolve("outbox");
    }

    public Path signed() {
        return base().resolve("signed");
    }

    public Path rejected() {
        return base().resolve("rejected");
    }

    public Path signedBlob(String version) {
        return signed().resolve(version + ".bin");
    }

    public Path receipt(String version) {
        return signed().resolve(version + ".bin.receipt.json");
    }

    public Path reason(String inputName) {
        return rejected().resolve(inputName + ".reason.txt");
    }
}
