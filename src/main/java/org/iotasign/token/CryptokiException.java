package org.iotasign.token;

import java.util.Locale;

/** A PKCS#11 function returned something other than CKR_OK; {@link #code()} is the CK_RV. */
public final class CryptokiException extends RuntimeException {
    private final long code;
    private final String function;

    public CryptokiException(String function, long code) {
        super(function + " failed: " + name(code));
        this.code = code;
        this.function = function;
    }

    public long code() {
        return code;
    }

    public String function() {
        return function;
    }

    /** Readable name of the return values the tool meets; hex for the rest. */
    public static String name(long code) {
        if (code == Pkcs11Constants.CKR_PIN_INCORRECT) {
            return "CKR_PIN_INCORRECT";
        } else if (code == Pkcs11Constants.CKR_PIN_LOCKED) {
            return "CKR_PIN_LOCKED";
        } else if (code == Pkcs11Constants.CKR_MECHANISM_INVALID) {
            return "CKR_MECHANISM_INVALID";
        } else if (code == Pkcs11Constants.CKR_USER_NOT_LOGGED_IN) {
            return "CKR_USER_NOT_LOGGED_IN";
        } else if (code == Pkcs11Constants.CKR_SESSION_HANDLE_INVALID) {
            return "CKR_SESSION_HANDLE_INVALID";
        } else if (code == Pkcs11Constants.CKR_DEVICE_REMOVED) {
            return "CKR_DEVICE_REMOVED";
        } else if (code == Pkcs11Constants.CKR_TOKEN_NOT_PRESENT) {
            return "CKR_TOKEN_NOT_PRESENT";
        }
        return String.format(Locale.ROOT, "CKR 0x%X", code);
    }
}
