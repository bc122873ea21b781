package org.iotasign.token;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.iotasign.EnvironmentException;
import org.iotasign.IotasignException;
import org.iotasign.RejectedException;

/** An open session on the one token a URI selects. */
public final class TokenSession implements AutoCloseable {
    private final TokenModule module;
    private final long slot;
    private final Cryptoki.TokenInfo info;
    private final long handle;
    private boolean closed;

    private TokenSession(TokenModule module, long slot, Cryptoki.TokenInfo info, long handle) {
        this.module = module;
        this.slot = slot;
        this.info = info;
        this.handle = handle;
    }

    /** Opens a session on the token {@code uri} selects (null: the embedded default token). */
    public static TokenSession open(KeyUri uri, TokenContext ctx, boolean readWrite) {
        KeyUri where = uri != null ? uri : KeyUri.parse(KeyUri.DEFAULT);
        TokenModule module = TokenModule.load(where, ctx);
        Cryptoki p11 = module.cryptoki();
        try {
            long slot = selectSlot(module, where);
            Cryptoki.TokenInfo info = p11.tokenInfo(slot);
            long handle = p11.openSession(slot, readWrite);
            return new TokenSession(module, slot, info, handle);
        } catch (CryptokiException e) {
            throw TokenErrors.translate(e, "opening a session on " + where.describe());
        }
    }

    private static long selectSlot(TokenModule module, KeyUri uri) {
        Cryptoki p11 = module.cryptoki();
        List<Long> matches = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        for (long slot : p11.slotsWithToken()) {
            Cryptoki.TokenInfo t = p11.tokenInfo(slot);
            if (!t.has(Pkcs11Constants.CKF_TOKEN_INITIALIZED)) {
                continue;
            }
            seen.add("'" + t.label() + "'");
            if (uri.slotId().map(id -> id == slot).orElse(true)
                    && uri.token().map(t.label()::equals).orElse(true)
                    && uri.serial().map(t.serial()::equals).orElse(true)
                    && uri.manufacturer().map(t.manufacturer()::equals).orElse(true)
                    && uri.model().map(t.model()::equals).orElse(true)) {
                matches.add(slot);
            }
        }
        if (matches.isEmpty()) {
            String tokens = seen.isEmpty() ? "no initialized tokens" : "tokens " + String.join(", ", seen);
            String todo = module.profile().map(HsmProfile::isSoftHsm).orElse(false)
                    ? "create it with 'iotasign token init', or check the URI against 'iotasign token list'"
                    : "connect the token, or check the URI against 'iotasign token list'";
            throw new EnvironmentException("token for " + uri.describe() + " not found (module " + module.path() + " has "
                    + tokens + "): " + todo);
        }
        if (matches.size() > 1) {
            throw new EnvironmentException(matches.size() + " tokens match " + uri.describe()
                    + ": add serial= or slot-id= to the URI (see 'iotasign token list')");
        }
        return matches.get(0);
    }

    public TokenModule module() {
        return module;
    }

    public Cryptoki cryptoki() {
        return module.cryptoki();
    }

    public long slot() {
        return slot;
    }

    public Cryptoki.TokenInfo info() {
        return info;
    }

    public long handle() {
        return handle;
    }

    /** The token's label, for messages. */
    public String label() {
        return info.label();
    }

