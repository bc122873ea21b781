package org.iotasign.testing;

import java.util.HexFormat;

import org.iotasign.crypto.SoftwareEd25519Signer;

/** Published test keys (RFC 8032 section 7.1); never used for anything but tests. */
public final class TestKeys {
    /** RFC 8032 TEST 1 secret key. */
    public static final byte[] RFC8032_TEST1_SECRET =
            HexFormat.of().parseHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
    public static final String RFC8032_TEST1_PUBLIC = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
    /** RFC 8032 TEST 2 secret key: a second, unrelated key. */
    public static final byte[] RFC8032_TEST2_SECRET =
            HexFormat.of().parseHex("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb");

    private TestKeys() {
    }

    public static SoftwareEd25519Signer test1() {
        return new SoftwareEd25519Signer(RFC8032_TEST1_SECRET);
    }

    public static SoftwareEd25519Signer test2() {
        return new SoftwareEd25519Signer(RFC8032_TEST2_SECRET);
    }
}
