package org.iotasign.cli;

import org.iotasign.io.JsonText;

/** JSON output for {@code --json}: indented, keys in a stable order. */
final class Json {
    private Json() {
    }

    static String write(Object value) {
        return JsonText.pretty(value);
    }
}
