package org.iotasign.token;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The slice of PKCS#11 the tool uses, in project types. One implementation,
 * {@link Pkcs11Wrapper}, holds every use of the JDK-internal wrapper, so a different
 * binding (e.g. the FFM API) can replace it without touching callers. Every method
 * throws {@link CryptokiException} when the module returns an error.
 */
public interface Cryptoki {
    /** What C_GetInfo reports about the module. */
    record LibraryInfo(String manufacturer, String description, String version) {
    }

    /** What C_GetSlotInfo reports. */
    record SlotInfo(long slotId, String description, String manufacturer) {
    }

    /** What C_GetTokenInfo reports; text fields are decoded as UTF-8 and trimmed. */
    record TokenInfo(String label, String manufacturer, String model, String serial, long flags,
                     String firmwareVersion) {
        public boolean has(long flag) {
            return (flags & flag) != 0;
        }
    }

    /** One template attribute: value is a Boolean, Long, byte[] or (for labels) a String. */
    record Attribute(long type, Object value) {
        public static Attribute bool(long type, boolean v) {
            return new Attribute(type, v);
        }

        public static Attribute number(long type, long v) {
            return new Attribute(type, v);
        }

        public static Attribute bytes(long type, byte[] v) {
            return new Attribute(type, v.clone());
        }

        public static Attribute text(long type, String v) {
            return new Attribute(type, v);
        }
    }

    LibraryInfo libraryInfo();

    /** Slots that hold a token. */
    List<Long> slotsWithToken();

    SlotInfo slotInfo(long slot);

    TokenInfo tokenInfo(long slot);

    Set<Long> mechanisms(long slot);

    long openSession(long slot, boolean readWrite);

    void closeSession(long session);

    /** Logs in with the PIN's UTF-8 bytes; the caller wipes them afterwards. */
    void login(long session, long userType, byte[] pinUtf8);

    void logout(long session);

    List<Long> findObjects(long session, List<Attribute> template);

    Optional<byte[]> readBytes(long session, long object, long type);

    Optional<Boolean> readBoolean(long session, long object, long type);

    Optional<Long> readNumber(long session, long object, long type);

    /** A text attribute (CKA_LABEL) decoded as UTF-8. */
    Optional<String> readText(long session, long object, long type);

    /** @return {public key handle, private key handle} */
    long[] generateKeyPair(long session, long mechanism, List<Attribute> publicTemplate, List<Attribute> privateTemplate);

    long createObject(long session, List<Attribute> template);

    void destroyObject(long session, long object);

    /** C_SignInit with a mechanism that takes no parameters. */
    void signInit(long session, long mechanism, long key);

    byte[] sign(long session, byte[] data);
}
