package org.iotasign.site;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.iotasign.crypto.Hashes;
import org.iotasign.RejectedException;
import org.iotasign.UsageException;
import org.iotasign.testing.TestKeys;
import org.iotasign.testing.TestReleases;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class PublisherTest {
    @TempDir
    Path tmp;
    SiteFixture f;

    @BeforeEach
    void setUp() {
        f = new SiteFixture(tmp);
    }

    @Test
    void initCreatesServedFoldersEmptyVersionsAndKeyOutsideTheServedPaths() throws IOException {
        SiteLayout l = f.opened.layout();
        assertTrue(Files.isDirectory(l.blobDir()));
        assertTrue(Files.isDirectory(l.tablesDir()));
        assertEquals("{\n  \"classes\" : { }\n}\n", f.versionsJson());
        assertEquals(SiteFixture.SIGNER.publicKey().hex() + "\n", Files.readString(l.keyFile()));
        assertTrue(l.keyFile().startsWith(l.root().resolve(".iotasign")));
        assertFalse(ServedPath.allowed("/.iotasign/site-key.pub"));
    }

    @Test
    void initAgainWithSameKeyIsANoOpAndWithAnotherKeyIsRefused() {
        assertTrue(Site.init(f.site, SiteFixture.SIGNER.publicKey()).alreadyInitialised());
        UsageException e = assertThrows(UsageException.class, () -> Site.init(f.site, TestKeys.test2().publicKey()));
        assertTrue(e.getMessage().contains("already initialised with key"), e.getMessage());
    }

    @Test
    void initRefusesAFolderThatHoldsOtherFiles() throws IOException {
        Path home = tmp.resolve("home");
        Files.createDirectories(home);
        Files.writeString(home.resolve("notes.txt"), "mine");
        UsageException e = assertThrows(UsageException.class, () -> Site.init(home, SiteFixture.SIGNER.publicKey()));
        assertTrue(e.getMessage().contains("already holds other files"), e.getMessage());
        assertFalse(Files.exists(home.resolve("firmware")));
    }

    @Test
    void publishCopiesBlobThenPointsClassesAtItAndRecordsHistory() throws IOException {
        PublishResult r = f.publish("02_08_05", "MINOR,BETA");
        Path blob = f.opened.layout().blob("02_08_05");
        assertArrayEquals(Files.readAllBytes(f.release("02_08_05")), Files.readAllBytes(blob));
        assertEquals("{\n  \"classes\" : {\n    \"MINOR\" : \"02_08_05\",\n    \"BETA\" : \"02_08_05\"\n  }\n}\n", f.versionsJson());
        assertEquals("{\n  \"classes\" : { }\n}\n", r.before());
        assertEquals(f.versionsJson(), r.after());
        assertEquals(List.of("MINOR: (none) -> 02_08_05", "BETA: (none) -> 02_08_05"), r.changes());
        List<String> history = Files.readAllLines(f.opened.layout().historyFile());
        assertEquals(1, history.size());
        assertTrue(history.get(0).contains("\"version\":\"02_08_05\"") && history.get(0).contains("\"rollback\":false"), history.get(0));
        assertTrue(new SiteInspector(f.opened).inspect().consistent());
    }

    @Test
    void classesAreWrittenInTheFixedOrderWhateverOrderTheyArePublishedIn() throws IOException {
        f.publish("02_08_05", "TEST");
        f.publish("02_08_05", "MAJOR");
        assertEquals("{\n  \"classes\" : {\n    \"MAJOR\" : \"02_08_05\",\n    \"TEST\" : \"02_08_05\"\n  }\n}\n", f.versionsJson());
    }

    @Test
    void republishingTheSameBytesChangesNothing() throws IOException {
        f.publish("02_08_05", "MINOR");
        String before = f.versionsJson();
        PublishResult again = f.publish("02_08_05", "MINOR");
        assertFalse(again.changed());
        assertTrue(again.changes().isEmpty());
        assertEquals(before, f.versionsJson());
        assertEquals(1, Files.readAllLines(f.opened.layout().historyFile()).size());
    }

    @Test
    void refusesAClassMovingToALowerVersion() throws IOException {
        f.publish("02_08_05", "MINOR");
        RejectedException e = assertThrows(RejectedException.class, () -> f.publish("02_08_04", "MINOR"));
        assertTrue(e.getMessage().contains("class MINOR would move from 02_08_05 down to 02_08_04"), e.getMessage());
        assertTrue(e.getMessage().contains("--allow-rollback --reason"), e.getMessage());
        assertTrue(f.versionsJson().contains("\"MINOR\" : \"02_08_05\""));
        assertFalse(Files.exists(f.opened.layout().blob("02_08_04")), "nothing is copied when the publish is refused");
    }

    @Test
    void rollbackWithReasonIsAllowedAndTheReasonIsRecorded() throws IOException {
        f.publish("02_08_05", "MINOR");
        PublishRequest req = new PublishRequest(Optional.of(f.release("02_08_04")), List.of(UpdateClass.MINOR), Optional.empty(),
                true, Optional.of("02_08_05 breaks CT calibration"), Optional.empty(), Optional.empty());
        new Publisher(f.opened).publish(req);
        assertTrue(f.versionsJson().contains("\"MINOR\" : \"02_08_04\""));
        String last = Files.readAllLines(f.opened.layout().historyFile()).get(1);
        assertTrue(last.contains("\"rollback\":true") && last.contains("02_08_05 breaks CT calibration"), last);
    }

    @Test
    void rollbackWithoutReasonIsAUsageError() throws IOException {
        PublishRequest req = new PublishRequest(Optional.of(f.release("02_08_04")), List.of(UpdateClass.MINOR), Optional.empty(),
                true, Optional.empty(), Optional.empty(), Optional.empty());
        UsageException e = assertThrows(UsageException.class, () -> new Publisher(f.opened).publish(req));
        assertTrue(e.getMessage().contains("--reason"), e.getMessage());
    }

    @Test
    void refusesAVersionAlreadyPublishedWithDifferentBytes() throws IOException {
        f.publish("02_08_05", "MINOR");
        Path other = tmp.resolve("rebuilt.bin");
        Files.write(other, TestReleases.sign(TestReleases.unsigned("02_08_05", List.of(SiteFixture.SIGNER.publicKey()), 70_000),
                SiteFixture.SIGNER));
        PublishRequest req = new PublishRequest(Optional.of(other), List.of(UpdateClass.BETA), Optional.empty(), false,
                Optional.empty(), Optional.empty(), Optional.empty());
        RejectedException e = assertThrows(RejectedException.class, () -> new Publisher(f.opened).publish(req));
        assertTrue(e.getMessage().contains("already published with different bytes"), e.getMessage());
        assertArrayEquals(Files.readAllBytes(f.release("02_08_05")), Files.readAllBytes(f.opened.layout().blob("02_08_05")));
    }

    @Test
    void refusesUnknownClassesAndNone() {
        UsageException unknown = assertThrows(UsageException.class, () -> UpdateClass.parseList("MINOR,GAMMA"));
        assertTrue(unknown.getMessage().contains("unknown update class 'GAMMA'"), unknown.getMessage());
        UsageException lower = assertThrows(UsageException.class, () -> UpdateClass.parse("minor"));
        assertTrue(lower.getMessage().contains("case-sensitively"), lower.getMessage());
        UsageException none = assertThrows(UsageException.class, () -> UpdateClass.parse("NONE"));
        assertTrue(none.getMessage().contains("NONE"), none.getMessage());
    }

    @Test
    void refusesABlobSignedWithAnotherKey() throws IOException {
        Path foreign = tmp.resolve("foreign.bin");
        Files.write(foreign, TestReleases.signed("02_08_06", TestKeys.test2()));
        PublishRequest req = new PublishRequest(Optional.of(foreign), List.of(UpdateClass.MINOR), Optional.empty(), false,
                Optional.empty(), Optional.empty(), Optional.empty());
        RejectedException e = assertThrows(RejectedException.class, () -> new Publisher(f.opened).publish(req));
        assertTrue(e.getMessage().contains("would be rejected by a device") && e.getMessage().contains("Signature does not verify"), e.getMessage());
        assertFalse(Files.exists(f.opened.layout().blob("02_08_06")));
    }

    @Test
    void refusesATamperedBlob() throws IOException {
        byte[] blob = Files.readAllBytes(f.release("02_08_05"));
        blob[200] ^= 1;
        Path tampered = tmp.resolve("tampered.bin");
        Files.write(tampered, blob);
        PublishRequest req = new PublishRequest(Optional.of(tampered), List.of(UpdateClass.MINOR), Optional.empty(), false,
                Optional.empty(), Optional.empty(), Optional.empty());
        assertThrows(RejectedException.class, () -> new Publisher(f.opened).publish(req));
    }

    @Test
    void refusesAnUnsignedBlobAndAFileThatIsNoBlob() throws IOException {
        Path unsigned = tmp.resolve("unsigned.bin");
        Files.write(unsigned, TestReleases.unsigned("02_08_05", SiteFixture.SIGNER));
        Path text = tmp.resolve("notes.bin");
        Files.writeString(text, "hello");
        for (Path p : List.of(unsigned, text)) {
            PublishRequest req = new PublishRequest(Optional.of(p), List.of(UpdateClass.MINOR), Optional.empty(), false,
                    Optional.empty(), Optional.empty(), Optional.empty());
            assertThrows(RejectedException.class, () -> new Publisher(f.opened).publish(req), p.toString());
        }
    }

    @Test
    void refusesAVersionThatCannotBeOrdered() throws IOException {
        Path odd = tmp.resolve("odd.bin");
        Files.write(odd, TestReleases.signed("2.8.5-rc", SiteFixture.SIGNER));
        PublishRequest req = new PublishRequest(Optional.of(odd), List.of(UpdateClass.BETA), Optional.empty(), false,
                Optional.empty(), Optional.empty(), Optional.empty());
        RejectedException e = assertThrows(RejectedException.class, () -> new Publisher(f.opened).publish(req));
        assertTrue(e.getMessage().contains("MM_mm_pp"), e.getMessage());
    }

    @Test
    void refusesAPubkeyThatIsNotTheSiteKey() throws IOException {
        PublishRequest req = new PublishRequest(Optional.of(f.release("02_08_05")), List.of(UpdateClass.MINOR),
                Optional.of(TestKeys.test2().publicKey()), false, Optional.empty(), Optional.empty(), Optional.empty());
        RejectedException e = assertThrows(RejectedException.class, () -> new Publisher(f.opened).publish(req));
        assertTrue(e.getMessage().contains("is not this site's key"), e.getMessage());
    }

    @Test
    void refusesWhenVersionsJsonWasDamagedByHand() throws IOException {
        Files.writeString(f.opened.layout().versionsJson(), "{\"classes\":{\"MINOR\":\"02_08_04\"}");
        RejectedException e = assertThrows(RejectedException.class, () -> f.publish("02_08_05", "MINOR"));
        assertTrue(e.getMessage().contains("versions.json is not valid JSON"), e.getMessage());
    }

    @Test
    void publishesTablesWhoseOwnVersionMatches() throws IOException {
        f.publishTables(f.tablesFile("t.txt", "1.0.3"), "1.0.3");
        assertTrue(Files.isRegularFile(f.opened.layout().tables("1.0.3")));
        assertTrue(f.versionsJson().contains("\"tables\" : \"1.0.3\""));
        assertTrue(new SiteInspector(f.opened).inspect().consistent());
    }

    @Test
    void refusesTablesWhoseOwnVersionDiffersFromTheAdvertisedOne() throws IOException {
        Path t = f.tablesFile("t.txt", "0.0.8");
        RejectedException e = assertThrows(RejectedException.class, () -> f.publishTables(t, "1.0.3"));
        assertTrue(e.getMessage().contains("reads as version 0.0.8") && e.getMessage().contains("every poll"), e.getMessage());
    }

    @Test
    void refusesTablesVersionsTheDeviceWouldRewrite() throws IOException {
        Path t = f.tablesFile("t.txt", "1.0");
        UsageException e = assertThrows(UsageException.class, () -> f.publishTables(t, "1.0"));
        assertTrue(e.getMessage().contains("1.0.0.txt"), e.getMessage());
    }

    @Test
    void refusesTablesMovingDownAndTablesRepublishedWithOtherContent() throws IOException {
        f.publishTables(f.tablesFile("t.txt", "1.0.3"), "1.0.3");
        assertThrows(RejectedException.class, () -> f.publishTables(f.tablesFile("old.txt", "1.0.2"), "1.0.2"));
        Path changed = f.tablesFile("changed.txt", "1.0.3");
        Files.writeString(changed, Files.readString(changed).replace("11.43", "11.5"));
        RejectedException e = assertThrows(RejectedException.class, () -> f.publishTables(changed, "1.0.3"));
        assertTrue(e.getMessage().contains("already published with different content"), e.getMessage());
    }

    @Test
    void nothingToPublishAndClassWithoutReleaseAreUsageErrors() {
        assertThrows(UsageException.class, () -> new Publisher(f.opened).publish(new PublishRequest(Optional.empty(), List.of(),
                Optional.empty(), false, Optional.empty(), Optional.empty(), Optional.empty())));
        assertThrows(UsageException.class, () -> new Publisher(f.opened).publish(new PublishRequest(Optional.empty(),
                List.of(UpdateClass.MINOR), Optional.empty(), false, Optional.empty(), Optional.empty(), Optional.empty())));
        assertThrows(UsageException.class, () -> new Publisher(f.opened).publish(new PublishRequest(Optional.of(tmp.resolve("x.bin")),
                List.of(), Optional.empty(), false, Optional.empty(), Optional.empty(), Optional.empty())));
    }

    @Test
    @Timeout(30)
    void aPollingReaderNeverSeesAClassPointingAtAMissingBlob() throws Exception {
        List<String> versions = List.of("02_08_05", "02_08_06", "02_08_07", "02_09_00", "02_09_01", "03_00_00");
        for (String v : versions) {
            f.release(v); // sign before the race starts
        }
        SiteLayout layout = f.opened.layout();
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<String> violation = new AtomicReference<>();
        AtomicInteger polls = new AtomicInteger();
        Thread poller = new Thread(() -> {
            while (!done.get() && violation.get() == null) {
                try {
                    VersionsFile v = VersionsFile.parse(Files.readAllBytes(layout.versionsJson()));
                    for (String version : v.classes().values()) {
                        if (!Files.isRegularFile(layout.blob(version)) || Files.size(layout.blob(version)) == 0) {
                            violation.set("class points at " + version + " before its blob is complete");
                        }
                    }
                    polls.incrementAndGet();
                } catch (IOException | IllegalArgumentException e) {
                    violation.set("versions.json read failed mid-publish: " + e);
                }
            }
        });
        poller.start();
        for (String v : versions) {
            f.publish(v, "MINOR,BETA");
        }
        done.set(true);
        poller.join();
        assertEquals(null, violation.get());
        assertTrue(polls.get() > 0);
        assertTrue(f.versionsJson().contains("\"MINOR\" : \"03_00_00\""));
    }

    static String mode(Path p) throws IOException {
        return java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(p, java.nio.file.LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void servedFilesAreWorldReadableAndTheSiteRecordsPrivate() throws IOException {
        f.publish("02_08_05", "MINOR");
        f.publishTables(f.tablesFile("t.txt", "1.0.3"), "1.0.3");
        SiteLayout l = f.opened.layout();
        for (Path file : List.of(l.versionsJson(), l.blob("02_08_05"), l.tables("1.0.3"), l.keyFile())) {
            assertEquals("rw-r--r--", mode(file), file.toString());
        }
        for (Path dir : List.of(l.root(), l.root().resolve("firmware"), l.blobDir(), l.root().resolve("download"), l.tablesDir())) {
            assertEquals("rwxr-xr-x", mode(dir), dir.toString());
        }
        assertEquals("rwx------", mode(l.metaDir()));
        assertEquals("rwx------", mode(l.stagingDir()));
        assertEquals("rw-------", mode(l.historyFile()));
        assertEquals("rw-------", mode(l.lockFile()));
        assertTrue(new SiteInspector(f.opened).inspect().consistent());
    }

    @Test
    void siteCheckReportsAServedFileAWebServerCannotRead() throws IOException {
        f.publish("02_08_05", "MINOR");
        Path blob = f.opened.layout().blob("02_08_05");
        Files.setPosixFilePermissions(blob, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        List<String> problems = new SiteInspector(f.opened).inspect().problems();
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("firmware/bin/02_08_05.bin has mode rw-------")), problems.toString());
    }

    @Test
    void aHistoryWrittenByTheEarlierFormatIsReadAndAgreesWithItsVersionsJson() throws Exception {
        Path fixture = Path.of(getClass().getResource("/site-v1/.iotasign/history.jsonl").toURI());
        byte[] versions = Files.readAllBytes(fixture.getParent().getParent().resolve("firmware/versions.json"));
        List<com.fasterxml.jackson.databind.node.ObjectNode> entries = History.read(fixture);
        assertEquals(4, entries.size());
        assertEquals("02_08_05 breaks CT calibration", entries.get(3).path("reason").asText());
        assertTrue(entries.get(3).path("rollback").asBoolean());
        assertEquals(History.Agreement.AGREES, History.agreement(entries, versions, VersionsFile.empty().toBytes()));
        byte[] edited = new String(versions).replace("02_08_06", "02_08_07").getBytes();
        assertEquals(History.Agreement.DISAGREES, History.agreement(entries, edited, VersionsFile.empty().toBytes()));
    }

    @Test
    void everyPublishRecordsTheVersionsJsonItLeavesBeforeWritingIt() throws IOException {
        f.publish("02_08_05", "MINOR");
        SiteLayout l = f.opened.layout();
        String line = Files.readAllLines(l.historyFile()).get(0);
        assertTrue(line.contains("\"versions_after\":\"" + Hashes.sha256Hex(Files.readAllBytes(l.versionsJson())) + "\""), line);
        assertTrue(line.contains("\"versions_before\":\"" + Hashes.sha256Hex(VersionsFile.empty().toBytes()) + "\""), line);
    }

    @Test
    void aPublishKilledAfterItsHistoryLineIsReportedThenRecordedAsNotDoneByTheNextPublish() throws IOException {
        f.publish("02_08_05", "MINOR");
        SiteLayout l = f.opened.layout();
        byte[] versions = Files.readAllBytes(l.versionsJson());
        // The state a kill leaves between the history line and the rename of versions.json.
        String intent = "{\"time\":\"2026-12-01T00:00:00Z\",\"action\":\"publish\",\"classes\":{\"MINOR\":{\"from\":\"02_08_05\",\"to\":\"02_08_06\"}},"
                + "\"versions_before\":\"" + Hashes.sha256Hex(versions) + "\",\"versions_after\":\"" + "00".repeat(32) + "\"}\n";
        Files.writeString(l.historyFile(), intent, java.nio.file.StandardOpenOption.APPEND);
        Files.writeString(l.historyFile(), "{\"time\":\"2026-12-01T00:00:01Z\",\"acti", java.nio.file.StandardOpenOption.APPEND); // torn
        List<String> problems = new SiteInspector(f.opened).inspect().problems();
        assertTrue(problems.stream().anyMatch(p -> p.contains("recorded at 2026-12-01T00:00:00Z") && p.contains("interrupted")), problems.toString());
        PublishResult r = f.publish("02_08_06", "BETA");
        assertTrue(r.notes().stream().anyMatch(n -> n.contains("recorded in the history as not done")), r.notes().toString());
        List<String> lines = Files.readAllLines(l.historyFile());
        assertEquals(4, lines.size(), lines.toString());
        assertTrue(lines.get(2).contains("\"action\":\"interrupted\"") && lines.get(2).contains("\"of\":\"2026-12-01T00:00:00Z\""), lines.get(2));
        assertTrue(lines.get(3).contains("\"BETA\""), "the torn line is cut off, the new line starts on its own");
        assertTrue(new SiteInspector(f.opened).inspect().consistent(), new SiteInspector(f.opened).inspect().problems().toString());
    }

    @Test
    void leftoversOfAKilledPublishAreReportedAndRemovedByTheNextPublish() throws IOException {
        SiteLayout l = f.opened.layout();
        Path staged = Files.write(l.stagingDir().resolve("release-123.bin"), new byte[] {1});
        Path temp = Files.write(l.blobDir().resolve(".02_08_05.bin.456.tmp"), new byte[] {2});
        Path tempVersions = Files.write(l.root().resolve("firmware/.versions.json.789.tmp"), new byte[] {3});
        List<String> problems = new SiteInspector(f.opened).inspect().problems();
        for (Path p : List.of(staged, temp, tempVersions)) {
            assertTrue(problems.contains(l.relative(p) + " was left by an interrupted publish: the next publish removes it"), problems.toString());
        }
        PublishResult r = f.publish("02_08_05", "MINOR");
        for (Path p : List.of(staged, temp, tempVersions)) {
            assertFalse(Files.exists(p), p.toString());
            assertTrue(r.notes().contains("removed " + l.relative(p) + ", left by an interrupted publish"), r.notes().toString());
        }
        assertTrue(new SiteInspector(f.opened).inspect().consistent());
    }
}
