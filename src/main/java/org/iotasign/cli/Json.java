package org.iotasign.cli;

import org.iotasign.io.JsonText;

/** JSON output for {@code --json}: indented, keys in a stable order, exact values with non-ASCII escaped. */
final class Json {
    private Json() {
    }

    static String write(Object value) {
        return JsonText.forTerminal(value);
    }
}
