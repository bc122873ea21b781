package org.iotasign.token;

import org.iotasign.EnvironmentException;
import org.iotasign.IotasignException;
import org.iotasign.RejectedException;

/** Turns a module's return value into the one-line message the operator sees. */
final class TokenErrors {
    private TokenErrors() {
    }

    static boolean isGone(long code) {
        return code == Pkcs11Constants.CKR_SESSION_HANDLE_INVALID || code == Pkcs11Constants.CKR_SESSION_CLOSED
                || code == Pkcs11Constants.CKR_DEVICE_REMOVED || code == Pkcs11Constants.CKR_TOKEN_NOT_PRESENT;
    }

    /** @param doing what was attempted, e.g. "signing with pkcs:token=x;object=y" */
    static IotasignException translate(CryptokiException e, String doing) {
        long c = e.code();
        if (isGone(c)) {
            return new EnvironmentException(doing + " stopped: the token was removed or its session closed ("
                    + CryptokiException.name(c) + "): reconnect the token and run the command again", e);
        }
        if (c == Pkcs11Constants.CKR_MECHANISM_INVALID || c == Pkcs11Constants.CKR_MECHANISM_PARAM_INVALID) {
            return new EnvironmentException(doing + " failed: the token does not support this Ed25519 mechanism ("
                    + CryptokiException.name(c) + "): use a token with CKM_EDDSA (see docs/tokens.md)", e);
        }
        if (c == Pkcs11Constants.CKR_USER_NOT_LOGGED_IN) {
            return new EnvironmentException(doing + " failed: the token requires a login first: give the PIN "
                    + "(pin-source=file: in the URI, IOTASIGN_PIN, or at the prompt)", e);
        }
        if (c == Pkcs11Constants.CKR_OBJECT_HANDLE_INVALID || c == Pkcs11Constants.CKR_KEY_HANDLE_INVALID) {
            return new EnvironmentException(doing + " failed: the key is no longer available (" + CryptokiException.name(c)
                    + "; deleted, or the token logged this process out): run the command again", e);
        }
        if (c == Pkcs11Constants.CKR_KEY_FUNCTION_NOT_PERMITTED) {
            return new RejectedException(doing + " failed: the key is not allowed to sign (CKA_SIGN is false): use a signing key", e);
        }
        return new EnvironmentException(doing + " failed: " + e.getMessage() + ": check the token and its module", e);
    }
}
