package org.iotasign.token;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** What {@code iotasign token list} shows: the module, its slots and their tokens. */
public final class TokenInventory {
    private TokenInventory() {
    }

    /** One slot with a token. */
    public record TokenEntry(long slotId, String slotDescription, Cryptoki.TokenInfo token,
                             boolean canSign, boolean canGenerate) {
        public boolean initialized() {
            return token.has(Pkcs11Constants.CKF_TOKEN_INITIALIZED);
        }

        /** The token's user PIN state in words, from CK_TOKEN_INFO.flags. */
        public String pinState() {
            if (!token.has(Pkcs11Constants.CKF_USER_PIN_INITIALIZED)) {
                return "user PIN not set";
            }
            if (token.has(Pkcs11Constants.CKF_USER_PIN_LOCKED)) {
                return "user PIN LOCKED";
            }
            if (token.has(Pkcs11Constants.CKF_USER_PIN_FINAL_TRY)) {
                return "user PIN: one try left";
            }
            if (token.has(Pkcs11Constants.CKF_USER_PIN_COUNT_LOW)) {
                return "user PIN: wrong PIN entered recently, tries low";
            }
            return "user PIN ok";
        }

        /** Empty when the token can hold a release key; otherwise what to do instead. */
        public Optional<String> advice() {
            if (!initialized()) {
                return Optional.of("not initialized: 'iotasign token init' (SoftHSM) or the token's own tool");
            }
            if (!canSign) {
                return Optional.of("no CKM_EDDSA: this token cannot sign for IoTaWatt devices; use one from docs/tokens.md");
            }
            if (!canGenerate) {
                return Optional.of("no CKM_EC_EDWARDS_KEY_PAIR_GEN: generate the key with the token's own tool or import a seed");
            }
            return Optional.empty();
        }
    }

    /** The module and every slot that holds a token. */
    public record Inventory(Path module, Optional<HsmProfile> profile, Cryptoki.LibraryInfo library, List<TokenEntry> tokens) {
    }

    public static Inventory list(KeyUri uri, TokenContext ctx) {
        TokenModule module = TokenModule.load(uri, ctx);
        Cryptoki p11 = module.cryptoki();
        try {
            List<TokenEntry> out = new ArrayList<>();
            for (long slot : p11.slotsWithToken()) {
                Set<Long> mechs = p11.mechanisms(slot);
                out.add(new TokenEntry(slot, p11.slotInfo(slot).description(), p11.tokenInfo(slot),
                        mechs.contains(Pkcs11Constants.CKM_EDDSA), mechs.contains(Pkcs11Constants.CKM_EC_EDWARDS_KEY_PAIR_GEN)));
            }
            return new Inventory(module.path(), module.profile(), p11.libraryInfo(), out);
        } catch (CryptokiException e) {
            throw TokenErrors.translate(e, "listing tokens of " + module.path());
        }
    }
}
