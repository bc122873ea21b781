package org.iotasign.selftest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.iotasign.token.Pkcs11Constants;
import org.junit.jupiter.api.Test;

class PinFlagsTest {
    @Test
    void namesThePinFlagsThatAreSetAndIgnoresOthers() {
        long flags = Pkcs11Constants.CKF_LOGIN_REQUIRED | Pkcs11Constants.CKF_USER_PIN_INITIALIZED
                | Pkcs11Constants.CKF_USER_PIN_FINAL_TRY | Pkcs11Constants.CKF_TOKEN_INITIALIZED | 0x800000L;
        assertEquals(List.of("CKF_LOGIN_REQUIRED", "CKF_USER_PIN_INITIALIZED", "CKF_USER_PIN_FINAL_TRY", "CKF_SO_PIN_TO_BE_CHANGED"),
                PinFlags.names(flags));
        assertEquals(List.of(), PinFlags.names(Pkcs11Constants.CKF_TOKEN_INITIALIZED));
    }
}
