package org.iotasign.token;

/**
 * The PKCS#11 numbers the project uses, defined here rather than taken from the JDK's
 * internal wrapper (whose named constants differ between JDK releases).
 */
public final class Pkcs11Constants {
    private Pkcs11Constants() {
    }

    // Object classes and key types.
    public static final long CKO_DATA = 0x0;
    public static final long CKO_PUBLIC_KEY = 0x2;
    public static final long CKO_PRIVATE_KEY = 0x3;
    public static final long CKK_EC_EDWARDS = 0x40;

    // Attributes.
    public static final long CKA_CLASS = 0x0;
    public static final long CKA_TOKEN = 0x1;
    public static final long CKA_PRIVATE = 0x2;
    public static final long CKA_LABEL = 0x3;
    public static final long CKA_APPLICATION = 0x10;
    public static final long CKA_VALUE = 0x11;
    public static final long CKA_KEY_TYPE = 0x100;
    public static final long CKA_ID = 0x102;
    public static final long CKA_SENSITIVE = 0x103;
    public static final long CKA_SIGN = 0x108;
    public static final long CKA_VERIFY = 0x10A;
    public static final long CKA_EXTRACTABLE = 0x162;
    public static final long CKA_LOCAL = 0x163;
    public static final long CKA_NEVER_EXTRACTABLE = 0x164;
    public static final long CKA_ALWAYS_SENSITIVE = 0x165;
    public static final long CKA_EC_PARAMS = 0x180;
    public static final long CKA_EC_POINT = 0x181;
    public static final long CKA_ALWAYS_AUTHENTICATE = 0x202;

    // Mechanisms.
    public static final long CKM_EC_EDWARDS_KEY_PAIR_GEN = 0x1055;
    public static final long CKM_EDDSA = 0x1057;

    // User types.
    public static final long CKU_SO = 0;
    public static final long CKU_USER = 1;
    public static final long CKU_CONTEXT_SPECIFIC = 2;

    // Session flags.
    public static final long CKF_RW_SESSION = 0x2;
    public static final long CKF_SERIAL_SESSION = 0x4;

    // CK_TOKEN_INFO.flags.
    public static final long CKF_LOGIN_REQUIRED = 0x4;
    public static final long CKF_USER_PIN_INITIALIZED = 0x8;
    public static final long CKF_TOKEN_INITIALIZED = 0x400;
    public static final long CKF_USER_PIN_COUNT_LOW = 0x10000;
    public static final long CKF_USER_PIN_FINAL_TRY = 0x20000;
    public static final long CKF_USER_PIN_LOCKED = 0x40000;
    public static final long CKF_SO_PIN_COUNT_LOW = 0x100000;
    public static final long CKF_SO_PIN_FINAL_TRY = 0x200000;
    public static final long CKF_SO_PIN_LOCKED = 0x400000;

    // Return values the tool explains to the operator.
    public static final long CKR_GENERAL_ERROR = 0x5;
    public static final long CKR_ATTRIBUTE_SENSITIVE = 0x11;
    public static final long CKR_ATTRIBUTE_TYPE_INVALID = 0x12;
    public static final long CKR_ATTRIBUTE_VALUE_INVALID = 0x13;
    public static final long CKR_DEVICE_ERROR = 0x30;
    public static final long CKR_DEVICE_REMOVED = 0x32;
    public static final long CKR_FUNCTION_FAILED = 0x6;
    public static final long CKR_KEY_HANDLE_INVALID = 0x60;
    public static final long CKR_KEY_FUNCTION_NOT_PERMITTED = 0x68;
    public static final long CKR_MECHANISM_INVALID = 0x70;
    public static final long CKR_MECHANISM_PARAM_INVALID = 0x71;
    public static final long CKR_OBJECT_HANDLE_INVALID = 0x82;
    public static final long CKR_PIN_INCORRECT = 0xA0;
    public static final long CKR_PIN_INVALID = 0xA1;
    public static final long CKR_PIN_LEN_RANGE = 0xA2;
    public static final long CKR_PIN_EXPIRED = 0xA3;
    public static final long CKR_PIN_LOCKED = 0xA4;
    public static final long CKR_SESSION_CLOSED = 0xB0;
    public static final long CKR_SESSION_HANDLE_INVALID = 0xB3;
    public static final long CKR_TEMPLATE_INCOMPLETE = 0xD0;
    public static final long CKR_TEMPLATE_INCONSISTENT = 0xD1;
    public static final long CKR_TOKEN_NOT_PRESENT = 0xE0;
    public static final long CKR_TOKEN_NOT_RECOGNIZED = 0xE1;
    public static final long CKR_USER_ALREADY_LOGGED_IN = 0x100;
    public static final long CKR_USER_NOT_LOGGED_IN = 0x101;
    public static final long CKR_USER_PIN_NOT_INITIALIZED = 0x102;
    public static final long CKR_USER_TYPE_INVALID = 0x103;
    public static final long CKR_CRYPTOKI_ALREADY_INITIALIZED = 0x191;
}
