package org.iotasign.site;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Reads a tables file's version the way the device does after downloading it
 * (updater.cpp getTablesVersion): the file is first condensed to depth 1 by
 * utilities.cpp JsonSummary (white space outside strings dropped, every nested object or
 * array replaced by a {@code [offset,length]} locator), then parsed with
 * {@link DeviceJson}, and the {@code version} member is parsed with
 * {@link TablesVersion#parse}. A tables file whose version differs from the one
 * versions.json advertises makes every device download it again on every poll.
 */
public final class DeviceTables {
    private static final int SUMMARY_DEPTH = 1;
    private static final int MAX_LEVELS = 20; // the device's delimiter stack

    private DeviceTables() {
    }

    /** The packed version a device would record, or {@link TablesVersion#NONE} when unreadable. */
    public static int version(byte[] file) {
        Optional<byte[]> summary = summary(file);
        if (summary.isEmpty()) {
            return TablesVersion.NONE;
        }
        Optional<DeviceJson.Obj> table = DeviceJson.parseObject(summary.get());
        if (table.isEmpty() || !table.get().containsKey("version")) {
            return TablesVersion.NONE;
        }
        return TablesVersion.parse(table.get().string("version"));
    }

    static Optional<byte[]> summary(byte[] file) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        char[] delim = new char[MAX_LEVELS];
        int level = -1;
        boolean string = false;
        boolean escape = false;
        int varBeg = 0;
        int varLen = 0;
        for (int i = 0; i < file.length; i++) {
            char c = (char) (file[i] & 0xff);
            int positionAfterRead = i + 1;
            if (escape) {
                varLen++;
                escape = false;
            } else {
                varLen++;
                if (string) {
                    if (c == '"') {
                        string = false;
                    } else if (c == '\\') {
                        escape = true;
                    }
                } else if (isCSpace(c)) {
                    varLen--;
                    continue;
                } else if (c == '"') {
                    string = true;
                } else if (c == '{' || c == '[') {
                    if (++level >= MAX_LEVELS) {
                        return Optional.empty(); // would overrun the device's stack array
                    }
                    delim[level] = c == '{' ? '}' : ']';
                    if (level == SUMMARY_DEPTH) {
                        varBeg = positionAfterRead - 1;
                        varLen = 0;
                    }
                } else if (level >= 0 && c == delim[level]) {
                    level--;
                    if (level == SUMMARY_DEPTH - 1) {
                        out.writeBytes(("[" + varBeg + "," + (varLen + 1)).getBytes(StandardCharsets.US_ASCII));
                        c = ']';
                    }
                }
            }
            if (level < SUMMARY_DEPTH) {
                out.write(c);
            }
            if (level < 0) {
                break;
            }
        }
        return Optional.of(out.toByteArray());
    }

    private static boolean isCSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == 0x0b;
    }
}
