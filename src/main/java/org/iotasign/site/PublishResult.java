package org.iotasign.site;

import java.util.List;

/**
 * What a publish did.
 *
 * @param before  versions.json before (empty when there was none)
 * @param after   versions.json after
 * @param changes one line per moved class or tables version, e.g. {@code MINOR: 02_08_04 -> 02_08_05}
 * @param notes   what was copied, verified or left alone
 */
public record PublishResult(String before, String after, List<String> changes, List<String> notes) {
    public boolean changed() {
        return !before.equals(after);
    }
}
