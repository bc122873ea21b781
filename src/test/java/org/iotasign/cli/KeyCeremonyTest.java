package org.iotasign.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.iotasign.crypto.Ed25519PublicKey;
import org.iotasign.crypto.SoftwareEd25519Signer;
import org.iotasign.keybackup.KeyShare;
import org.iotasign.keybackup.SeedShares;
import org.iotasign.keybackup.ShareCode;
import org.iotasign.keybackup.ShareFile;
import org.iotasign.ledger.Ledger;
import org.iotasign.ledger.LedgerRecord;
import org.iotasign.testing.Cli;
import org.iotasign.testing.IotasignProcess;
import org.iotasign.testing.TestReleases;
import org.iotasign.token.SoftHsmFixture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The split-key ceremony end to end on real SoftHSM2 tokens, every command a separate
 * process whose home, working folder, temporary folder and token store lie in one folder
 * that is then scanned for the seed. This JVM never loads SoftHSM, so a token can be deleted
 * between two commands as it would be in life.
 */
@Tag(SoftHsmFixture.TAG)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KeyCeremonyTest {
    static SoftHsmFixture fx;
    static Path root;
    static Path conf;
    static Path pin;
    static Path ledgerPath;
    static List<Path> usb = new ArrayList<>();
    static Run ceremony;

    record Run(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- out\n" + out + "--- err\n" + err;
        }
    }

    @BeforeAll
    static void ceremony() throws Exception {
        fx = SoftHsmFixture.create(KeyCeremonyTest.class);
        root = fx.dir().resolve("laptop");
        Path tokens = Files.createDirectories(root.resolve("tokens"));
        Files.createDirectories(root.resolve("home/iotasign"));
        Files.createDirectories(root.resolve("work"));
        Files.createDirectories(root.resolve("tmp"));
        conf = Files.writeString(root.resolve("softhsm2.conf"), "directories.tokendir = " + tokens
                + "\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n");
        pin = Files.writeString(root.resolve("user.pin"), SoftHsmFixture.USER_PIN + "\n");
        ledgerPath = root.resolve("home/iotasign/ledger.jsonl");
        initToken("alpha");
        initToken("beta");
        List<String> args = new ArrayList<>(List.of("key", "ceremony", "--key", uri("alpha"), "--also-token", uri("beta"),
                "--shares", "5", "--threshold", "3", "--show"));
        for (int i = 1; i <= 5; i++) {
            // Outside the scanned laptop folder: these stand for five USB drives.
            usb.add(Files.createDirectories(fx.dir().resolve("usb" + i)));
            args.addAll(List.of("--share-dir", usb.get(i - 1).toString()));
        }
        ceremony = iotasign(args, "");
        assertEquals(0, ceremony.exit(), ceremony::toString);
    }

    static String uri(String token) {
        return "pkcs11:token=" + token + ";object=release?pin-source=file:" + pin;
    }

    static void initToken(String label) throws IOException {
        SoftHsmFixture.Result r = fx.runAllowingFailure(List.of("softhsm2-util", "--init-token", "--free", "--label", label,
                "--so-pin", SoftHsmFixture.SO_PIN, "--pin", SoftHsmFixture.USER_PIN), Map.of("SOFTHSM2_CONF", conf.toString()));
        assertEquals(0, r.exit(), r.output());
    }

    /** iotasign in its own process, with home, working folder, temporary folder and tokens under {@link #root}. */
    static Run iotasign(List<String> args, String stdin) throws Exception {
        Map<String, String> env = Map.of("HOME", root.resolve("home").toString(), "IOTASIGN_HOME", root.resolve("home/iotasign").toString(),
                "SOFTHSM2_CONF", conf.toString(), "TMPDIR", root.resolve("tmp").toString());
        ProcessBuilder pb = IotasignProcess.builder(env, List.of("-Djava.io.tmpdir=" + root.resolve("tmp")), args);
        pb.directory(root.resolve("work").toFile());
        Process p = pb.start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.US_ASCII));
        }
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread drain = new Thread(() -> {
            try (InputStream e = p.getErrorStream()) {
                e.transferTo(err);
            } catch (IOException ignored) {
                // The exit code tells.
            }
        });
        drain.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("iotasign " + args.get(0) + " did not finish in 120 s");
        }
        drain.join();
        return new Run(p.exitValue(), out, err.toString(StandardCharsets.UTF_8));
    }

    static Path shareFile(int index) throws IOException {
        try (Stream<Path> s = Files.list(usb.get(index - 1))) {
            List<Path> files = s.toList();
            assertEquals(1, files.size(), "one share file per medium: " + files);
            return files.get(0);
        }
    }

    static byte[] rebuiltSeed() throws IOException {
        List<SeedShares.NamedShare> three = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            three.add(new SeedShares.NamedShare("usb" + i, ShareFile.read(shareFile(i))));
        }
        return SeedShares.combine(three);
    }

    static Ed25519PublicKey publicKey() throws IOException {
        return new SoftwareEd25519Signer(rebuiltSeed()).publicKey();
    }

    static List<LedgerRecord> ledger() {
        return new Ledger(ledgerPath).records();
    }

    @Test
    @Order(1)
    void eachShareLandsOnItsOwnMediumAndTheLedgerRecordsTheCeremonyButNoShare() throws Exception {
        Ed25519PublicKey key = publicKey();
        LedgerRecord c = ledger().get(0);
        assertEquals(LedgerRecord.Outcome.CEREMONY, c.outcome());
        assertEquals(key.hex(), c.publicKey());
        assertEquals(key.fingerprint(), c.key());
        assertEquals(3, c.keyEvent().threshold());
        assertEquals(5, c.keyEvent().shares());
        assertEquals(List.of(1, 2, 3, 4, 5), c.keyEvent().shareIndexes());
        assertEquals(List.of("alpha", "beta"), c.keyEvent().tokens().stream().map(LedgerRecord.TokenWritten::label).toList());
        String ledgerText = Files.readString(ledgerPath);
        for (int i = 1; i <= 5; i++) {
            KeyShare s = ShareFile.read(shareFile(i));
            assertEquals(c.keyEvent().ceremonyId(), s.ceremonyId());
            assertEquals(i, s.index());
            String code = ShareCode.encode(s);
            assertFalse(ledgerText.contains(code) || ledgerText.contains(code.replace("-", "")), "the ledger holds no share");
            assertTrue(ceremony.out().contains("share " + i + " of 5 written and read back: " + shareFile(i)), ceremony.out());
            // --show: the code on screen in lines of at most six groups.
            assertTrue(ceremony.out().contains("    " + code.substring(0, 29) + "\n"), ceremony.out());
        }
        assertTrue(ceremony.out().contains("fingerprint " + key.fingerprint()), ceremony.out());
    }

    @Test
    @Order(2)
    void theSeedIsNeverWrittenToAnyFile() throws Exception {
        byte[] seed = rebuiltSeed();
        List<byte[]> needles = needles(seed);
        List<Path> scanned = scan(root, needles);
        assertTrue(scanned.size() > 5, "the scan covers the token store, ledger and the rest: " + scanned);
        assertTrue(scanned.stream().anyMatch(p -> p.startsWith(root.resolve("tokens"))), "the token store is scanned too");
        assertTrue(scanned.contains(ledgerPath));
        for (Path drive : usb) {
            assertEquals(1, scan(drive, needles).size(), "a share drive holds its share file and nothing else");
        }
        // The scanner finds the seed where it is: a control, so a broken scan cannot pass.
        Path control = Files.createDirectories(fx.dir().resolve("control"));
        for (byte[] n : needles) {
            Path planted = Files.write(control.resolve("planted"), concat("x".getBytes(), n, "y".getBytes()));
            assertTrue(containsAny(Files.readAllBytes(planted), needles));
        }
        Arrays.fill(seed, (byte) 0);
    }

    @Test
    @Order(3)
    void bothTokensSignByteIdenticallyWithoutTheExtractableOverride() throws Exception {
        Ed25519PublicKey key = publicKey();
        Path unsigned = Files.write(root.resolve("work/02_09_01.unsigned"), TestReleases.unsigned("02_09_01", List.of(key), 16 * 1024));
        Run a = iotasign(List.of("sign", "--key", uri("alpha"), unsigned.toString(), "-o", root.resolve("work/alpha.bin").toString()), "");
        assertEquals(0, a.exit(), a::toString);
        assertTrue(a.out().contains("key born     born in ceremony " + ledger().get(0).keyEvent().ceremonyId()), a.out());
        Run b = iotasign(List.of("sign", "--key", uri("beta"), unsigned.toString(), "-o", root.resolve("work/beta.bin").toString()), "");
        assertEquals(0, b.exit(), b::toString);
        byte[] fromAlpha = Files.readAllBytes(root.resolve("work/alpha.bin"));
        assertArrayEquals(fromAlpha, Files.readAllBytes(root.resolve("work/beta.bin")));
        byte[] digest = org.iotasign.testing.Digests.sha256(Files.readAllBytes(unsigned));
        assertArrayEquals(new SoftwareEd25519Signer(rebuiltSeed()).sign(digest),
                Arrays.copyOfRange(fromAlpha, fromAlpha.length - 64, fromAlpha.length), "the token signs as the seed does");

        Run list = iotasign(List.of("key", "list", "--key", "pkcs11:token=beta?pin-source=file:" + pin), "");
        assertEquals(0, list.exit(), list::toString);
        assertTrue(list.out().contains("born in ceremony " + ledger().get(0).keyEvent().ceremonyId()), list.out());
        assertTrue(list.out().contains("not extractable") && list.out().contains("sensitive"), list.out());
    }

    @Test
    @Order(4)
    void aKeyImportedOutsideACeremonyStillNeedsTheOverride() throws Exception {
        initToken("other");
        Path seedFile = root.resolve("work/seed.hex");
        Files.writeString(seedFile, HexFormat.of().formatHex(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18,
                19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32}));
        Run imp = iotasign(List.of("key", "import-seed", "--key", uri("other"), "--seed", seedFile.toString()), "");
        assertEquals(0, imp.exit(), imp::toString);
        Files.delete(seedFile);
        Ed25519PublicKey other = Ed25519PublicKey.fromHex(imp.out().replaceAll("(?s).*public key ([0-9a-f]{64}).*", "$1"));
        Path unsigned = Files.write(root.resolve("work/other.unsigned"), TestReleases.unsigned("02_09_05", List.of(other), 16 * 1024));
        Run r = iotasign(List.of("sign", "--key", uri("other"), unsigned.toString(), "-o", root.resolve("work/other.bin").toString()), "");
        assertEquals(1, r.exit(), r::toString);
        assertTrue(r.err().contains("--allow-extractable-key"), r.err());
    }

    @Test
    @Order(5)
    void afterItsTokenIsDeletedTheKeyIsRestoredFromThreeSharesIntoAFreshTokenAndSignsIdentically() throws Exception {
        SoftHsmFixture.Result del = fx.runAllowingFailure(List.of("softhsm2-util", "--delete-token", "--token", "alpha"),
                Map.of("SOFTHSM2_CONF", conf.toString()));
        assertEquals(0, del.exit(), del.output());
        initToken("gamma");
        String typed = Files.readAllLines(shareFile(5)).get(4).substring("code      ".length()).toLowerCase() + "\n";
        Run restore = iotasign(List.of("key", "restore", "--key", uri("gamma"), "--share", shareFile(2).toString(),
                "--share", shareFile(4).toString(), "--share", "-"), typed);
        assertEquals(0, restore.exit(), restore::toString);
        LedgerRecord last = ledger().get(ledger().size() - 1);
        assertEquals(LedgerRecord.Outcome.RESTORE, last.outcome());
        assertEquals(List.of(2, 4, 5), last.keyEvent().shareIndexes());
        assertEquals("gamma", last.keyEvent().tokens().get(0).label());
        assertEquals(publicKey().hex(), last.publicKey());

        Path unsigned = root.resolve("work/02_09_01.unsigned");
        Run g = iotasign(List.of("sign", "--key", uri("gamma"), unsigned.toString(), "-o", root.resolve("work/gamma.bin").toString()), "");
        assertEquals(0, g.exit(), g::toString);
        assertTrue(g.out().contains("key born     restored from shares of ceremony"), g.out());
        assertArrayEquals(Files.readAllBytes(root.resolve("work/beta.bin")), Files.readAllBytes(root.resolve("work/gamma.bin")));
        scan(root, needles(rebuiltSeed())); // the restore wrote no seed either
    }

    @Test
    @Order(6)
    void aDrillRebuildsAndChecksWithoutImportingAndRefusesBadShares() throws Exception {
        int before = ledger().size();
        Cli.Result ok = Cli.run("key", "drill", "--ledger", ledgerPath.toString(), "--share", shareFile(5).toString(),
                "--share", shareFile(1).toString(), "--share", shareFile(3).toString());
        assertEquals(0, ok.exit(), ok::toString);
        assertTrue(ok.out().startsWith("drill passed: shares [5, 1, 3] of ceremony"), ok.out());
        LedgerRecord d = ledger().get(before);
        assertEquals(LedgerRecord.Outcome.DRILL, d.outcome());
        assertEquals(List.of(), d.keyEvent().tokens());

        Path damaged = fx.dir().resolve("damaged.txt");
        String text = Files.readString(shareFile(2));
        int at = text.indexOf("code      ") + 30;
        Files.writeString(damaged, text.substring(0, at) + (text.charAt(at) == 'Q' ? 'R' : 'Q') + text.substring(at + 1));
        Cli.Result bad = Cli.run("key", "drill", "--ledger", ledgerPath.toString(), "--share", shareFile(1).toString(),
                "--share", damaged.toString(), "--share", shareFile(3).toString());
        assertEquals(1, bad.exit(), bad::toString);
        assertTrue(bad.err().contains(damaged + ": the share fails its checksum"), bad.err());
        assertEquals(1, bad.err().strip().lines().count(), bad.err());

        Path foreign = Path.of("src/test/resources/keybackup/format-1/iotasign-share-0ZB2-9XXJ-1-of-5.txt");
        Cli.Result mixed = Cli.run("key", "drill", "--ledger", ledgerPath.toString(), "--share", shareFile(1).toString(),
                "--share", foreign.toString(), "--share", shareFile(3).toString());
        assertEquals(1, mixed.exit(), mixed::toString);
        assertTrue(mixed.err().contains("is a share of ceremony 0ZB2-9XXJ") && mixed.err().contains("give shares of one ceremony only"),
                mixed.err());

        Cli.Result few = Cli.run("key", "drill", "--ledger", ledgerPath.toString(), "--share", shareFile(1).toString(),
                "--share", shareFile(3).toString());
        assertEquals(1, few.exit(), few::toString);
        assertTrue(few.err().contains("needs 3 of its 5"), few.err());

        // Shares of a ceremony this ledger never saw: the fingerprint must come from the paper record.
        List<String> fixture = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            fixture.addAll(List.of("--share", "src/test/resources/keybackup/format-1/iotasign-share-0ZB2-9XXJ-" + i + "-of-5.txt"));
        }
        List<String> args = new ArrayList<>(List.of("key", "drill", "--ledger", ledgerPath.toString()));
        args.addAll(fixture);
        Cli.Result unknown = Cli.run(args.toArray(String[]::new));
        assertEquals(2, unknown.exit(), unknown::toString);
        assertTrue(unknown.err().contains("has no record of ceremony 0ZB2-9XXJ: pass --expect-fingerprint"), unknown.err());
        args.addAll(List.of("--expect-fingerprint", "0000-0000-0000-0000"));
        Cli.Result wrong = Cli.run(args.toArray(String[]::new));
        assertEquals(1, wrong.exit(), wrong::toString);
        assertTrue(wrong.err().contains("rebuild key 0599-8991-55a9-9acb, not the expected"), wrong.err());
        assertEquals(before + 1, ledger().size(), "refused drills import and record nothing");
    }

    @Test
    @Order(7)
    void aCeremonyThatCannotCompleteStopsBeforeAKeyOrShareExists() throws Exception {
        Path[] dirs = new Path[3];
        for (int i = 0; i < 3; i++) {
            dirs[i] = Files.createDirectories(fx.dir().resolve("spare-usb" + i));
        }
        String d0 = dirs[0].toString();
        String d1 = dirs[1].toString();
        String d2 = dirs[2].toString();
        record Case(int exit, String message, List<String> args) {
        }
        List<Case> cases = List.of(
                new Case(2, "--threshold must be at least 2", List.of("--shares", "3", "--threshold", "1", "--share-dir", d0,
                        "--share-dir", d1, "--share-dir", d2)),
                new Case(2, "--shares 3 needs 3 --share-dir folders, one per share; 2 were given", List.of("--shares", "3",
                        "--threshold", "2", "--share-dir", d0, "--share-dir", d1)),
                new Case(2, "is given twice: each share needs its own medium", List.of("--shares", "3", "--threshold", "2",
                        "--share-dir", d0, "--share-dir", d1, "--share-dir", d0)),
                new Case(2, "is given twice: name each token once", List.of("--shares", "3", "--threshold", "2", "--share-dir", d0,
                        "--share-dir", d1, "--share-dir", d2, "--also-token", uri("beta"))),
                new Case(2, "--shares may be at most 16", List.of("--shares", "17", "--threshold", "2", "--share-dir", d0)));
        for (Case c : cases) {
            List<String> args = new ArrayList<>(List.of("key", "ceremony", "--key", uri("beta"), "--ledger", ledgerPath.toString()));
            args.addAll(c.args());
            Cli.Result r = Cli.run(args.toArray(String[]::new));
            assertEquals(c.exit(), r.exit(), r::toString);
            assertTrue(r.err().contains(c.message()), r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
        }
        int records = ledger().size();
        // beta already holds 'release': refused before a seed exists, so no share is written.
        Run taken = iotasign(List.of("key", "ceremony", "--key", uri("beta"), "--shares", "3", "--threshold", "2",
                "--share-dir", d0, "--share-dir", d1, "--share-dir", d2), "");
        assertEquals(1, taken.exit(), taken::toString);
        assertTrue(taken.err().contains("already holds that key: choose another object= label"), taken.err());
        for (Path d : dirs) {
            try (Stream<Path> s = Files.list(d)) {
                assertEquals(0, s.count(), "no share was written to " + d);
            }
        }
        assertEquals(records, ledger().size());
    }

    static List<byte[]> needles(byte[] seed) {
        String hex = HexFormat.of().formatHex(seed);
        return List.of(seed, hex.getBytes(StandardCharsets.US_ASCII), hex.toUpperCase().getBytes(StandardCharsets.US_ASCII),
                Base64.getEncoder().encode(seed));
    }

    /** Every regular file under {@code dir}; fails naming the first that holds a needle. */
    static List<Path> scan(Path dir, List<byte[]> needles) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(dir)) {
            files = s.filter(Files::isRegularFile).toList();
        }
        for (Path f : files) {
            assertFalse(containsAny(Files.readAllBytes(f), needles), "the seed is in " + f);
        }
        return files;
    }

    static boolean containsAny(byte[] haystack, List<byte[]> needles) {
        for (byte[] n : needles) {
            outer:
            for (int i = 0; i + n.length <= haystack.length; i++) {
                for (int j = 0; j < n.length; j++) {
                    if (haystack[i + j] != n[j]) {
                        continue outer;
                    }
                }
                return true;
            }
        }
        return false;
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
