package org.iotasign.release;

import java.util.Objects;

/** One file to pack: its SD-card name and its bytes. */
public record ReleaseEntry(String name, byte[] data) {
    public ReleaseEntry {
        Objects.requireNonNull(name);
        Objects.requireNonNull(data);
    }

    public boolean isFirmware() {
        return ReleaseLayout.isFirmwareName(name);
    }
}
