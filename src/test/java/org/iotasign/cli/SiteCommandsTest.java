package org.iotasign.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.iotasign.site.SiteLayout;
import org.iotasign.site.SiteServer;
import org.iotasign.testing.Cli;
import org.iotasign.testing.TestKeys;
import org.iotasign.testing.TestReleases;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** site init/show/check, publish and probe as a user runs them. */
@Timeout(30)
class SiteCommandsTest {
    static final String KEY = TestKeys.test1().publicKey().hex();

    @TempDir
    Path tmp;
    Path site;
    Path release;

    @BeforeEach
    void init() throws Exception {
        site = tmp.resolve("site");
        release = tmp.resolve("02_08_05.bin");
        Files.write(release, TestReleases.signed("02_08_05", TestKeys.test1()));
        Cli.Result r = Cli.run("site", "init", "--site", site.toString(), "--pubkey", KEY);
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("initialised site"), r.toString());
    }

    @Test
    void publishShowsVersionsJsonBeforeAndAfter() {
        Cli.Result r = Cli.run("publish", "--site", site.toString(), "--pubkey", KEY, "--class", "MINOR,BETA", release.toString());
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("versions.json before:\n  {\n    \"classes\" : { }\n  }\n"), r.out());
        assertTrue(r.out().contains("versions.json after:\n  {\n    \"classes\" : {\n      \"MINOR\" : \"02_08_05\",\n      \"BETA\" : \"02_08_05\""), r.out());
        assertTrue(r.out().contains("changed  MINOR: (none) -> 02_08_05"), r.out());
        assertTrue(r.out().contains("copied release to firmware/bin/02_08_05.bin"), r.out());
    }

    @Test
    void publishRefusalsHaveTheirExitCodes() throws Exception {
        assertEquals(0, Cli.run("publish", "--site", site.toString(), "--class", "MINOR", release.toString()).exit());
        Path older = tmp.resolve("02_08_04.bin");
        Files.write(older, TestReleases.signed("02_08_04", TestKeys.test1()));
        Cli.Result rollback = Cli.run("publish", "--site", site.toString(), "--class", "MINOR", older.toString());
        assertEquals(1, rollback.exit(), rollback.toString());
        assertTrue(rollback.err().startsWith("iotasign: class MINOR would move from 02_08_05 down to 02_08_04"), rollback.err());
        assertEquals(2, Cli.run("publish", "--site", site.toString(), "--class", "MINOR", "--allow-rollback", older.toString()).exit());
        assertEquals(2, Cli.run("publish", "--site", site.toString(), "--class", "NONE", release.toString()).exit());
        assertEquals(2, Cli.run("publish", "--site", site.toString(), "--class", "minor", release.toString()).exit());
        assertEquals(2, Cli.run("publish", "--site", site.toString(), release.toString()).exit());
        assertEquals(2, Cli.run("publish", "--site", tmp.resolve("nowhere").toString(), "--class", "MINOR", release.toString()).exit());
        Cli.Result wrongKey = Cli.run("publish", "--site", site.toString(), "--pubkey", TestKeys.test2().publicKey().hex(), "--class",
                "MINOR", release.toString());
        assertEquals(1, wrongKey.exit(), wrongKey.toString());
        Cli.Result ok = Cli.run("publish", "--site", site.toString(), "--class", "MINOR", "--allow-rollback", "--reason",
                "02_08_05 breaks CT calibration", older.toString());
        assertEquals(0, ok.exit(), ok.toString());
        assertTrue(Files.readString(site.resolve(".iotasign/history.jsonl")).contains("02_08_05 breaks CT calibration"));
    }

    @Test
    void siteShowListsAndSiteCheckFailsOnInconsistency() throws Exception {
        assertEquals(0, Cli.run("publish", "--site", site.toString(), "--class", "MINOR", release.toString()).exit());
        Cli.Result show = Cli.run("site", "show", "--site", site.toString());
        assertEquals(0, show.exit(), show.toString());
        assertTrue(show.out().contains("class    MINOR 02_08_05  firmware/bin/02_08_05.bin"), show.out());
        assertTrue(show.out().contains("verifies"), show.out());
        assertTrue(show.out().contains("site is consistent"), show.out());
        assertEquals(0, Cli.run("site", "check", "--site", site.toString()).exit());

        Files.delete(new SiteLayout(site).blob("02_08_05"));
        Cli.Result check = Cli.run("site", "check", "--site", site.toString());
        assertEquals(1, check.exit(), check.toString());
        assertTrue(check.err().contains("class MINOR points at 02_08_05 but firmware/bin/02_08_05.bin is missing"), check.err());
        Cli.Result showBroken = Cli.run("site", "show", "--site", site.toString());
        assertEquals(0, showBroken.exit());
        assertTrue(showBroken.out().contains("PROBLEM"), showBroken.out());
    }

    @Test
    void siteCheckFlagsWhatOnlyAHandEditCanBreak() throws Exception {
        Files.writeString(new SiteLayout(site).versionsJson(), "{\"classes\":{\"MINOR\":\"02_08_05\",\"minor\":\"02_08_05\"},\"tables\":\"1.0\"}");
        Files.copy(release, new SiteLayout(site).blob("02_08_05"));
        Cli.Result check = Cli.run("site", "check", "--site", site.toString());
        assertEquals(1, check.exit(), check.toString());
        assertTrue(check.err().contains("class key 'minor' is not one a device can be set to"), check.err());
        assertTrue(check.err().contains("tables version '1.0' is not canonical: devices ask for 1.0.0.txt"), check.err());
        Files.writeString(new SiteLayout(site).versionsJson(), "{classes:{MINOR:02_08_05}}");
        Cli.Result lenient = Cli.run("site", "check", "--site", site.toString());
        assertEquals(1, lenient.exit());
        assertTrue(lenient.err().contains("not valid JSON"), lenient.err());
    }

    @Test
    void probeAgainstTheBuiltInServer() {
        assertEquals(0, Cli.run("publish", "--site", site.toString(), "--class", "MINOR", release.toString()).exit());
        try (SiteServer server = SiteServer.start(new SiteLayout(site), "127.0.0.1", 0, l -> { })) {
            String url = server.baseUri().toString();
            Cli.Result ok = Cli.run("probe", "--server", url, "--class", "MINOR", "--current", "02_08_04", "--pubkey", KEY);
            assertEquals(0, ok.exit(), ok.toString());
            assertTrue(ok.out().contains("Updater: Update from 02_08_04 to 02_08_05\n"), ok.out());
            assertTrue(ok.out().endsWith("verdict: OK: a device of class MINOR on 02_08_04 would install 02_08_05\n"), ok.out());
            Cli.Result current = Cli.run("probe", "--server", url, "--class", "MINOR", "--current", "02_08_05", "--pubkey", KEY,
                    "--expect-current");
            assertEquals(0, current.exit(), current.toString());
            assertEquals(1, Cli.run("probe", "--server", url, "--class", "MINOR", "--current", "02_08_04", "--pubkey", KEY,
                    "--expect-current").exit());
            assertEquals(1, Cli.run("probe", "--server", url, "--class", "BETA", "--current", "02_08_04", "--pubkey", KEY).exit());
            assertEquals(2, Cli.run("probe", "--server", url, "--class", "NONE", "--current", "02_08_04", "--pubkey", KEY).exit());
            assertEquals(2, Cli.run("probe", "--server", "https://" + url.substring(7), "--class", "MINOR", "--current", "02_08_04",
                    "--pubkey", KEY).exit());
        }
    }

    @Test
    void probeOfAServerThatIsNotThereIsAnEnvironmentProblem() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Cli.Result r = Cli.run("probe", "--server", "http://127.0.0.1:" + port, "--class", "MINOR", "--current", "02_08_04", "--pubkey", KEY);
        assertEquals(3, r.exit(), r.toString());
        assertTrue(r.err().contains("cannot connect"), r.err());
    }
}
