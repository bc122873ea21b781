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

    @Test
    @org.junit.jupiter.api.Timeout(20)
    void onlyASmallRegularFileIsReadAsAPinFile(@TempDir Path dir) throws Exception {
        Path fifo = dir.resolve("fifo");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertTrue(mkfifo.waitFor(10, java.util.concurrent.TimeUnit.SECONDS) && mkfifo.exitValue() == 0);
        Path large = Files.writeString(dir.resolve("large"), "1".repeat(PinSources.MAX_PIN_FILE + 1));
        Map<Path, String> refused = Map.of(
                fifo, "is not a regular file (a FIFO, socket or device)", // opening it would block: never opened
                Path.of("/dev/zero"), "is not a regular file", // never ends: never read
                dir, "is a folder",
                large, "holds more than 256 bytes");
        for (Map.Entry<Path, String> r : refused.entrySet()) {
            UsageException e = assertThrows(UsageException.class, () -> PinSources.fromFile(r.getKey()).pin("user PIN"));
            assertTrue(e.getMessage().contains(r.getValue()) && !e.getMessage().contains("\n"), e.getMessage());
        }
        Path link = Files.createSymbolicLink(dir.resolve("link"), Path.of("/dev/zero"));
        assertThrows(UsageException.class, () -> PinSources.fromFile(link).pin("user PIN"));
        Path exact = Files.writeString(dir.resolve("exact"), "7".repeat(PinSources.MAX_PIN_FILE - 1) + "\n");
        assertArrayEquals("7".repeat(PinSources.MAX_PIN_FILE - 1).getBytes(StandardCharsets.US_ASCII), PinSources.fromFile(exact).pin("user PIN"));
    }
}
