package org.iotasign.objectstore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import org.iotasign.site.VersionsFile;
import org.iotasign.testing.Cli;
import org.iotasign.testing.IotasignProcess;
import org.iotasign.testing.TestKeys;
import org.iotasign.testing.TestReleases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * {@code site push} and {@code site check --remote} against S3Proxy, a real S3 API server
 * on loopback (one for the class, a fresh bucket per test), and the pushed site probed
 * over plain HTTP exactly as a device polls it.
 */
@Timeout(120)
class SitePushTest {
    static final String KEY = TestKeys.test1().publicKey().hex();
    private static final AtomicInteger BUCKETS = new AtomicInteger();

    @TempDir
    static Path serverDir;
    static S3ProxyServer s3;

    @TempDir
    Path tmp;
    Path site;
    String bucket;
    String to;

    @BeforeAll
    static void startS3() throws Exception {
        s3 = S3ProxyServer.start(serverDir);
        // The SDK's standard chain, first link: what AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY give a process.
        System.setProperty("aws.accessKeyId", S3ProxyServer.ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", S3ProxyServer.SECRET_KEY);
    }

    @AfterAll
    static void stopS3() {
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
        if (s3 != null) {
            s3.close();
        }
    }

    @BeforeEach
    void newSiteAndBucket() throws Exception {
        site = tmp.resolve("site");
        assertEquals(0, Cli.run("site", "init", "--site", site.toString(), "--pubkey", KEY).exit());
        bucket = "fleet-" + BUCKETS.incrementAndGet();
        s3.createBucket(bucket);
        to = "s3://" + bucket + "/iotawatt";
    }

    void publish(String version, String classes) throws Exception {
        Path release = tmp.resolve(version + ".bin");
        Files.write(release, TestReleases.signed(version, TestKeys.test1()));
        Cli.Result r = Cli.run("publish", "--site", site.toString(), "--class", classes, release.toString());
        assertEquals(0, r.exit(), r.toString());
    }

    void publishTables(String version) throws Exception {
        Path t = tmp.resolve("tables-" + version + ".txt");
        Files.writeString(t, "{\n\"version\":\"" + version + "\",\n\"VT\":[{\"model\":\"test\",\"cal\":11.43}],\n\"CT\":[]\n}\n");
        Cli.Result r = Cli.run("publish", "--site", site.toString(), "--tables", t.toString(), "--tables-version", version);
        assertEquals(0, r.exit(), r.toString());
    }

    Cli.Result push(String... extra) {
        List<String> args = new ArrayList<>(List.of("site", "push", "--site", site.toString(), "--to", to));
        args.addAll(s3.options());
        args.addAll(List.of(extra));
        return Cli.run(args.toArray(String[]::new));
    }

    Cli.Result checkRemote() {
        List<String> args = new ArrayList<>(List.of("site", "check", "--site", site.toString(), "--remote", to));
        args.addAll(s3.options());
        return Cli.run(args.toArray(String[]::new));
    }

    Cli.Result probe(String current, String... extra) {
        List<String> args = new ArrayList<>(List.of("probe", "--server", s3.httpBase(bucket, "iotawatt"), "--class", "MINOR",
                "--current", current, "--pubkey", KEY));
        args.addAll(List.of(extra));
        return Cli.run(args.toArray(String[]::new));
    }

    /** Site path -> bytes, as the store returns them. */
    Map<String, byte[]> bucketContents() {
        try (S3Client c = s3.client()) {
            return c.listObjectsV2(b -> b.bucket(bucket)).contents().stream().map(S3Object::key).collect(Collectors.toMap(
                    k -> k.substring("iotawatt/".length()), k -> c.getObjectAsBytes(b -> b.bucket(bucket).key(k)).asByteArray()));
        }
    }

    static List<String> planLines(Cli.Result r, String action) {
        return r.out().lines().filter(l -> l.startsWith(action + " ")).map(l -> l.split(" +")[1]).sorted().toList();
    }

    static HttpResponse<byte[]> httpGet(String url) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void pushedSiteIsServedToADeviceWithItsCacheHeaders() throws Exception {
        publish("02_08_04", "MINOR");
        publish("02_08_05", "MINOR,BETA");
        publishTables("1.0.3");
        Cli.Result r = push();
        assertEquals(0, r.exit(), r.toString());
        assertEquals(List.of("download/tables/1.0.3.txt", "firmware/bin/02_08_04.bin", "firmware/bin/02_08_05.bin", "firmware/versions.json"),
                planLines(r, "upload"), r.out());
        assertTrue(r.out().contains("uploading 100%"), "progress line with bytes and rate: " + r.out());
        assertTrue(r.out().contains(" 4 uploaded "), r.out());
        // versions.json is the last object sent.
        List<String> uploads = planLines(r, "upload");
        assertTrue(r.out().indexOf("upload  firmware/versions.json") > r.out().indexOf("upload  firmware/bin/02_08_05.bin"), r.out());
        assertEquals(4, uploads.size());

        Map<String, byte[]> remote = bucketContents();
        for (String p : List.of("firmware/versions.json", "firmware/bin/02_08_04.bin", "firmware/bin/02_08_05.bin", "download/tables/1.0.3.txt")) {
            assertArrayEquals(Files.readAllBytes(site.resolve(p)), remote.get(p), p);
        }
        assertFalse(remote.keySet().stream().anyMatch(k -> k.contains(".iotasign")), "the site's records stay local: " + remote.keySet());

        Cli.Result device = probe("02_08_04");
        assertEquals(0, device.exit(), device.toString());
        assertTrue(device.out().contains("Updater: Update from 02_08_04 to 02_08_05"), device.out());
        assertTrue(device.out().contains("GET " + s3.httpBase(bucket, "iotawatt") + "/download/tables/1.0.3.txt -> 200"), device.out());
        assertEquals(0, probe("02_08_05", "--expect-current").exit());

        HttpResponse<byte[]> versions = httpGet(s3.httpBase(bucket, "iotawatt") + "/firmware/versions.json");
        assertEquals("no-cache", versions.headers().firstValue("Cache-Control").orElse(""));
        assertEquals("application/json", versions.headers().firstValue("Content-Type").orElse(""));
        HttpResponse<byte[]> blob = httpGet(s3.httpBase(bucket, "iotawatt") + "/firmware/bin/02_08_05.bin");
        assertEquals(SitePush.IMMUTABLE_CACHE, blob.headers().firstValue("Cache-Control").orElse(""));
        assertEquals("application/octet-stream", blob.headers().firstValue("Content-Type").orElse(""));
        HttpResponse<byte[]> tables = httpGet(s3.httpBase(bucket, "iotawatt") + "/download/tables/1.0.3.txt");
        assertEquals("text/plain", tables.headers().firstValue("Content-Type").orElse(""));

        Cli.Result check = checkRemote();
        assertEquals(0, check.exit(), check.toString());
        assertTrue(check.out().contains("and " + to + " serves it"), check.out());
    }

    @Test
    void unchangedSiteSendsNothingAndAChangeSendsOnlyWhatChanged() throws Exception {
        publish("02_08_04", "MINOR");
        assertEquals(0, push().exit());
        Cli.Result again = push();
        assertEquals(0, again.exit(), again.toString());
        assertEquals(List.of(), planLines(again, "upload"), again.out());
        assertEquals(List.of("firmware/bin/02_08_04.bin", "firmware/versions.json"), planLines(again, "skip"), again.out());
        assertTrue(again.out().contains(" 0 uploaded (0 B), 2 unchanged, 0 deleted; 1 HTTP request(s), "), "one listing, nothing else: " + again.out());

        publish("02_08_05", "MINOR");
        Cli.Result changed = push();
        assertEquals(0, changed.exit(), changed.toString());
        assertEquals(List.of("firmware/bin/02_08_05.bin", "firmware/versions.json"), planLines(changed, "upload"), changed.out());
        assertEquals(List.of("firmware/bin/02_08_04.bin"), planLines(changed, "skip"), changed.out());
        // list, then per object a PUT and a GET read-back
        assertTrue(changed.out().contains(" 2 uploaded ") && changed.out().contains("; 5 HTTP request(s), "), changed.out());
        assertEquals(0, probe("02_08_04").exit());
    }

    @Test
    void aBlobTheBucketHoldsWithOtherBytesIsRefusedAndNothingChanges() throws Exception {
        publish("02_08_04", "MINOR");
        assertEquals(0, push().exit());
        byte[] versionsBefore = bucketContents().get("firmware/versions.json");
        publish("02_08_05", "MINOR");
        byte[] impostor = TestReleases.signed("02_08_05", TestKeys.test2());
        try (S3Client c = s3.client()) {
            c.putObject(b -> b.bucket(bucket).key("iotawatt/firmware/bin/02_08_05.bin"), RequestBody.fromBytes(impostor));
        }
        Cli.Result dry = push("--dry-run");
        assertEquals(1, dry.exit(), dry.toString());
        assertEquals(List.of("firmware/bin/02_08_05.bin"), planLines(dry, "refuse"), dry.out());

        Cli.Result r = push();
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().startsWith("iotasign: 1 file(s) in " + to + " hold other bytes than the site under the same name"), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        Map<String, byte[]> remote = bucketContents();
        assertArrayEquals(impostor, remote.get("firmware/bin/02_08_05.bin"), "never overwritten");
        assertArrayEquals(versionsBefore, remote.get("firmware/versions.json"), "versions.json untouched");

        Cli.Result check = checkRemote();
        assertEquals(1, check.exit(), check.toString());
        assertTrue(check.err().contains("firmware/bin/02_08_05.bin differs"), check.err());
    }

    @Test
    void theSameBytesUploadedAnotherWayAreReadBackAndNotSentAgain() throws Exception {
        publish("02_08_04", "MINOR");
        byte[] blob = Files.readAllBytes(site.resolve("firmware/bin/02_08_04.bin"));
        String key = "iotawatt/firmware/bin/02_08_04.bin";
        try (S3Client c = s3.client()) {
            // A multipart upload: the entity tag is no MD5 of the bytes.
            String id = c.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
            String etag = c.uploadPart(b -> b.bucket(bucket).key(key).uploadId(id).partNumber(1), RequestBody.fromBytes(blob)).eTag();
            c.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(id)
                    .multipartUpload(m -> m.parts(pt -> pt.partNumber(1).eTag(etag))));
        }
        Cli.Result r = push();
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("skip    firmware/bin/02_08_04.bin (64.2 KiB): unchanged (read back)"), r.out());
        assertEquals(List.of("firmware/versions.json"), planLines(r, "upload"), r.out());
    }

    @Test
    void aBlobThatIsALinkIsNotFollowedAndVersionsJsonIsNotPushed() throws Exception {
        publish("02_08_04", "MINOR");
        Path blob = site.resolve("firmware/bin/02_08_04.bin");
        Path elsewhere = tmp.resolve("outside.bin");
        Files.move(blob, elsewhere);
        Files.createSymbolicLink(blob, elsewhere);
        Cli.Result r = push();
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().startsWith("iotasign: "), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertEquals(Map.of(), bucketContents(), "nothing pushed");
    }

    @Test
    void dryRunPrintsThePlanAndChangesNothing() throws Exception {
        publish("02_08_04", "MINOR");
        Cli.Result r = push("--dry-run");
        assertEquals(0, r.exit(), r.toString());
        assertEquals(List.of("firmware/bin/02_08_04.bin", "firmware/versions.json"), planLines(r, "upload"), r.out());
        assertTrue(r.out().contains("dry run: nothing changed in " + to), r.out());
        assertEquals(Map.of(), bucketContents());
        Cli.Result check = checkRemote();
        assertEquals(1, check.exit(), check.toString());
        assertTrue(check.err().contains("firmware/versions.json is not in the bucket"), check.err());
    }

    @Test
    void staleObjectsStayUnlessAskedAndNamedOnesAlwaysStay() throws Exception {
        publish("02_08_04", "MINOR");
        publish("02_08_05", "MINOR");
        assertEquals(0, push().exit());
        try (S3Client c = s3.client()) {
            c.putObject(b -> b.bucket(bucket).key("iotawatt/firmware/bin/09_09_09.bin"), RequestBody.fromString("old"));
            c.putObject(b -> b.bucket(bucket).key("iotawatt/notes.txt"), RequestBody.fromString("not a site file"));
        }
        // 02_08_04 leaves the local site but the history still names it.
        Files.delete(site.resolve("firmware/bin/02_08_04.bin"));

        Cli.Result keep = push();
        assertEquals(0, keep.exit(), keep.toString());
        assertEquals(List.of("firmware/bin/02_08_04.bin", "firmware/bin/09_09_09.bin"), planLines(keep, "keep"), keep.out());

        Cli.Result delete = push("--delete-stale");
        assertEquals(0, delete.exit(), delete.toString());
        assertEquals(List.of("firmware/bin/09_09_09.bin"), planLines(delete, "delete"), delete.out());
        assertEquals(List.of("firmware/bin/02_08_04.bin"), planLines(delete, "keep"), delete.out());
        Map<String, byte[]> remote = bucketContents();
        assertFalse(remote.containsKey("firmware/bin/09_09_09.bin"));
        assertTrue(remote.containsKey("firmware/bin/02_08_04.bin"), "named by the history");
        assertTrue(remote.containsKey("notes.txt"), "not a site file: never touched");
    }

    @Test
    void checkRemoteFindsAVersionsJsonNamingAMissingBlobAndWrongHeaders() throws Exception {
        publish("02_08_04", "MINOR");
        assertEquals(0, push().exit());
        try (S3Client c = s3.client()) {
            c.putObject(b -> b.bucket(bucket).key("iotawatt/firmware/versions.json").contentType("text/plain"),
                    RequestBody.fromString(new String(VersionsFile.empty().withClass(org.iotasign.site.UpdateClass.MINOR, "02_08_09").toBytes(),
                            StandardCharsets.UTF_8)));
            c.deleteObject(b -> b.bucket(bucket).key("iotawatt/firmware/bin/02_08_04.bin"));
        }
        Cli.Result check = checkRemote();
        assertEquals(1, check.exit(), check.toString());
        assertTrue(check.err().contains("firmware/bin/02_08_04.bin is not in the bucket"), check.err());
        assertTrue(check.err().contains("names 02_08_09 for MINOR but firmware/bin/02_08_09.bin is not in the bucket"), check.err());
        Cli.Result repair = push();
        assertEquals(0, repair.exit(), repair.toString());
        assertEquals(0, checkRemote().exit());
    }

    @Test
    void wrongCredentialsAreAnEnvironmentErrorAndNoSecretIsPrinted() throws Exception {
        publish("02_08_04", "MINOR");
        List<String> args = new ArrayList<>(List.of("site", "push", "--site", site.toString(), "--to", to));
        args.addAll(s3.options());
        Map<String, String> env = new java.util.HashMap<>(S3ProxyServer.credentialsEnv(tmp));
        env.put("AWS_SECRET_ACCESS_KEY", "wrong-secret-for-this-test");
        Process p = IotasignProcess.builder(env, args).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(3, p.waitFor(), output);
        assertTrue(output.startsWith("iotasign: the store refused to list iotawatt/"), output);
        assertTrue(output.contains("check the credentials"), output);
        assertEquals(1, output.lines().count(), output);
        assertFalse(output.contains("wrong-secret-for-this-test") || output.contains(S3ProxyServer.SECRET_KEY), output);

        Cli.Result secretInUrl = Cli.run("site", "push", "--site", site.toString(), "--to", to, "--endpoint",
                "http://" + S3ProxyServer.ACCESS_KEY + ":" + S3ProxyServer.SECRET_KEY + "@127.0.0.1:1");
        assertEquals(2, secretInUrl.exit(), secretInUrl.toString());
        assertFalse(secretInUrl.err().contains(S3ProxyServer.SECRET_KEY), secretInUrl.err());
        Cli.Result badTarget = Cli.run("site", "push", "--site", site.toString(), "--to", "https://" + bucket);
        assertEquals(2, badTarget.exit(), badTarget.toString());
        Cli.Result noBucket = Cli.run(concat(List.of("site", "push", "--site", site.toString(), "--to", "s3://no-such-bucket"), s3.options()));
        assertEquals(3, noBucket.exit(), noBucket.toString());
        assertTrue(noBucket.err().startsWith("iotasign: bucket no-such-bucket does not exist"), noBucket.err());
    }

    /**
     * The push killed dead (the test-only halt: no shutdown hooks, as kill -9) at several
     * points: inside the first blob, at a blob boundary, inside a later blob, just before
     * versions.json and inside it. After every kill the bucket serves a versions.json whose
     * every class names a blob present with the site's exact bytes; a rerun completes.
     */
    @Test
    void aPushKilledAtAnyPointNeverLeavesVersionsJsonNamingAMissingBlob() throws Exception {
        publish("02_08_04", "MINOR,BETA");
        assertEquals(0, push().exit());
        publish("02_08_05", "BETA");
        publish("02_08_06", "MINOR");
        publishTables("1.0.3");
        List<String> args = new ArrayList<>(List.of("site", "push", "--site", site.toString(), "--to", to));
        args.addAll(s3.options());
        // Each kill point is placed in what is still to send, read from a dry run's plan.
        List<java.util.function.Function<long[], Long>> points = List.of(
                sizes -> 1L,                                                // inside the first object
                sizes -> sizes[0],                                          // its last byte handed over
                sizes -> sizes[0] + sizes[Math.min(1, sizes.length - 1)] / 2, // inside the second
                sizes -> sum(sizes) - sizes[sizes.length - 1],              // just before versions.json
                sizes -> sum(sizes) - sizes[sizes.length - 1] / 2);         // inside versions.json
        for (var point : points) {
            List<String> pending = planLines(push("--dry-run"), "upload");
            assertEquals("firmware/versions.json", pending.get(pending.size() - 1), "sent last: " + pending);
            long[] sizes = new long[pending.size()];
            for (int i = 0; i < sizes.length; i++) {
                sizes[i] = Files.size(site.resolve(pending.get(i)));
            }
            long at = point.apply(sizes);
            Map<String, String> env = new java.util.HashMap<>(S3ProxyServer.credentialsEnv(tmp));
            env.put(SitePush.HALT_ENV, Long.toString(at));
            Process p = IotasignProcess.builder(env, args).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(137, p.waitFor(), "halted after " + at + " of " + pending + ":\n" + output);
            assertBucketServesOnlyWholeBlobs("after a kill at byte " + at + " of " + pending);
            assertTrue(new String(bucketContents().get("firmware/versions.json"), StandardCharsets.UTF_8).contains("02_08_04"),
                    "versions.json is not replaced before everything it names is in place (kill at " + at + ")");
        }
        Cli.Result rerun = push();
        assertEquals(0, rerun.exit(), rerun.toString());
        assertBucketServesOnlyWholeBlobs("after the rerun");
        assertEquals(0, checkRemote().exit());
        Cli.Result device = probe("02_08_04");
        assertEquals(0, device.exit(), device.toString());
        assertTrue(device.out().contains("Updater: Update from 02_08_04 to 02_08_06"), device.out());
    }

    /** Every class and the tables the bucket's versions.json advertises are in the bucket, byte for byte the site's. */
    void assertBucketServesOnlyWholeBlobs(String when) throws Exception {
        Map<String, byte[]> remote = bucketContents();
        VersionsFile v = VersionsFile.parse(remote.get("firmware/versions.json"));
        for (String version : v.classes().values()) {
            String path = "firmware/bin/" + version + ".bin";
            assertArrayEquals(Files.readAllBytes(site.resolve(path)), remote.get(path), when + ": " + path);
        }
        if (v.tables().isPresent()) {
            String path = "download/tables/" + v.tables().get() + ".txt";
            assertArrayEquals(Files.readAllBytes(site.resolve(path)), remote.get(path), when + ": " + path);
        }
    }

    static long sum(long[] a) {
        return java.util.Arrays.stream(a).sum();
    }

    static String[] concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all.toArray(String[]::new);
    }
}
