package org.iotasign.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.iotasign.crypto.Ed25519PublicKey;
import org.iotasign.crypto.KeyFormats;
import org.iotasign.testing.Cli;
import org.iotasign.testing.TestKeys;
import org.iotasign.testing.TestReleases;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** {@code iotasign verify} and {@code inspect} as a user runs them. */
class VerifyCommandTest {
    @TempDir
    Path dir;
    Path blob;
    final Ed25519PublicKey pub = TestKeys.test1().publicKey();

    @BeforeEach
    void setUp() throws IOException {
        blob = Files.write(dir.resolve("02_08_05.bin"), TestReleases.signed("02_08_05", TestKeys.test1()));
    }

    @Test
    void acceptsAGoodReleaseWithKeyInEveryForm() throws IOException {
        Path hex = Files.writeString(dir.resolve("k.hex"), KeyFormats.toHex(pub));
        Path pem = Files.writeString(dir.resolve("k.pem"), KeyFormats.toPem(pub));
        Path c = Files.writeString(dir.resolve("k.c"), KeyFormats.toCArray(pub));
        Path raw = Files.write(dir.resolve("k.raw"), pub.bytes());
        for (String key : new String[] {pub.hex(), hex.toString(), pem.toString(), c.toString(), raw.toString()}) {
            Cli.Result r = Cli.run("verify", "--pubkey", key, blob.toString());
            assertEquals(0, r.exit(), r::toString);
            assertTrue(r.out().contains("device: Updater: signature verified"), r.out());
            assertTrue(r.out().strip().endsWith("OK"), r.out());
        }
    }

    @Test
    void rejectsWithTheDeviceLogLineAndExitOne() {
        Cli.Result r = Cli.run("verify", "--pubkey", TestKeys.test2().publicKey().hex(), blob.toString());
        assertEquals(1, r.exit());
        assertTrue(r.out().contains("device: Updater: Signature does not verify."), r.out());
        assertTrue(r.out().strip().endsWith("REJECTED"));
    }

    @Test
    void jsonVerdictIsMachineReadable() throws IOException {
        Cli.Result r = Cli.run("verify", "--json", "--pubkey", pub.hex(), blob.toString());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertTrue(j.get("ok").asBoolean());
        assertEquals("02_08_05", j.get("version").asText());
        assertEquals(pub.fingerprint(), j.get("key").asText());
    }

    @Test
    void extractsOnlyAfterSuccessAllOrNothing() throws IOException {
        Path outDir = dir.resolve("files");
        Cli.Result r = Cli.run("verify", "--pubkey", pub.hex(), "--extract", outDir.toString(), blob.toString());
        assertEquals(0, r.exit(), r::toString);
        assertTrue(Files.exists(outDir.resolve("iotawatt.bin")));
        assertTrue(Files.readString(outDir.resolve("index.htm")).contains("02_08_05"));

        Path bad = Files.write(dir.resolve("bad.bin"), TestReleases.signed("02_08_06", TestKeys.test2()));
        Path notThere = dir.resolve("never");
        assertEquals(1, Cli.run("verify", "--pubkey", pub.hex(), "--extract", notThere.toString(), bad.toString()).exit());
        assertFalse(Files.exists(notThere));

        Cli.Result again = Cli.run("verify", "--pubkey", pub.hex(), "--extract", outDir.toString(), blob.toString());
        assertEquals(2, again.exit(), "a non-empty folder is never written into");
    }

    @Test
    void badKeyArgumentIsAUsageError() throws IOException {
        Cli.Result r = Cli.run("verify", "--pubkey", "abcd", blob.toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("neither 64 hex digits nor a readable file"), r.err());
        Path priv = Files.writeString(dir.resolve("priv.pem"), "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
        Cli.Result p = Cli.run("verify", "--pubkey", priv.toString(), blob.toString());
        assertEquals(2, p.exit());
        assertTrue(p.err().contains("not a PUBLIC KEY"), p.err());
    }

    @Test
    void missingBlobIsAUsageError() {
        Cli.Result r = Cli.run("verify", "--pubkey", pub.hex(), dir.resolve("nope.bin").toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("does not exist"));
    }

    @Test
    void inspectShowsEntriesImageHeaderAndEmbeddedKeys() throws IOException {
        Cli.Result r = Cli.run("inspect", "--pubkey", pub.hex(), blob.toString());
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("signed (64-byte signature at the end)"));
        assertTrue(r.out().contains("iotawatt.bin"));
        assertTrue(r.out().contains("stock IoTaWatt " + Ed25519PublicKey.STOCK_IOTAWATT.fingerprint() + ": not embedded"), r.out());
        assertTrue(r.out().contains("--pubkey " + pub.fingerprint() + ": embedded in the firmware"), r.out());
        assertTrue(r.out().contains("flash dio 4MB 40m"), r.out());

        JsonNode j = new ObjectMapper().readTree(Cli.run("inspect", "--json", blob.toString()).out());
        assertEquals(3, j.get("entries").size());
        assertTrue(j.get("signed").asBoolean());
        assertEquals("arduino-eboot-and-app", j.get("firmware").get("kind").asText());
    }

    @Test
    void inspectOfGarbageExitsOne() throws IOException {
        Path junk = Files.writeString(dir.resolve("junk"), "hello");
        Cli.Result r = Cli.run("inspect", junk.toString());
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("not a valid"), r.err());
    }

    @Test
    void everyCommandAndSubcommandAnswersHelp() {
        List<String> failed = new java.util.ArrayList<>();
        collectHelpFailures(Main.commandLine(), new java.util.ArrayList<>(), failed);
        assertTrue(failed.isEmpty(), "--help failed for " + failed);
    }

    private static void collectHelpFailures(picocli.CommandLine cl, List<String> path, List<String> failed) {
        for (var e : cl.getSubcommands().entrySet()) {
            if (e.getKey().equals("help")) {
                continue;
            }
            List<String> args = new java.util.ArrayList<>(path);
            args.add(e.getKey());
            List<String> withHelp = new java.util.ArrayList<>(args);
            withHelp.add("--help");
            Cli.Result r = Cli.run(withHelp.toArray(String[]::new));
            if (r.exit() != 0 || !r.out().startsWith("Usage: iotasign " + String.join(" ", args))) {
                failed.add(String.join(" ", args) + " (exit " + r.exit() + ")");
            }
            collectHelpFailures(e.getValue(), args, failed);
        }
    }

    @Test
    void topLevelHelpAndVersionWork() {
        Cli.Result help = Cli.run("--help");
        assertEquals(0, help.exit());
        assertTrue(help.out().contains("Exit codes"));
        assertTrue(help.out().contains("pack") && help.out().contains("verify") && help.out().contains("inspect"));
        Cli.Result v = Cli.run("--version");
        assertEquals(0, v.exit());
        assertTrue(v.out().startsWith("iotasign "));
        assertArrayEquals(new int[] {2}, new int[] {Cli.run("no-such-command").exit()});
    }
}
