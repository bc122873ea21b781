package org.iotasign.release;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The card model against the rules of the SD library in ESP8266 Arduino core 2.6.3
 * (earlephilhower/ESP8266SdFat at b240d22, src/FatLib). Each test names the function
 * whose rule it derives its expectation from.
 */
class SdCardNamesTest {
    static SdCardNames.Stored stored(List<String> names, int i) {
        return SdCardNames.place(names).get(i).stored().orElseThrow();
    }

    static SdCardNames.Stored stored(String name) {
        return stored(List.of(name), 0);
    }

    static boolean sameFile(String... names) {
        List<SdCardNames.Placement> p = SdCardNames.place(List.of(names));
        int file = p.get(0).stored().orElseThrow().file();
        return p.stream().allMatch(x -> x.stored().orElseThrow().file() == file);
    }

    @ParameterizedTest(name = "parsePathName skips leading spaces: [{0}]")
    @ValueSource(strings = {" index.htm", "   index.htm"})
    void leadingSpacesAreDropped(String name) {
        assertEquals("index.htm", stored(name).name());
        assertTrue(sameFile("index.htm", name));
        assertTrue(SdCardNames.nameProblem(name).orElseThrow().contains("stored on the device's SD card as 'index.htm'"));
    }

    @ParameterizedTest(name = "parsePathName backs over trailing dots and spaces: [{0}]")
    @ValueSource(strings = {"index.htm.", "index.htm ", "index.htm. .", "index.htm.."})
    void trailingDotsAndSpacesAreDropped(String name) {
        assertEquals("index.htm", stored(name).name());
        assertTrue(sameFile("index.htm", name));
        assertTrue(SdCardNames.nameProblem(name).isPresent());
    }

    @ParameterizedTest(name = "parsePathName: nothing left after spaces and dots, sfn[0] blank, open fails: [{0}]")
    @ValueSource(strings = {"...", " . ", ". .", " ..."})
    void namesOfOnlyDotsAndSpacesCannotBeCreated(String name) {
        SdCardNames.Placement p = SdCardNames.place(List.of(name)).get(0);
        assertTrue(p.stored().isEmpty());
        assertTrue(p.openFails().orElseThrow().contains("leaves no name"));
    }

    @ParameterizedTest(name = "parsePathName skips spaces and slashes after a separator, so [{0}] opens the release folder itself")
    @ValueSource(strings = {" ", "   ", "/", " / "})
    void namesOfOnlySpacesOpenTheFolder(String name) {
        assertTrue(SdCardNames.place(List.of(name)).get(0).openFails().orElseThrow().contains("names the release folder itself"));
    }

    @ParameterizedTest(name = "FatFile::open skips separators, so [{0}] is the file x")
    @ValueSource(strings = {"/x", " / x", "x/", "x / "})
    void slashesAroundANameAreSkipped(String name) {
        assertTrue(sameFile("x", name));
        assertTrue(SdCardNames.nameProblem(name).isPresent());
    }

    @Test
    @DisplayName("a '/' between two names makes SDFS create a folder: outside the one-folder model, and refused")
    void aSlashBetweenNamesIsAFolder() {
        assertTrue(SdCardNames.place(List.of("a/b")).get(0).openFails().orElseThrow().contains("folder"));
    }

    @ParameterizedTest(name = "lfnLegalChar refuses [{0}]: open fails")
    @ValueSource(strings = {"a\\b", "a\"b", "a*b", "a:b", "a<b", "a>b", "a?b", "a|b", "tab\tx", "del\u007fx", "caf\u00e9.htm"})
    void charactersALongNameCannotHoldFailTheOpen(String name) {
        assertTrue(SdCardNames.place(List.of(name)).get(0).openFails().isPresent());
        assertTrue(SdCardNames.nameProblem(name).isPresent());
    }

    @Test
    @DisplayName("open(dirFile, fname): long names compare with lfnToLower, ignoring ASCII case")
    void longNamesCompareIgnoringCase() {
        assertTrue(sameFile("LongFileName.htm", "longfilename.HTM", "LONGFILENAME.HTM"));
        assertFalse(sameFile("longfilename.htm", "longfilename.htmx"));
    }

    @Test
    @DisplayName("open(dirFile, fname): 8.3 names compare by their upper-case short name")
    void shortNamesCompareIgnoringCase() {
        assertTrue(sameFile("README.TXT", "readme.txt", "ReadMe.Txt"));
        assertTrue(sameFile("Index.htm", "index.HTM"));
    }