    /**
     * Logs in once. A wrong PIN stops at once with the token's remaining-tries state; the
     * PIN is never tried a second time.
     */
    public void login(long userType, PinSource pins) {
        String who = userType == Pkcs11Constants.CKU_SO ? "security officer PIN" : "user PIN";
        Cryptoki.TokenInfo before = cryptoki().tokenInfo(slot);
        long lockedFlag = userType == Pkcs11Constants.CKU_SO ? Pkcs11Constants.CKF_SO_PIN_LOCKED : Pkcs11Constants.CKF_USER_PIN_LOCKED;
        if (before.has(lockedFlag)) {
            throw new EnvironmentException("the " + who + " of token '" + label() + "' is locked: unlock it with the token's own "
                    + "administration tool (security officer), then run the command again");
        }
        String hint = module.profile().map(p -> userType == Pkcs11Constants.CKU_SO ? p.soPinHint() : p.pinHint()).orElse("");
        String what = who + " of token '" + label() + "'" + (hint.isEmpty() ? "" : " (" + hint + ")");
        byte[] pin = pins.pin(what);
        try {
            module.profile().ifPresent(p -> {
                if (userType == Pkcs11Constants.CKU_USER) {
                    p.checkPinShape(pin);
                }
            });
            cryptoki().login(handle, userType, pin);
        } catch (CryptokiException e) {
            if (e.code() == Pkcs11Constants.CKR_USER_ALREADY_LOGGED_IN) {
                return; // Login state is shared by all sessions of this process.
            }
            throw loginFailure(e, who, userType);
        } finally {
            Arrays.fill(pin, (byte) 0);
        }
    }

    /** Logs in for the next operation only (keys with CKA_ALWAYS_AUTHENTICATE). */
    void loginContextSpecific(PinSource pins) {
        byte[] pin = pins.pin("PIN for this signature on token '" + label() + "'");
        try {
            cryptoki().login(handle, Pkcs11Constants.CKU_CONTEXT_SPECIFIC, pin);
        } catch (CryptokiException e) {
            throw loginFailure(e, "user PIN", Pkcs11Constants.CKU_USER);
        } finally {
            Arrays.fill(pin, (byte) 0);
        }
    }

    private IotasignException loginFailure(CryptokiException e, String who, long userType) {
        long c = e.code();
        if (c == Pkcs11Constants.CKR_PIN_INCORRECT || c == Pkcs11Constants.CKR_PIN_INVALID || c == Pkcs11Constants.CKR_PIN_LEN_RANGE) {
            return new RejectedException("wrong " + who + " for token '" + label() + "' (" + triesState(userType)
                    + "): check the PIN; iotasign does not retry it, so run the command again with the right PIN", e);
        }
        if (c == Pkcs11Constants.CKR_PIN_LOCKED) {
            return new EnvironmentException("the " + who + " of token '" + label() + "' is locked: unlock it with the token's "
                    + "administration tool (security officer)", e);
        }
        if (c == Pkcs11Constants.CKR_USER_PIN_NOT_INITIALIZED) {
            return new EnvironmentException("token '" + label() + "' has no user PIN yet: initialize it with the token's "
                    + "administration tool (or 'iotasign token init' for SoftHSM)", e);
        }
        return TokenErrors.translate(e, "logging in to token '" + label() + "'");
    }

    /** What the token says about remaining PIN tries (SoftHSM reports nothing; cards do). */
    private String triesState(long userType) {
        Cryptoki.TokenInfo now;
        try {
            now = cryptoki().tokenInfo(slot);
        } catch (CryptokiException ignored) {
            return "remaining tries unknown";
        }
        boolean so = userType == Pkcs11Constants.CKU_SO;
        if (now.has(so ? Pkcs11Constants.CKF_SO_PIN_LOCKED : Pkcs11Constants.CKF_USER_PIN_LOCKED)) {
            return "the PIN is now LOCKED";
        }
        if (now.has(so ? Pkcs11Constants.CKF_SO_PIN_FINAL_TRY : Pkcs11Constants.CKF_USER_PIN_FINAL_TRY)) {
            return "ONE try left before the PIN locks";
        }
        if (now.has(so ? Pkcs11Constants.CKF_SO_PIN_COUNT_LOW : Pkcs11Constants.CKF_USER_PIN_COUNT_LOW)) {
            return "the token reports a wrong PIN was entered recently; tries are counting down";
        }
        return "the token reports no low try count";
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            try {
                cryptoki().closeSession(handle);
            } catch (CryptokiException ignored) {
                // Already closed (token removed): nothing left to release.
            }
        }
    }
}
