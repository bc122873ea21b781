package org.iotasign.site;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.iotasign.crypto.Ed25519PublicKey;

/**
 * What to publish. A release needs at least one class; tables need their version.
 *
 * @param release       a signed release blob, or empty to publish only tables
 * @param classes       the classes that move to the release's version
 * @param expectedKey   when given, must equal the site's key
 * @param allowRollback permit a class (or the tables) to move to a lower version
 * @param reason        why, required with {@code allowRollback}; recorded in the history
 * @param tablesFile    a tables file to publish, or empty
 * @param tablesVersion the version versions.json advertises for the tables
 */
public record PublishRequest(Optional<Path> release, List<UpdateClass> classes, Optional<Ed25519PublicKey> expectedKey,
                             boolean allowRollback, Optional<String> reason, Optional<Path> tablesFile,
                             Optional<String> tablesVersion) {
    public PublishRequest {
        classes = List.copyOf(classes);
    }
}
