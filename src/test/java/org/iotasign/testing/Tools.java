package org.iotasign.testing;

import java.nio.file.Path;

/** Outside tools the tests use: a test skips only when one is not installed. */
public final class Tools {
    private Tools() {
    }

    public static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Path.of(dir, tool).toFile().canExecute()) {
                return true;
            }
        }
        return false;
    }
}
