package org.iotasign.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.iotasign.crypto.Ed25519PublicKey;
import org.iotasign.release.DeviceVerifier;
import org.iotasign.signing.Confirmation;
import org.iotasign.signing.SignedRelease;
import org.iotasign.signing.SigningDesk;
import org.iotasign.signing.SigningKey;
import org.iotasign.testing.SigningFixture;
import org.iotasign.release.FirmwareLimit;
import org.iotasign.testing.Digests;
import org.iotasign.testing.TestReleases;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Keys travel both ways between iotasign and OpenSC's pkcs11-tool on one SoftHSM2 token. */
@Tag(SoftHsmFixture.TAG)
class Pkcs11ToolInteropTest {
    static SoftHsmFixture fx;
    static final PinSource PINS = what -> SoftHsmFixture.USER_PIN.getBytes();

    static List<String> pkcs11Tool(String... args) {
        List<String> cmd = new ArrayList<>(List.of("pkcs11-tool", "--module", fx.module().toString(), "--token-label", "interop",
                "--login", "--pin", SoftHsmFixture.USER_PIN));
        cmd.addAll(List.of(args));
        return cmd;
    }

    @BeforeAll
    static void setUp() throws IOException {
        fx = SoftHsmFixture.create(Pkcs11ToolInteropTest.class, "interop");
        // Before this JVM loads SoftHSM, so that it sees the key from the start.
        fx.run(pkcs11Tool("--keypairgen", "--key-type", "EC:edwards25519", "--label", "from-pkcs11-tool", "--id", "0b"));
    }

    @Test
    void aKeyMadeByPkcs11ToolSignsReleasesWithIotasign() {
        KeyUri uri = KeyUri.parse("pkcs11:token=interop;object=from-pkcs11-tool;id=%0B");
        try (TokenKey key = TokenKey.open(uri, fx.context(), PINS)) {
            assertTrue(key.neverLeftToken(), "pkcs11-tool generated it on the token");
            byte[] unsigned = TestReleases.unsigned("03_00_01", List.of(key.publicKey()), 32 * 1024);
            SigningDesk desk = SigningFixture.desk(SigningKey.of(key), fx.dir().resolve("ledger.jsonl"));
            SignedRelease signed = desk.sign(desk.review(unsigned, "test"), Confirmation.COMMAND_LINE);
            assertTrue(DeviceVerifier.verify(signed.signed(), key.publicKey(), "03_00_01", FirmwareLimit.DEFAULT).ok());
        }
    }

    @Test
    void aKeyMadeByIotasignIsNeverExtractableForPkcs11ToolAndSignsThere() throws IOException {
        TokenKeys.CreatedKey created = TokenKeys.generate(KeyUri.parse("pkcs11:token=interop;object=from-iotasign"), fx.context(),
                PINS, what -> new byte[0]);
        String listing = fx.run(pkcs11Tool("--list-objects", "--type", "privkey"));
        String block = listing.substring(listing.indexOf("label:      from-iotasign"));
        block = block.substring(0, block.indexOf("Access:") + block.substring(block.indexOf("Access:")).indexOf('\n'));
        assertTrue(block.contains("never extractable") && block.contains("sensitive"), listing);
        assertTrue(listing.contains("Private Key Object; EC_EDWARDS"), listing);

        byte[] digest = Digests.sha256("interop".getBytes());
        Path in = Files.write(fx.dir().resolve("digest.bin"), digest);
        Path sig = fx.dir().resolve("digest.sig");
        // pkcs11-tool 0.23 picks the signing key by --id (it ignores --label when signing).
        SoftHsmFixture.Result r = fx.runAllowingFailure(pkcs11Tool("--sign", "--mechanism", "EDDSA", "--id", TokenKeys.hexId(created.id()),
                "-i", in.toString(), "-o", sig.toString()), Map.of());
        assertEquals(0, r.exit(), r.output());
        Ed25519PublicKey pub = created.publicKey();
        assertTrue(pub.verify(digest, Files.readAllBytes(sig)), "pkcs11-tool's CKM_EDDSA signature verifies with the exported key");
    }
}
