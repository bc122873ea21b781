package org.iotasign.token;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import org.iotasign.EnvironmentException;
import org.iotasign.UsageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PinSourcesTest {
    static TokenContext env(Map<String, String> vars) {
        return new TokenContext(vars, Optional.empty(), Optional.empty());
    }

    @Test
    void uriPinFileWinsOverTheEnvironmentAndLosesItsNewline(@TempDir Path dir) throws IOException {
        Path pin = Files.writeString(dir.resolve("pin"), "pïn-1\n");
        KeyUri uri = KeyUri.parse("pkcs11:token=t;object=k?pin-source=file:" + pin);
        byte[] got = PinSources.forUser(uri, env(Map.of("IOTASIGN_PIN", "from-env"))).pin("user PIN");
        assertArrayEquals("pïn-1".getBytes(StandardCharsets.UTF_8), got);
    }

    @Test
    void environmentVariableIsUsedWithoutAFile() {
        KeyUri uri = KeyUri.parse("pkcs11:token=t;object=k");
        assertArrayEquals("from-env".getBytes(StandardCharsets.UTF_8),
                PinSources.forUser(uri, env(Map.of("IOTASIGN_PIN", "from-env"))).pin("user PIN"));
        assertArrayEquals("so".getBytes(StandardCharsets.UTF_8),
                PinSources.forSecurityOfficer(null, env(Map.of("IOTASIGN_SO_PIN", "so"))).pin("SO PIN"));
    }

    @Test
    void withoutFileVariableOrTerminalSaysWhatToSet() {
        // Tests run without a console, so the prompt cannot be shown.
        EnvironmentException e = assertThrows(EnvironmentException.class,
                () -> PinSources.forUser(KeyUri.parse("pkcs11:token=t;object=k"), env(Map.of())).pin("user PIN of token 't'"));
        assertTrue(e.getMessage().contains("IOTASIGN_PIN") && e.getMessage().contains("pin-source=file:"), e.getMessage());
    }

    @Test
    void emptyOrMissingPinFilesAreExplained(@TempDir Path dir) throws IOException {
        Path empty = Files.writeString(dir.resolve("empty"), "\n");
        assertThrows(UsageException.class, () -> PinSources.fromFile(empty).pin("user PIN"));
        EnvironmentException e = assertThrows(EnvironmentException.class, () -> PinSources.fromFile(dir.resolve("missing")).pin("user PIN"));
        assertFalse(e.getMessage().isEmpty());
    }
}