    @ParameterizedTest(name = "parsePathName case bits and dirName keep [{0}] as given")
    @ValueSource(strings = {"README.TXT", "readme.txt", "README.txt", "readme.TXT", "ReadMe.txt", "iotawatt.bin", "a", "x.y", "graph2.htm", "UPPER"})
    void namesThatFitAreStoredAsGiven(String name) {
        assertEquals(name, stored(name).name());
        assertEquals(name.toUpperCase(Locale.ROOT), stored(name).shortName());
        assertTrue(SdCardNames.nameProblem(name).isEmpty());
    }

    @ParameterizedTest(name = "parsePathName short alias of [{0}] is {1}")
    @CsvSource({
            "longfilename.htm, LONGFI~1.HTM",   // base cut to 6, then ~1
            "abcdefghi.htm, ABCDEF~1.HTM",      // a base longer than 8 is cut
            "page.html, PAGE~1.HTM",            // extension longer than 3 is cut
            "a+b.txt, A_B~1.TXT",               // legal83Char: + becomes _
            "'ab cd.txt', ABCD~1.TXT",          // spaces are left out
            "a.b.c, AB~1.C",                    // only the last dot separates the extension
            ".htaccess, HTACCE~1",              // a leading dot is left out and makes it a long name
            "my[1].js, MY_1_~1.JS",             // [ and ] become _
    })
    void shortAliases(String name, String alias) {
        assertEquals(alias, stored(name).shortName());
        assertEquals(name, stored(name).name());
    }

    @Test
    @DisplayName("open(dirFile, fname): an 8.3 name equal to an existing alias opens that file")
    void anEntryNamedLikeAnotherEntrysAliasReachesIt() {
        assertTrue(sameFile("longfilename.htm", "LONGFI~1.HTM"));
        assertTrue(sameFile("longfilename.htm", "longfi~1.htm"));
        assertTrue(sameFile("a+b.txt", "A_B~1.TXT"));
        assertTrue(sameFile("page.html", "Page~1.htm"));
        List<SdCardNames.Collision> c = SdCardNames.collisions(List.of("iotawatt.bin", "longfilename.htm", "LONGFI~1.HTM"));
        assertEquals(1, c.size());
        assertEquals(1, c.get(0).first());
        assertEquals(2, c.get(0).second());
        assertTrue(c.get(0).why().contains("short alias LONGFI~1.HTM"), c.get(0).why());
    }

    @Test
    @DisplayName("lfnUniqueSfn: when ~1 is taken the alias becomes ~ and four hex digits, and that alias is reachable too")
    void aTakenAliasGetsAHashedOne() {
        List<String> names = List.of("longfilename1.htm", "longfilename2.htm");
        SdCardNames.Stored first = stored(names, 0);
        SdCardNames.Stored second = stored(names, 1);
        assertEquals("LONGFI~1.HTM", first.shortName());
        assertTrue(second.shortName().matches("LON~[0-9A-F]{4}\\.HTM"), second.shortName());
        assertNotEquals(first.file(), second.file());
        List<String> withAlias = new ArrayList<>(names);
        withAlias.add(second.shortName().toLowerCase(Locale.ROOT));
        assertEquals(second.file(), stored(withAlias, 2).file());
    }

    @Test
    @DisplayName("aliases recorded from the library itself (SdFat b240d22 FatLib built for the host, RAM FAT16 volume)")
    void aliasesAsTheLibraryMadeThem() {
        List<String> names = List.of("...xe3.a1 3n+3.em", "a+ba3mlee.+", "LongFi00e", "LongFi22", "a+bn-2.am0nea2a+.", "an+nam",
                "lo ng+-0m- ", "LongFi1+--.+-m3 .", "LongFi12nm", "LongFi2en01nl", "ae-+.1", "LongFi 13");
        List<String> expected = List.of("XE3A13~1.EM", "A_BA3M~1._", "LONGFI~1", "LONGFI22", "A_BN-2~1.AM0", "AN_NAM~1",
                "LONG_-~1", "LONGFI~1._-M", "LON~6EE9", "LON~4010", "AE-_~1.1", "LON~EB4C");
        List<SdCardNames.Placement> placed = SdCardNames.place(names);
        for (int i = 0; i < names.size(); i++) {
            SdCardNames.Stored s = placed.get(i).stored().orElseThrow();
            assertEquals(i, s.file());
            assertEquals(expected.get(i), s.shortName(), names.get(i));
        }
        assertEquals("lo ng+-0m-", placed.get(6).stored().orElseThrow().name());
        assertEquals("LON~6B95.HTM", stored(List.of("longfilename.htm", "longfilename2.htm"), 1).shortName());
    }

