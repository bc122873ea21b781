package org.iotasign.testing;

import java.util.ArrayList;
import java.util.List;

import org.iotasign.crypto.Ed25519PublicKey;
import org.iotasign.crypto.PublicKeySign;
import org.iotasign.crypto.SoftwareEd25519Signer;
import org.iotasign.espimage.SampleFirmware;
import org.iotasign.release.FirmwareLimit;
import org.iotasign.release.ReleaseEntry;
import org.iotasign.release.ReleasePacker;

/** Ready-made releases for tests: real packing, real signatures with test keys. */
public final class TestReleases {
    private TestReleases() {
    }

    /** An unsigned blob whose firmware embeds {@code signer}'s public key, plus two web files. */
    public static byte[] unsigned(String version, SoftwareEd25519Signer signer) {
        return unsigned(version, List.of(signer.publicKey()), 64 * 1024);
    }

    public static byte[] unsigned(String version, List<Ed25519PublicKey> embedded, int firmwareSize) {
        List<ReleaseEntry> entries = new ArrayList<>();
        entries.add(new ReleaseEntry("iotawatt.bin", SampleFirmware.build(version, embedded, firmwareSize)));
        entries.add(new ReleaseEntry("index.htm", ("<html>IoTaWatt " + version + "</html>\n").getBytes()));
        entries.add(new ReleaseEntry("tables.txt", "{\"version\":\"1.0.3\"}\n".getBytes()));
        return ReleasePacker.pack(version, entries, FirmwareLimit.DEFAULT).bytes();
    }

    public static byte[] signed(String version, SoftwareEd25519Signer signer) {
        return sign(unsigned(version, signer), signer);
    }

    /** Appends the Ed25519 signature over SHA-256 of {@code unsigned}, as the device expects. */
    public static byte[] sign(byte[] unsigned, PublicKeySign signer) {
        byte[] sig = signer.sign(Digests.sha256(unsigned));
        byte[] out = new byte[unsigned.length + sig.length];
        System.arraycopy(unsigned, 0, out, 0, unsigned.length);
        System.arraycopy(sig, 0, out, unsigned.length, sig.length);
        return out;
    }
}
