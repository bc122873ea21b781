package org.iotasign.release;

import java.util.List;
import java.util.Optional;

/**
 * The outcome of checking a signed blob the device's way.
 *
 * @param deviceAccepts true when the device's unpackUpdate would accept and install it
 * @param deviceLog     the lines the device would log, in order
 * @param explanation   the device's verdict in plain words
 * @param findings      what makes the release unsafe although the device might accept it
 * @param blob          the parsed blob when its structure walks cleanly
 */
public record DeviceVerdict(boolean deviceAccepts, List<String> deviceLog, String explanation,
                            Findings findings, Optional<ReleaseBlob> blob) {
    /** Exit 0 only for this: the device installs it and nothing about it is unsafe. */
    public boolean ok() {
        return deviceAccepts && !findings.hasProblems();
    }
}
