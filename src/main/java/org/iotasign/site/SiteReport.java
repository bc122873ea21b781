package org.iotasign.site;

import java.util.List;

/**
 * What {@code site show} prints and {@code site check} judges.
 *
 * @param lines    the human-readable listing: key, classes, versions, digests, tables, files
 * @param problems every inconsistency found; empty means a device would be served correctly
 */
public record SiteReport(List<String> lines, List<String> problems) {
    public SiteReport {
        lines = List.copyOf(lines);
        problems = List.copyOf(problems);
    }

    public boolean consistent() {
        return problems.isEmpty();
    }
}
