package org.iotasign.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;

import org.iotasign.crypto.Ed25519PublicKey;
import org.junit.jupiter.api.Test;

class EdwardsEncodingTest {
    static final Ed25519PublicKey KEY = Ed25519PublicKey.fromHex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");

    @Test
    void acceptsTheNamedCurveAndBothOids() {
        assertTrue(EdwardsEncoding.isEd25519(HexFormat.of().parseHex("130c656477617264733235353139")));
        assertTrue(EdwardsEncoding.isEd25519(HexFormat.of().parseHex("06032b6570")));
        assertTrue(EdwardsEncoding.isEd25519(HexFormat.of().parseHex("06092b06010401da470f01")));
        assertFalse(EdwardsEncoding.isEd25519(HexFormat.of().parseHex("06032b6571")), "Ed448 is not Ed25519");
        assertFalse(EdwardsEncoding.isEd25519(HexFormat.of().parseHex("130a65647761726473343438")));
    }

    @Test
    void readsThePointAsOctetStringOrRawAndWritesOctetString() {
        byte[] der = EdwardsEncoding.encodePoint(KEY);
        assertEquals("0420" + KEY.hex(), HexFormat.of().formatHex(der));
        assertEquals(KEY, EdwardsEncoding.decodePoint(der));
        assertEquals(KEY, EdwardsEncoding.decodePoint(KEY.bytes()));
        assertThrows(IllegalArgumentException.class, () -> EdwardsEncoding.decodePoint(new byte[33]));
    }
}
