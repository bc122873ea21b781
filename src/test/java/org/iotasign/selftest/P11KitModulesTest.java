package org.iotasign.selftest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class P11KitModulesTest {
    @TempDir
    Path dir;

    @Test
    void readsTheModuleLineOfEachConfigAndResolvesRelativeNamesInTheModuleFolders() throws IOException {
        Path share = Files.createDirectories(dir.resolve("share"));
        Path etc = Files.createDirectories(dir.resolve("etc"));
        Path moduleDir = Files.createDirectories(dir.resolve("lib/pkcs11"));
        Files.writeString(moduleDir.resolve("opensc-pkcs11.so"), "");
        Files.writeString(share.resolve("opensc-pkcs11.module"), "# opensc\nmodule: opensc-pkcs11.so\n");
        Files.writeString(share.resolve("softhsm2.module"), "module:/usr/lib/softhsm/libsofthsm2.so\ncritical: no\n");
        Files.writeString(share.resolve("README"), "module: not-a-config.so\n");
        Files.writeString(etc.resolve("empty.module"), "# no module line: p11-kit ignores it\nenable-in: p11-kit-proxy\n");
        Files.writeString(etc.resolve("gone.module"), "module: gone.so\n");

        List<P11KitModules.Registration> found = P11KitModules.find(List.of(share, etc, dir.resolve("missing")), List.of(moduleDir));

        assertEquals(List.of(
                new P11KitModules.Registration(share.resolve("opensc-pkcs11.module"), "opensc-pkcs11.so", moduleDir.resolve("opensc-pkcs11.so")),
                new P11KitModules.Registration(share.resolve("softhsm2.module"), "/usr/lib/softhsm/libsofthsm2.so",
                        Path.of("/usr/lib/softhsm/libsofthsm2.so")),
                new P11KitModules.Registration(etc.resolve("gone.module"), "gone.so", Path.of("gone.so"))), found);
    }
}
