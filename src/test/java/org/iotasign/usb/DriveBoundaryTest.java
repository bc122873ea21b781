package org.iotasign.usb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import org.iotasign.ledger.Ledger;
import org.iotasign.release.ReleaseLayout;
import org.iotasign.signing.Operator;
import org.iotasign.testing.Digests;
import org.iotasign.testing.SigningFixture;
import org.iotasign.token.SoftHsmFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The drive is a boundary: links anywhere below its root, names that are too long and
 * versions that look like paths, each planted on a real temporary folder with a canary
 * folder outside it that must stay untouched (contents and modification times), with a
 * real SoftHSM2 token signing.
 */
@Tag(SoftHsmFixture.TAG)
@Timeout(60)
class DriveBoundaryTest {
    static SigningFixture f;

    @TempDir
    Path dir;

    final StringWriter text = new StringWriter();
    final PrintWriter out = new PrintWriter(text, true);

    @BeforeAll
    static void token() throws IOException {
        f = SigningFixture.create(DriveBoundaryTest.class);
    }

    @AfterAll
    static void close() {
        f.close();
    }

    /** Each test starts a ledger of its own on the one token: the token's ledger anchor starts afresh too. */
    @BeforeEach
    void freshLedgerAnchor() {
        f.forgetLedgerAnchor();
    }

    Path ledger() {
        return dir.resolve("home/ledger.jsonl");
    }

    DriveReport run(Path drive) {
        return new DriveProcessor(f.desk(ledger()), Operator.unattended(), out).process(drive);
    }

    /** A folder outside the drive laid out like a drive's iotasign folder, holding a valid blob. */
    Path canary() throws IOException {
        Path canary = dir.resolve("canary");
        Files.createDirectories(canary.resolve("outbox"));
        Files.createDirectories(canary.resolve("signed"));
        Files.createDirectories(canary.resolve("rejected"));
        Files.write(canary.resolve("outbox/02_08_09.unsigned"), f.release("02_08_09"));
        Files.write(canary.resolve("secret.unsigned"), f.release("02_08_08"));
        return canary;
    }

    Path drive(String... versions) throws IOException {
        Path drive = dir.resolve("DRIVE");
        Files.createDirectories(new DriveLayout(drive).outbox());
        for (String v : versions) {
            Files.write(new DriveLayout(drive).outbox().resolve(v + ".unsigned"), f.release(v));
        }
        return drive;
    }

