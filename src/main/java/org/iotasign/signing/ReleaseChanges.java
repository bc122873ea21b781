package org.iotasign.signing;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.iotasign.io.TerminalText;
import org.iotasign.ledger.LedgerRecord;
import org.iotasign.release.EntryInfo;

/** Entries added, removed and changed between the previously signed release and this one. */
public record ReleaseChanges(List<String> added, List<String> removed, List<String> changed, int unchanged) {
    public static ReleaseChanges between(List<LedgerRecord.Entry> before, List<EntryInfo> now) {
        Map<String, LedgerRecord.Entry> old = new LinkedHashMap<>();
        before.forEach(e -> old.put(e.name(), e));
        List<String> added = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        int unchanged = 0;
        for (EntryInfo e : now) {
            LedgerRecord.Entry o = old.remove(e.name());
            if (o == null) {
                added.add(TerminalText.quoted(e.name()) + " (" + e.length() + " bytes)");
            } else if (!o.sha256().equals(HexFormat.of().formatHex(e.sha256().orElseThrow()))) {
                changed.add(TerminalText.quoted(e.name()) + " (" + o.length() + " -> " + e.length() + " bytes)");
            } else {
                unchanged++;
            }
        }
        List<String> removed = old.values().stream().map(e -> TerminalText.quoted(e.name()) + " (" + e.length() + " bytes)").toList();
        return new ReleaseChanges(added, removed, changed, unchanged);
    }

    public List<String> lines() {
        List<String> out = new ArrayList<>();
        out.add("  added      " + (added.isEmpty() ? "-" : String.join(", ", added)));
        out.add("  removed    " + (removed.isEmpty() ? "-" : String.join(", ", removed)));
        out.add("  changed    " + (changed.isEmpty() ? "-" : String.join(", ", changed)));
        out.add("  unchanged  " + unchanged + (unchanged == 1 ? " entry" : " entries"));
        return out;
    }
}
