package org.iotasign.token;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import org.iotasign.UsageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KeyUriTest {
    @Test
    void readsPathAndQueryAttributesOfRfc7512() {
        KeyUri u = KeyUri.parse("pkcs11:token=iotasign;object=release;id=%01%a2;serial=abc;slot-id=7;type=private"
                + "?module-path=/usr/lib/softhsm/libsofthsm2.so&pin-source=file:/run/pin");
        assertEquals(Optional.of("iotasign"), u.token());
        assertEquals(Optional.of("release"), u.object());
        assertArrayEquals(new byte[] {0x01, (byte) 0xa2}, u.id().orElseThrow());
        assertEquals(Optional.of("abc"), u.serial());
        assertEquals(Optional.of(7L), u.slotId());
        assertEquals(Optional.of("private"), u.type());
        assertEquals(Optional.of("/usr/lib/softhsm/libsofthsm2.so"), u.modulePath());
        assertEquals(Optional.of("/run/pin"), u.pinFile());
        assertTrue(u.namesKey());
    }

    @Test
    void percentDecodesValuesAsUtf8() {
        KeyUri u = KeyUri.parse("pkcs11:token=My%20Token;object=cl%C3%A9%3Bx");
        assertEquals(Optional.of("My Token"), u.token());
        assertEquals(Optional.of("clé;x"), u.object());
    }

    @Test
    void describeReencodesAndNeverShowsTheQuery() {
        KeyUri u = KeyUri.parse("pkcs11:token=My%20Token;object=cl%C3%A9;id=%0A?pin-source=file:/secret/pin");
        assertEquals("pkcs11:token=My%20Token;object=cl%C3%A9;id=%0A", u.describe());
        assertEquals(u.describe(), KeyUri.parse(u.describe()).describe());
    }

    @Test
    void aTokenOnlyUriNamesNoKey() {
        assertFalse(KeyUri.parse("pkcs11:token=iotasign").namesKey());
        assertTrue(KeyUri.parse(KeyUri.DEFAULT).namesKey());
    }

    @Test
    void refusesPinValueBecauseItLeaksIntoHistory() {
        UsageException e = assertThrows(UsageException.class, () -> KeyUri.parse("pkcs11:token=t;object=k?pin-value=1234"));
        assertTrue(e.getMessage().contains("pin-source=file:"), e.getMessage());
        assertFalse(e.getMessage().contains("1234"), "the PIN is never echoed");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "pkcs11:token=t;objet=k",              // misspelt attribute: refused, not ignored
            "pkcs11:token=t;token=u",              // duplicate
            "pkcs11:token=t;object",               // no value
            "pkcs11:token=t;id=%0",                // short escape
            "pkcs11:token=t;id=%zz",               // not hex
            "pkcs11:token=t;slot-id=abc",          // not a number
            "pkcs11:token=t;type=secret-key",      // not an Ed25519 key class
            "pkcs11:token=t;id=",                  // empty id
            "pkcs11:token=t?pin-source=https://x", // only files
            "token=t;object=k",                    // not a URI
    })
    void refusesMalformedUrisAsUsageErrors(String text) {
        assertThrows(UsageException.class, () -> KeyUri.parse(text));
    }

    @Test
    void recognisesTheSchemeWithoutCase() {
        assertTrue(KeyUri.looksLikeUri("PKCS11:token=x"));
        assertFalse(KeyUri.looksLikeUri("/tmp/key.pem"));
    }
}
