package org.iotasign.selftest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.iotasign.token.Pkcs11Constants;

/** The PIN-related CK_TOKEN_INFO flags by their PKCS#11 names. */
final class PinFlags {
    // Not used elsewhere in the tool, so not in Pkcs11Constants: values from PKCS#11 v2.40 section 3.2.
    private static final long CKF_USER_PIN_TO_BE_CHANGED = 0x80000L;
    private static final long CKF_SO_PIN_TO_BE_CHANGED = 0x800000L;

    private static final Map<Long, String> NAMES = new LinkedHashMap<>();

    static {
        NAMES.put(Pkcs11Constants.CKF_LOGIN_REQUIRED, "CKF_LOGIN_REQUIRED");
        NAMES.put(Pkcs11Constants.CKF_USER_PIN_INITIALIZED, "CKF_USER_PIN_INITIALIZED");
        NAMES.put(Pkcs11Constants.CKF_USER_PIN_COUNT_LOW, "CKF_USER_PIN_COUNT_LOW");
        NAMES.put(Pkcs11Constants.CKF_USER_PIN_FINAL_TRY, "CKF_USER_PIN_FINAL_TRY");
        NAMES.put(Pkcs11Constants.CKF_USER_PIN_LOCKED, "CKF_USER_PIN_LOCKED");
        NAMES.put(CKF_USER_PIN_TO_BE_CHANGED, "CKF_USER_PIN_TO_BE_CHANGED");
        NAMES.put(Pkcs11Constants.CKF_SO_PIN_COUNT_LOW, "CKF_SO_PIN_COUNT_LOW");
        NAMES.put(Pkcs11Constants.CKF_SO_PIN_FINAL_TRY, "CKF_SO_PIN_FINAL_TRY");
        NAMES.put(Pkcs11Constants.CKF_SO_PIN_LOCKED, "CKF_SO_PIN_LOCKED");
        NAMES.put(CKF_SO_PIN_TO_BE_CHANGED, "CKF_SO_PIN_TO_BE_CHANGED");
    }

    private PinFlags() {
    }

    static List<String> names(long flags) {
        List<String> out = new ArrayList<>();
        NAMES.forEach((bit, name) -> {
            if ((flags & bit) != 0) {
                out.add(name);
            }
        });
        return out;
    }
}