    /** Every entry under {@code folder} (links not followed) with its kind, content hash and modification time. */
    static Map<String, String> snapshot(Path folder) throws IOException {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(folder)) {
            for (Path p : s.toList()) {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                String content = a.isRegularFile() ? HexFormat.of().formatHex(Digests.sha256(Files.readAllBytes(p)))
                        : a.isSymbolicLink() ? "link:" + Files.readSymbolicLink(p) : a.isDirectory() ? "dir" : "other";
                m.put(folder.relativize(p).toString(), content + " " + a.lastModifiedTime().toMillis());
            }
        }
        return m;
    }

    void assertNothingSigned() {
        assertFalse(Files.exists(ledger()) && !new Ledger(ledger()).records().isEmpty(), "no ledger record: " + text);
    }

    @Test
    void aDriveWhoseIotasignFolderIsALinkIsNeitherReadNorWritten() throws IOException {
        Path canary = canary();
        Path drive = Files.createDirectories(dir.resolve("DRIVE"));
        Files.createSymbolicLink(drive.resolve("iotasign"), canary);
        Map<String, String> before = snapshot(canary);
        DriveReport report = run(drive);
        assertTrue(report.fault().orElseThrow().contains("iotasign is a symbolic link"), report.fault().orElseThrow());
        assertTrue(report.fault().get().contains("nothing was read or written"), report.fault().get());
        assertEquals(before, snapshot(canary), "the canary outside the drive is untouched");
        assertNothingSigned();
    }

    @Test
    void anOutboxThatIsALinkIsNeitherReadNorWritten() throws IOException {
        Path canary = canary();
        Path drive = dir.resolve("DRIVE");
        Files.createDirectories(new DriveLayout(drive).base());
        Files.createSymbolicLink(new DriveLayout(drive).outbox(), canary.resolve("outbox"));
        Map<String, String> before = snapshot(canary);
        DriveReport report = run(drive);
        assertTrue(report.fault().orElseThrow().contains("outbox is a symbolic link"), report.fault().orElseThrow());
        assertEquals(before, snapshot(canary));
        assertNothingSigned();
    }

    @Test
    void signedOrRejectedFoldersThatAreLinksStopThePassBeforeAnythingIsSignedOrWritten() throws IOException {
        Path canary = canary();
        for (String output : List.of(DriveLayout.SIGNED, DriveLayout.REJECTED)) {
            Path drive = dir.resolve("DRIVE-" + output);
            Files.createDirectories(new DriveLayout(drive).outbox());
            Files.write(new DriveLayout(drive).outbox().resolve("02_08_05.unsigned"), f.release("02_08_05"));
            Files.write(new DriveLayout(drive).outbox().resolve("bad.unsigned"), new byte[] {1, 2, 3});
            Files.createSymbolicLink(new DriveLayout(drive).base().resolve(output), canary.resolve(output));
            Map<String, String> before = snapshot(canary);
            DriveReport report = run(drive);
            assertTrue(report.fault().orElseThrow().contains(output + " is a symbolic link"), report.fault().orElseThrow());
            assertTrue(report.fault().get().contains("nothing was signed"), report.fault().get());
            assertEquals(before, snapshot(canary), output);
            assertNothingSigned();
        }
    }

    @Test
    void theWatcherHandsOnADriveWhoseOutboxIsALinkSoThePassReportsIt() throws IOException {
        Path canary = canary();
        Path root = Files.createDirectories(dir.resolve("media/op"));
        Path drive = root.resolve("STICK");
        Files.createDirectories(new DriveLayout(drive).base());
        Files.createSymbolicLink(new DriveLayout(drive).outbox(), canary.resolve("outbox"));
        Map<String, String> before = snapshot(canary);
        assertEquals(List.of(drive), new DriveWatcher(List.of(root), java.time.Duration.ofMillis(20), out).mounted());
        assertTrue(run(drive).fault().orElseThrow().contains("outbox is a symbolic link"));
        assertEquals(before, snapshot(canary));
    }

    @Test
    void outboxEntriesThatAreLinksOffTheDriveAreIgnoredAndThePassGoesOn() throws Exception {
        Path canary = canary();
        Path outside = dir.resolve("outside-fifo");
        mkfifo(outside); // Opening it would block: a followed link hangs the test instead of passing.
        Path drive = drive("02_08_05");
        DriveLayout layout = new DriveLayout(drive);
        Files.createSymbolicLink(layout.outbox().resolve("secret.unsigned"), canary.resolve("secret.unsigned"));
        Files.createSymbolicLink(layout.outbox().resolve("fifo-link.unsigned"), outside);
        Files.createSymbolicLink(layout.outbox().resolve("dangling.unsigned"), dir.resolve("nowhere"));
        mkfifo(layout.outbox().resolve("pipe.unsigned"));
        Map<String, String> before = snapshot(canary);
        DriveReport report = run(drive);
        assertTrue(report.isSafeToRemove(), text.toString());
        assertEquals(1, report.count(DriveReport.Result.SIGNED), text.toString());
        assertEquals(4, report.count(DriveReport.Result.IGNORED), text.toString());
        for (String link : List.of("secret.unsigned", "fifo-link.unsigned", "dangling.unsigned")) {
            assertTrue(text.toString().contains("\"" + link + "\" is a symbolic link (never followed)"), text.toString());
            assertTrue(Files.readString(layout.reason(link)).contains("verdict      ignored"));
        }
        assertTrue(text.toString().contains("\"pipe.unsigned\" is a special file"), text.toString());
        assertFalse(Files.exists(layout.signedBlob("02_08_08")), "the link's target was not signed");
        assertEquals(before, snapshot(canary));
    }

    @Test
    void aBlobSwappedForALinkBetweenCheckAndOpenIsNeverFollowed() throws Exception {
        Path canary = canary();
        Path drive = drive();
        DriveLayout layout = new DriveLayout(drive);
        Path name = layout.outbox().resolve("flip.unsigned");
        Files.write(name, f.release("02_08_05"));
        Map<String, String> before = snapshot(canary);
        AtomicBoolean stop = new AtomicBoolean();
        Thread flipper = new Thread(() -> {
            // Atomic renames: the name always exists, alternately a regular file and a link off the drive.
            Path file = layout.outbox().resolve(".file");
            Path link = layout.outbox().resolve(".link");
            try {
                byte[] blob = f.release("02_08_05");
                while (!stop.get()) {
                    Files.createSymbolicLink(link, canary.resolve("secret.unsigned"));
                    Files.move(link, name, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                    Files.write(file, blob);
                    Files.move(file, name, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        flipper.start();
        int asLink = 0;
        int asFile = 0;
        try {
            for (int pass = 0; pass < 300 && (asLink < 5 || asFile < 5); pass++) {
                text.getBuffer().setLength(0);
                DriveReport report = run(drive);
                assertTrue(report.isSafeToRemove(), "pass " + pass + ": " + text);
                asLink += (int) report.count(DriveReport.Result.IGNORED) + (int) report.count(DriveReport.Result.ALREADY_REJECTED);
                asFile += (int) (report.count(DriveReport.Result.SIGNED) + report.count(DriveReport.Result.ALREADY_SIGNED));
                assertFalse(Files.exists(layout.signedBlob("02_08_08")), "the link's target was never signed: " + text);
            }
        } finally {
            stop.set(true);
            flipper.join(10_000);
        }
        assertTrue(asLink >= 5 && asFile >= 5, "the race was exercised both ways: " + asLink + " as link, " + asFile + " as file");
        assertEquals(before, snapshot(canary));
    }

    @Test
    void aVeryLongNameGetsABoundedReasonFileAndLaterPassesAreNotBlocked() throws IOException {
        Path drive = drive("02_08_05");
        DriveLayout layout = new DriveLayout(drive);
        String longName = "x".repeat(224) + DriveLayout.INPUT_SUFFIX; // 233 bytes: near the 255 a name may have
        String longFolder = "y".repeat(240) + DriveLayout.INPUT_SUFFIX;
        Files.write(layout.outbox().resolve(longName), new byte[] {1, 2, 3}); // refused: not a blob
        Files.createDirectory(layout.outbox().resolve(longFolder)); // ignored: a folder
        DriveReport first = run(drive);
        assertTrue(first.isSafeToRemove(), text.toString());
        assertEquals(1, first.count(DriveReport.Result.SIGNED));
        assertEquals(1, first.count(DriveReport.Result.REFUSED), text.toString());
        assertEquals(1, first.count(DriveReport.Result.IGNORED), text.toString());
        for (String n : List.of(longName, longFolder)) {
            String reason = DriveLayout.reasonName(n);
            assertTrue(reason.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= 200, reason);
            assertTrue(reason.matches(".*~[0-9a-f]{12}\\.reason\\.txt"), reason);
            assertTrue(Files.readString(layout.rejected().resolve(reason)).contains("input        " + n), "the reason names the input in full");
        }
        assertTrue(text.toString().contains("rejected/" + DriveLayout.reasonName(longName)), text.toString());
        Files.write(layout.outbox().resolve("02_08_06.unsigned"), f.release("02_08_06"));
        DriveReport second = run(drive);
        assertTrue(second.isSafeToRemove(), text.toString());
        assertEquals(1, second.count(DriveReport.Result.SIGNED), "a later blob is signed: " + text);
        assertEquals(2, second.count(DriveReport.Result.ALREADY_REJECTED) + second.count(DriveReport.Result.IGNORED), text.toString());
        String wide = DriveLayout.reasonName("\u00e9".repeat(120) + DriveLayout.INPUT_SUFFIX); // 2 bytes a character
        assertTrue(wide.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= 200 && wide.startsWith("\u00e9".repeat(83) + "~"), wide);
        assertEquals(DriveLayout.reasonName("a".repeat(170) + "1.unsigned").length(), DriveLayout.reasonName("a".repeat(170) + "2.unsigned").length());
        assertFalse(DriveLayout.reasonName("a".repeat(190) + "1.unsigned").equals(DriveLayout.reasonName("a".repeat(190) + "2.unsigned")),
                "two long names that share their start get two reason files");
    }

    @Test
    void headerVersionsThatLookLikePathsAreRefusedBeforeAnyPathIsMadeOfThem() throws IOException {
        Path canary = canary();
        Path drive = drive("02_08_05");
        DriveLayout layout = new DriveLayout(drive);
        // Plant what a path made of the version would reach: the old code read these.
        Files.createDirectories(layout.base().resolve("x"));
        Files.write(drive.resolve("..bin"), new byte[] {9});
        for (String version : List.of("../../..", "/tmp/abc", "..\\..\\xy", "signed/x")) {
            byte[] blob = f.release("02_08_07");
            System.arraycopy(version.getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, blob, 8, ReleaseLayout.VERSION_LENGTH);
            Files.write(layout.outbox().resolve("v" + Integer.toHexString(version.hashCode()) + ".unsigned"), blob);
            assertThrows(IllegalArgumentException.class, () -> DriveLayout.signedBlobName(version));
        }
        Map<String, String> canaryBefore = snapshot(canary);
        Map<String, String> outboxBefore = snapshot(layout.outbox());
        DriveReport report = run(drive);
        assertTrue(report.isSafeToRemove(), text.toString());
        assertEquals(1, report.count(DriveReport.Result.SIGNED), text.toString());
        assertEquals(4, report.count(DriveReport.Result.REFUSED), text.toString());
        report.items().stream().filter(i -> i.result() == DriveReport.Result.REFUSED)
                .forEach(i -> assertTrue(i.detail().contains("release version"), i.detail()));
        try (Stream<Path> s = Files.list(layout.signed())) {
            assertEquals(List.of("02_08_05.bin", "02_08_05.bin.receipt.json"), s.map(p -> p.getFileName().toString()).sorted().toList());
        }
        assertEquals(canaryBefore, snapshot(canary));
        assertEquals(outboxBefore, snapshot(layout.outbox()));
        assertEquals(1, Files.size(drive.resolve("..bin")));
    }

    /**
     * A real {@code iotasign usb} process with an empty environment: with no locale Java
     * decodes every non-ASCII byte of a name to U+FFFD, which once stopped the whole pass.
     * Names are created from raw bytes by the shell, not by this JVM.
     */
    @Test
    void namesThatCannotBeDecodedAreIgnoredWithAReasonWhateverTheLocale() throws Exception {
        Path drive = drive("02_08_05");
        DriveLayout layout = new DriveLayout(drive);
        Path notUtf8 = Files.write(dir.resolve("b1"), f.release("02_08_06"));
        Path utf8 = Files.write(dir.resolve("b2"), f.release("02_08_07"));
        Process sh = new ProcessBuilder("sh", "-c", "cd \"$1\" && cp \"$2\" \"$(printf 'bad\\377.unsigned')\" "
                + "&& cp \"$3\" \"$(printf 'caf\\303\\251.unsigned')\"", "sh", layout.outbox().toString(), notUtf8.toString(),
                utf8.toString()).inheritIO().start();
        assertTrue(sh.waitFor(10, TimeUnit.SECONDS) && sh.exitValue() == 0);

        ProcessResult noLocale = usb(drive, Map.of());
        assertEquals(1, noLocale.exit(), noLocale::toString);
        assertFalse(noLocale.all().contains("internal error") || noLocale.all().contains("Exception"), noLocale::toString);
        assertTrue(noLocale.out().contains("1 signed") && noLocale.out().contains("2 ignored"), noLocale::toString);
        assertTrue(noLocale.out().contains("cannot be decoded"), noLocale::toString);
        assertTrue(Files.exists(layout.signedBlob("02_08_05")));
        try (Stream<Path> s = Files.list(layout.rejected())) {
            List<String> reasons = s.map(p -> p.getFileName().toString()).sorted().toList();
            assertEquals(2, reasons.size(), reasons::toString);
            reasons.forEach(r -> assertTrue(r.matches("undecodable-name~[0-9a-f]{12}\\.reason\\.txt"), r));
        }

        ProcessResult utf8Locale = usb(drive, Map.of("LC_CTYPE", "C.UTF-8")); // what the launchers set
        assertEquals(1, utf8Locale.exit(), utf8Locale::toString);
        assertTrue(utf8Locale.out().contains("1 signed") && utf8Locale.out().contains("1 ignored"), utf8Locale::toString);
        assertTrue(Files.exists(layout.signedBlob("02_08_07")), "a UTF-8 name is read in a UTF-8 locale");
        assertFalse(Files.exists(layout.signedBlob("02_08_06")), "a name that is not UTF-8 never is");
    }

    record ProcessResult(int exit, String out, String err) {
        String all() {
            return out + err;
        }
    }

    ProcessResult usb(Path drive, Map<String, String> locale) throws Exception {
        ProcessBuilder pb = org.iotasign.testing.IotasignProcess.builder(Map.of(), List.of("usb", "--drive", drive.toString(),
                "--yes", "--key", f.hsm.uri(SigningFixture.TOKEN, "release"), "--ledger", ledger().toString()));
        pb.environment().clear();
        pb.environment().put("SOFTHSM2_CONF", f.hsm.conf().toString());
        pb.environment().put("IOTASIGN_HOME", dir.resolve("home").toString());
        pb.environment().put("IOTASIGN_PIN", SoftHsmFixture.USER_PIN);
        pb.environment().putAll(locale);
        Path outFile = dir.resolve("out.txt");
        Path errFile = dir.resolve("err.txt");
        Process p = pb.redirectOutput(outFile.toFile()).redirectError(errFile.toFile()).start();
        if (!p.waitFor(40, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("iotasign usb did not finish: " + Files.readString(outFile));
        }
        return new ProcessResult(p.exitValue(), Files.readString(outFile, java.nio.charset.StandardCharsets.ISO_8859_1),
                Files.readString(errFile, java.nio.charset.StandardCharsets.ISO_8859_1));
    }

    static void mkfifo(Path p) throws Exception {
        Process mkfifo = new ProcessBuilder("mkfifo", p.toString()).start();
        assertTrue(mkfifo.waitFor(10, TimeUnit.SECONDS) && mkfifo.exitValue() == 0);
    }
}
