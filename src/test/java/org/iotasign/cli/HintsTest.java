package org.iotasign.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.iotasign.Hint;
import org.iotasign.IotasignException;
import org.iotasign.RejectedException;
import org.iotasign.UsageException;
import org.iotasign.io.AtomicFile;
import org.iotasign.keybackup.SeedShares;
import org.iotasign.objectstore.S3Location;
import org.iotasign.objectstore.S3Store;
import org.iotasign.release.FirmwareLimit;
import org.iotasign.release.ReleaseExtractor;
import org.iotasign.release.ReleasePacker;
import org.iotasign.release.ReleaseEntry;
import org.iotasign.site.SiteLayout;
import org.iotasign.site.SiteServer;
import org.iotasign.testing.TestKeys;
import org.iotasign.testing.TestReleases;
import org.iotasign.release.ReleaseBlob;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The domain says what is wrong and carries a hint; only the CLI words the hint with its option names. */
class HintsTest {
    @TempDir
    Path dir;

    private static void assertWorded(IotasignException e, Hint hint, String domainText, String userText) {
        assertEquals(Optional.of(hint), e.hint());
        assertEquals(domainText, e.getMessage());
        assertFalse(e.getMessage().matches(".*--[a-z].*"), e.getMessage());
        assertEquals(userText, Hints.message(e));
    }

    @Test
    void anExistingOutputIsWordedWithForce() throws Exception {
        Path out = Files.write(dir.resolve("out.bin"), new byte[] {1});
        UsageException e = assertThrows(UsageException.class, () -> AtomicFile.write(out, new byte[] {2}, false));
        assertWorded(e, Hint.REPLACE_OUTPUT, out + " already exists",
                out + " already exists: choose another output name or pass --force to replace it");
    }

    @Test
    void aFullExtractFolderIsNamedByItsOption() throws Exception {
        byte[] blob = TestReleases.signed("02_08_05", TestKeys.test1());
        Path target = Files.createDirectories(dir.resolve("x"));
        Files.write(target.resolve("keep"), new byte[] {1});
        UsageException e = assertThrows(UsageException.class,
                () -> ReleaseExtractor.extract(blob, ReleaseBlob.parseSigned(blob, FirmwareLimit.DEFAULT), target));
        assertWorded(e, Hint.EXTRACT_FOLDER, "folder " + target + " already exists and is not empty: give a new folder",
                "--extract folder " + target + " already exists and is not empty: give a new folder");
    }

    @Test
    void aReleaseWithoutFirmwareAsksForTheFirmwareOption() {
        RejectedException e = assertThrows(RejectedException.class,
                () -> ReleasePacker.pack("02_08_05", List.of(new ReleaseEntry("index.htm", new byte[] {1})), FirmwareLimit.DEFAULT));
        assertWorded(e, Hint.GIVE_FIRMWARE, "no iotawatt.bin in the release", "no iotawatt.bin in the release: give the firmware with --firmware");
    }

    @Test
    void servingOptionsAreNamedByTheCli() {
        SiteLayout layout = new SiteLayout(dir);
        UsageException port = assertThrows(UsageException.class, () -> SiteServer.start(layout, "127.0.0.1", 70000, l -> { }));
        assertWorded(port, Hint.SERVE_PORT, "70000 is not a TCP port: give 0-65535 (0 picks a free port)",
                "--port 70000 is not a TCP port: give 0-65535 (0 picks a free port)");
    }

    @Test
    void shareSchemesAreNamedByTheCli() {
        UsageException low = assertThrows(UsageException.class, () -> SeedShares.checkScheme(1, 3));
        assertWorded(low, Hint.SHARE_THRESHOLD, "must be at least 2 (with 1 every share would be the key itself), not 1",
                "--threshold must be at least 2 (with 1 every share would be the key itself), not 1");
        UsageException none = assertThrows(UsageException.class, () -> SeedShares.combine(List.of()));
        assertWorded(none, Hint.GIVE_SHARES, "no shares given", "no shares given: pass --share FILE once per share");
    }

    @Test
    void anEndpointIsNamedByItsOptionAndNeverEchoesCredentials() {
        S3Location to = S3Location.parse("s3://bucket/prefix");
        UsageException secret = assertThrows(UsageException.class, () -> S3Store.open(to,
                new S3Store.Settings(Optional.of(URI.create("http://AKID:s3cr3t@127.0.0.1:1")), Optional.empty(), true)));
        assertWorded(secret, Hint.ENDPOINT, "must not carry credentials: give them in AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE",
                "--endpoint must not carry credentials: give them in AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE");
        UsageException scheme = assertThrows(UsageException.class, () -> S3Store.open(to,
                new S3Store.Settings(Optional.of(URI.create("ftp://127.0.0.1:1")), Optional.empty(), true)));
        assertEquals("--endpoint ftp://127.0.0.1:1 must be http(s)://HOST[:PORT]", Hints.message(scheme));
    }

    @Test
    void aMessageWithoutAHintIsShownAsItIs() {
        assertEquals("plain: do this", Hints.message(new UsageException("plain: do this")));
    }

    @Test
    void everyHintIsWordedAroundTheDomainText() {
        for (Hint h : Hint.values()) {
            String worded = Hints.worded(h, "WHAT");
            assertTrue(worded.contains("WHAT") && worded.length() > "WHAT".length() && worded.contains("--"), h + ": " + worded);
        }
    }
}
