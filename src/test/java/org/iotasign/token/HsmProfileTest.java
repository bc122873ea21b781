package org.iotasign.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.iotasign.UsageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HsmProfileTest {
    @Test
    void everyBuiltInProfileLoadsWithModulePathsAndHints() {
        for (String name : HsmProfile.BUILT_IN) {
            HsmProfile p = HsmProfile.named(name);
            assertEquals(name, p.name());
            assertFalse(p.modulePaths().isEmpty(), name);
            assertTrue(p.modulePaths().stream().allMatch(m -> m.getFileName().toString().startsWith(p.moduleFile().replace(".so", ""))), name);
            assertFalse(p.installHint().isEmpty(), name);
        }
    }

    @Test
    void findsTheDebianSoftHsmModule() {
        Path m = HsmProfile.softHsm().installedModule().orElseThrow();
        assertTrue(Files.isRegularFile(m), m.toString());
        assertTrue(HsmProfile.softHsm().isSoftHsm());
    }

    @Test
    void recognisesProfilesFromModuleFileNamesAndModuleNames() {
        assertEquals("softhsm2", HsmProfile.recognise(Path.of("/opt/x/libsofthsm2.so")).orElseThrow().name());
        assertEquals("yubikey-piv", HsmProfile.recognise(Path.of("/usr/lib/libykcs11.so")).orElseThrow().name());
        assertEquals("yubihsm2", HsmProfile.recognise(Path.of("/usr/lib/pkcs11/yubihsm_pkcs11.so")).orElseThrow().name());
        assertEquals("opensc", HsmProfile.recognise(Path.of("/usr/lib/opensc-pkcs11.so")).orElseThrow().name());
        assertTrue(HsmProfile.recognise(Path.of("/usr/lib/libunknown.so")).isEmpty());
        assertEquals("softhsm2", HsmProfile.forModuleName("softhsm2").orElseThrow().name());
        assertEquals("yubikey-piv", HsmProfile.forModuleName("ykcs11").orElseThrow().name());
    }

    @Test
    void carriesTokenQuirks() {
        assertTrue(HsmProfile.named("yubikey-piv").keygenNeedsSecurityOfficer());
        assertFalse(HsmProfile.named("softhsm2").keygenNeedsSecurityOfficer());
        HsmProfile hsm = HsmProfile.named("yubihsm2");
        hsm.checkPinShape("0001password".getBytes(StandardCharsets.UTF_8));
        UsageException e = assertThrows(UsageException.class, () -> hsm.checkPinShape("password".getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().contains("auth"), e.getMessage());
        assertFalse(e.getMessage().contains("password\""), "the PIN is not echoed");
    }

    @Test
    void saysWhichTokensKeepTheLedgerAnchor() {
        assertTrue(HsmProfile.named("softhsm2").storesDataObjects());
        assertTrue(HsmProfile.named("yubihsm2").storesDataObjects());
        assertFalse(HsmProfile.named("yubikey-piv").storesDataObjects());
        assertFalse(HsmProfile.named("opensc").storesDataObjects());
    }

    @Test
    void readsAProfileFileOfTheOperatorsOwn(@TempDir Path dir) throws IOException {
        Path f = Files.writeString(dir.resolve("mine.properties"), "name=mine\nmodule.file=libmine.so\nmodule.paths=/opt/mine/libmine.so\n");
        HsmProfile p = HsmProfile.named(f.toString());
        assertEquals("mine", p.name());
        assertEquals(Path.of("/opt/mine/libmine.so"), p.modulePaths().get(0));
        assertThrows(UsageException.class, () -> HsmProfile.named("no-such-profile"));
    }
}
