package org.iotasign.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.iotasign.crypto.Ed25519PublicKey;
import org.iotasign.espimage.SampleFirmware;
import org.iotasign.testing.Cli;
import org.iotasign.testing.TestKeys;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code iotasign pack}: what it writes, and every input it refuses with a one-line reason. */
class PackCommandTest {
    @TempDir
    Path dir;
    Path firmware;
    Path web;
    Path out;

    @BeforeEach
    void setUp() throws IOException {
        firmware = Files.write(dir.resolve("firmware.bin"), SampleFirmware.build("02_08_05", List.of(TestKeys.test1().publicKey()), 32 * 1024));
        web = Files.createDirectory(dir.resolve("web"));
        Files.writeString(web.resolve("index.htm"), "<html></html>");
        Files.writeString(web.resolve("graph.js"), "var x;");
        out = dir.resolve("02_08_05.unsigned");
    }

    Cli.Result pack(String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("pack", "--version", "02_08_05", "--firmware", firmware.toString(), "-o", out.toString()));
        args.addAll(List.of(extra));
        return Cli.run(args.toArray(String[]::new));
    }

    static void assertRefused(Cli.Result r, String reasonPart) {
        assertEquals(1, r.exit(), r::toString);
        assertTrue(r.err().contains(reasonPart), r::toString);
        assertEquals(1, r.err().strip().lines().count(), "one-line error: " + r.err());
    }

    @Test
    void packsDeterministicallyAndPrintsTheDigestFingerprint() throws IOException {
        Cli.Result r = pack("--web-dir", web.toString());
        assertEquals(0, r.exit(), r::toString);
        byte[] first = Files.readAllBytes(out);
        assertTrue(r.out().contains("fingerprint"), r.out());
        Files.delete(out);
        assertEquals(0, pack("--web-dir", web.toString()).exit());
        assertArrayEquals(first, Files.readAllBytes(out));
        Cli.Result inspect = Cli.run("inspect", out.toString());
        assertEquals(0, inspect.exit(), inspect::toString);
        assertTrue(inspect.out().contains("unsigned"), inspect.out());
        assertTrue(r.out().contains(inspect.out().lines().filter(l -> l.startsWith("fingerprint")).findFirst().orElseThrow().split("\\s+")[1]));
    }

    @Test
    void neverOverwritesWithoutForce() throws IOException {
        Files.writeString(out, "precious");
        Cli.Result r = pack();
        assertEquals(2, r.exit(), r::toString);
        assertTrue(r.err().contains("--force"));
        assertEquals("precious", Files.readString(out));
        assertEquals(0, pack("--force").exit());
        assertFalse(Files.readString(out, java.nio.charset.StandardCharsets.ISO_8859_1).equals("precious"));
    }

    @Test
    void leavesNoFileBehindWhenRefused() throws IOException {
        Files.write(firmware, new byte[] {1, 2, 3});
        assertRefused(pack(), "firmware");
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of("firmware.bin", "web"), s.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"02_08_5", "02_08_005", "02 08 05", "02_08_0\u00e9", "02/08/05", "02_08_0."})
    void refusesVersionsTheDeviceWouldMishandle(String version) {
        Cli.Result r = Cli.run("pack", "--version", version, "--firmware", firmware.toString(), "-o", out.toString());
        assertRefused(r, "release version");
        assertFalse(Files.exists(out));
    }

    @Test
    void warnsAboutUnconventionalVersions() {
        Cli.Result r = Cli.run("pack", "--version", "v2.8.5-x", "--firmware", firmware.toString(), "-o", out.toString());
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("NN_NN_NN"), r.out());
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\\b", "a\"b", "a*b", "a:b", "a<b", "a>b", "a?b", "a|b", ".", "..", "trailing.", "trailing ",
            "abcdefghijklmnopqrstuvwx", "caf\u00e9.htm", "tab\tname"})
    void refusesNamesTheDeviceOrItsCardWouldMishandle(String name) throws IOException {
        Path f = Files.writeString(dir.resolve("extra"), "x");
        Cli.Result r = pack("--file", name + "=" + f);
        assertRefused(r, "file name");
        assertFalse(Files.exists(out));
    }

    @Test
    void refusesEmptyName() throws IOException {
        Path f = Files.writeString(dir.resolve("extra"), "x");
        assertRefused(pack("--file", "=" + f), "");
    }

    @Test
    void refusesNamesEqualIgnoringCase() throws IOException {
        Path f = Files.writeString(dir.resolve("extra"), "x");
        assertRefused(pack("--web-dir", web.toString(), "--file", "INDEX.HTM=" + f), "equal ignoring case");
    }

    @Test
    void refusesAnAliasOfAWebFileThatPackSortsFirstNamingBoth() throws IOException {
        Files.writeString(web.resolve("longfilename.htm"), "<p>");
        Path f = Files.writeString(dir.resolve("extra"), "x");
        // longfilename.htm sorts before longfi~1.htm, gets the alias LONGFI~1.HTM, and the second entry opens it.
        Cli.Result r = pack("--web-dir", web.toString(), "--file", "LONGFI~1.HTM=" + f);
        assertRefused(r, "file names 'longfilename.htm' and 'LONGFI~1.HTM' reach the same file on the device's SD card");
        assertTrue(r.err().contains("short alias LONGFI~1.HTM"), r::toString);
        assertFalse(Files.exists(out));
    }

    @Test
    void refusesANameWithALeadingSpaceThatJoinsTheFirmware() throws IOException {
        Path f = Files.writeString(dir.resolve("extra"), "x");
        Cli.Result r = pack("--file", " iotawatt.bin=" + f);
        assertRefused(r, "file names 'iotawatt.bin' and ' iotawatt.bin' reach the same file");
        assertTrue(r.err().contains("stores both as 'iotawatt.bin'"), r::toString);
    }

    @ParameterizedTest
    @ValueSource(strings = {" index2.htm", "  x.js", "LONGFI~1.HTM", "Page~1.htm", "AB~6EE9.TXT"})
    void refusesNamesStoredUnderAnotherNameOrShapedLikeAnAlias(String name) throws IOException {
        Path f = Files.writeString(dir.resolve("extra"), "x");
        Cli.Result r = pack("--web-dir", web.toString(), "--file", name + "=" + f);
        assertRefused(r, "file name '" + name + "'");
        assertFalse(Files.exists(out));
    }

    @Test
    void packsLongNamesWithTheSameAliasPrefix() throws IOException {
        Files.writeString(web.resolve("longfilename1.htm"), "1");
        Files.writeString(web.resolve("longfilename2.htm"), "2");
        Files.writeString(web.resolve("my~long~name.html"), "3");
        assertEquals(0, pack("--web-dir", web.toString()).exit());
    }

    @Test
    void refusesGzipFirmwareUnlessAllowedAndThenSaysSo() throws IOException {
        Files.write(firmware, org.iotasign.testing.GzipImages.stored(Files.readAllBytes(firmware)));
        assertRefused(pack(), "gzip-compressed: IoTaWatt's ESP8266 core 2.6.3 refuses it");
        assertFalse(Files.exists(out));
        Cli.Result r = pack("--allow-gzip-firmware");
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("accepted by --allow-gzip-firmware"), r::toString);
    }

    @Test
    void refusesASecondFirmware() {
        assertRefused(pack("--file", "IotaWatt.bin=" + firmware), "equal ignoring case");
    }

    @Test
    void refusesSymlinksFoldersAndSpecialFilesInTheWebDirNamingThem() throws Exception {
        Files.createSymbolicLink(web.resolve("link.htm"), web.resolve("index.htm"));
        assertRefused(pack("--web-dir", web.toString()), "a symbolic link 'link.htm'");
        Files.delete(web.resolve("link.htm"));
        Files.createDirectory(web.resolve("sub"));
        assertRefused(pack("--web-dir", web.toString()), "a folder 'sub'");
        Files.delete(web.resolve("sub"));
        Process p = new ProcessBuilder("mkfifo", web.resolve("fifo").toString()).start();
        assertEquals(0, p.waitFor());
        assertRefused(pack("--web-dir", web.toString()), "a special file 'fifo'");
    }

    @Test
    void refusesFirmwareThatIsNotAnEsp8266Image() throws IOException {
        Files.write(firmware, "just text, not firmware".getBytes());
        assertRefused(pack(), "firmware");
    }

    @Test
    void refusesFirmwareLargerThanTheOtaSpaceUnlessOverridden() throws IOException {
        Files.write(firmware, SampleFirmware.build("02_08_05", List.of(TestKeys.test1().publicKey()), 1_046_000));
        assertRefused(pack(), "OTA space of flash layout 4m1m");
        assertEquals(0, pack("--max-firmware", "2000000").exit());
    }

    @Test
    void smallerLayoutLowersTheLimit() throws IOException {
        Files.write(firmware, SampleFirmware.build("02_08_05", List.of(TestKeys.test1().publicKey()), 600_000));
        assertEquals(0, pack().exit());
        Files.delete(out);
        assertRefused(pack("--layout", "4m3m"), "4m3m");
    }

    @Test
    void warnsAboutConfigTxtAndTheStockKey() throws IOException {
        Files.write(firmware, SampleFirmware.build("02_08_05", List.of(Ed25519PublicKey.STOCK_IOTAWATT), 8192));
        Path cfg = Files.writeString(dir.resolve("config.txt"), "{}");
        Cli.Result r = pack("--file", "config.txt=" + cfg);
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("never overwrites an existing config.txt"), r.out());
        assertTrue(r.out().contains("stock IoTaWatt key"), r.out());
    }

    @Test
    void missingFirmwareFileIsNamed() {
        Cli.Result r = Cli.run("pack", "--version", "02_08_05", "--firmware", dir.resolve("nope.bin").toString(), "-o", out.toString());
        assertRefused(r, "nope.bin does not exist");
    }

    @Test
    void missingRequiredOptionIsAUsageError() {
        Cli.Result r = Cli.run("pack", "--version", "02_08_05");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--firmware"), r.err());
    }
}