    @Test
    @DisplayName("open(dirFile, fname): the alias-shaped name created first is a plain 8.3 file; the long name then gets another alias")
    void aliasBeforeItsLongNameMakesTwoFilesButIsStillUnsafe() {
        List<String> names = List.of("LONGFI~1.HTM", "longfilename.htm");
        assertFalse(sameFile(names.toArray(String[]::new)));
        assertTrue(stored(names, 1).shortName().startsWith("LON~"));
        assertTrue(SdCardNames.collisions(names).isEmpty());
        // On the card's root, where the device copies the files, LONGFI~1.HTM can be another file's alias.
        assertTrue(SdCardNames.nameProblem("LONGFI~1.HTM").orElseThrow().contains("form of a FAT short alias"));
        assertTrue(SdCardNames.nameProblem("Longfi~1.htm").isPresent());
    }

    @ParameterizedTest(name = "a '~' outside an 8.3 base is no alias: [{0}]")
    @ValueSource(strings = {"my~long~name.html", "abc.t~t", "~backup-file.txt"})
    void tildeInLongNamesIsHarmless(String name) {
        assertTrue(SdCardNames.nameProblem(name).isEmpty(), () -> SdCardNames.nameProblem(name).orElse(""));
    }

    @Test
    @DisplayName("leading spaces and case together: ' IOTAWATT.BIN' reaches iotawatt.bin")
    void aSpacedFirmwareNameJoinsTheFirmware() {
        List<SdCardNames.Collision> c = SdCardNames.collisions(List.of("iotawatt.bin", " IOTAWATT.BIN"));
        assertEquals(1, c.size());
        assertTrue(c.get(0).why().contains("stores both as 'iotawatt.bin'"), c.get(0).why());
    }

    @Property(tries = 300)
    void withoutTildesTwoNamesReachOneFileExactlyWhenTheirTrimmedFormsAreEqualIgnoringCase(@ForAll("names") List<String> names) {
        List<String> plain = names.stream().filter(n -> n.indexOf('~') < 0).toList();
        boolean expected = false;
        Set<String> keys = new HashSet<>();
        for (String n : plain) {
            String key = n.strip().replaceAll("[. ]+$", "").toLowerCase(Locale.ROOT);
            if (!key.isEmpty() && !keys.add(key)) {
                expected = true;
            }
        }
        assertEquals(expected, !SdCardNames.collisions(plain).isEmpty(), plain::toString);
    }

    @Property(tries = 300)
    void filesInTheFolderHaveDistinctNamesAndShortNames(@ForAll("names") List<String> names) {
        Set<String> longNames = new HashSet<>();
        Set<String> shortNames = new HashSet<>();
        for (SdCardNames.Placement p : SdCardNames.place(names)) {
            p.stored().filter(SdCardNames.Stored::created).ifPresent(s -> {
                assertTrue(longNames.add(s.name().toLowerCase(Locale.ROOT)), s::toString);
                assertTrue(shortNames.add(s.shortName()), s::toString);
            });
        }
    }

    static final byte[] FIRMWARE = org.iotasign.espimage.SampleFirmware.build("02_08_05",
            List.of(org.iotasign.testing.TestKeys.test1().publicKey()), 4096);

    @Property(tries = 200)
    void everyReleasePackMakesUnpacksIntoExactlyTheFilesItNames(@ForAll("names") List<String> names) {
        List<ReleaseEntry> entries = new ArrayList<>();
        entries.add(new ReleaseEntry("iotawatt.bin", FIRMWARE));
        names.forEach(n -> entries.add(new ReleaseEntry(n, new byte[] {1})));
        byte[] blob;
        try {
            blob = ReleasePacker.pack("02_08_05", entries, FirmwareLimit.DEFAULT).bytes();
        } catch (org.iotasign.RejectedException refused) {
            net.jqwik.api.statistics.Statistics.collect("refused");
            return;
        }
        net.jqwik.api.statistics.Statistics.collect(names.isEmpty() ? "packed, no web files" : "packed");
        List<String> inBlob = ReleaseBlob.parseUnsigned(blob, FirmwareLimit.DEFAULT).entries().stream().map(EntryInfo::name).toList();
        List<SdCardNames.Placement> placed = SdCardNames.place(inBlob);
        for (int i = 0; i < placed.size(); i++) {
            SdCardNames.Stored st = placed.get(i).stored().orElseThrow();
            assertTrue(st.created(), inBlob::toString);
            assertEquals(inBlob.get(i), st.name());
        }
    }

    @Provide
    Arbitrary<List<String>> names() {
        return Arbitraries.strings().withChars("abAB12 .~+_-").ofMinLength(1).ofMaxLength(14).list().ofMaxSize(8);
    }
}
