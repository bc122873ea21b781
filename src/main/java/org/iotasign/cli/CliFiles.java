package org.iotasign.cli;

import java.nio.file.Files;
import java.nio.file.Path;

import org.iotasign.UsageException;

/** Checks on file arguments, so every command words them the same way. */
final class CliFiles {
    private CliFiles() {
    }

    static Path existingFile(Path p) {
        if (!Files.exists(p)) {
            throw new UsageException(p + " does not exist: check the path");
        }
        if (!Files.isRegularFile(p)) {
            throw new UsageException(p + " is not a regular file: give the path of a file");
        }
        return p;
    }
}
