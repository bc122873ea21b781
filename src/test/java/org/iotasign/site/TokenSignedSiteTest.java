package org.iotasign.site;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.iotasign.crypto.Ed25519PublicKey;
import org.iotasign.testing.Cli;
import org.iotasign.testing.TestReleases;
import org.iotasign.token.PublicKeys;
import org.iotasign.token.SoftHsmFixture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * End to end with a real token: a release signed on SoftHSM2 with 'iotasign sign', the site
 * initialised and probed with the key given as its PKCS#11 URI, published, served, and
 * installed by the probe exactly as a device would.
 */
@Tag(SoftHsmFixture.TAG)
@Timeout(120)
class TokenSignedSiteTest {
    static SoftHsmFixture fx;
    static String keyUri;
    static Ed25519PublicKey pub;

    @BeforeAll
    static void setUp() throws IOException {
        fx = SoftHsmFixture.create(TokenSignedSiteTest.class, "site");
        keyUri = fx.uri("site", "release");
        Cli.Result gen = Cli.run("key", "generate", "--key", keyUri);
        assertEquals(0, gen.exit(), gen.toString());
        pub = PublicKeys.resolve(keyUri);
    }

    @Test
    void aTokenSignedReleaseIsPublishedServedAndInstalled() throws Exception {
        Path dir = fx.dir();
        Path unsigned = dir.resolve("02_08_05.unsigned");
        Files.write(unsigned, TestReleases.unsigned("02_08_05", List.of(pub), 64 * 1024));
        Path signed = dir.resolve("02_08_05.bin");
        Cli.Result sign = Cli.run("sign", unsigned.toString(), "-o", signed.toString(), "--key", keyUri);
        assertEquals(0, sign.exit(), sign.toString());

        Path site = dir.resolve("site");
        Cli.Result init = Cli.run("site", "init", "--site", site.toString(), "--pubkey", keyUri);
        assertEquals(0, init.exit(), init.toString());
        assertTrue(init.out().contains(pub.fingerprint()), init.out());
        Cli.Result publish = Cli.run("publish", "--site", site.toString(), "--pubkey", keyUri, "--class", "MINOR", signed.toString());
        assertEquals(0, publish.exit(), publish.toString());
        assertEquals(0, Cli.run("site", "check", "--site", site.toString()).exit());

        try (SiteServer server = SiteServer.start(new SiteLayout(site), "127.0.0.1", 0, line -> { })) {
            Cli.Result probe = Cli.run("probe", "--server", server.baseUri().toString(), "--class", "MINOR", "--current", "02_08_04",
                    "--pubkey", keyUri);
            assertEquals(0, probe.exit(), probe.toString());
            assertTrue(probe.out().contains("Updater: signature verified\n"), probe.out());
            assertTrue(probe.out().contains("Updater: firmware upgraded to version 02_08_05\n"), probe.out());
        }
    }
}
