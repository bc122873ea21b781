package org.iotasign.bench;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.iotasign.crypto.SoftwareEd25519Signer;
import org.iotasign.objectstore.ObjectStore;
import org.iotasign.objectstore.S3Location;
import org.iotasign.objectstore.S3ProxyServer;
import org.iotasign.objectstore.S3Store;
import org.iotasign.objectstore.SitePush;
import org.iotasign.testing.Cli;
import org.iotasign.testing.TestKeys;
import org.iotasign.testing.TestReleases;

/**
 * Time and request count of {@code site push} for a site of N releases (default 50) into
 * S3Proxy on loopback, then of an unchanged re-push. Requests are counted by the client
 * (every HTTP request the SDK sends, retries included). Run it with:
 *
 * <pre>
 * mvn -B -q -o test-compile dependency:build-classpath -Dmdep.outputFile=target/test.cp -Dmdep.includeScope=test
 * java -cp target/test-classes:target/classes:$(cat target/test.cp) org.iotasign.bench.SitePushBench [--releases 50] [--firmware-kib 700]
 * </pre>
 */
public final class SitePushBench {
    public static void main(String[] args) throws Exception {
        int releases = 50;
        int firmwareKib = 700;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--releases" -> releases = Integer.parseInt(args[i + 1]);
                case "--firmware-kib" -> firmwareKib = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Path work = Files.createTempDirectory(Path.of(System.getProperty("iotasign.buildDir", "target")).toAbsolutePath(), "pushbench");
        SoftwareEd25519Signer signer = TestKeys.test1();
        Path site = work.resolve("site");
        check(Cli.run("site", "init", "--site", site.toString(), "--pubkey", signer.publicKey().hex()));
        for (int i = 0; i < releases; i++) {
            String version = String.format(Locale.ROOT, "02_%02d_%02d", 8 + i / 100, i % 100);
            Path blob = work.resolve(version + ".bin");
            Files.write(blob, TestReleases.sign(TestReleases.unsigned(version, List.of(signer.publicKey()), firmwareKib * 1024), signer));
            check(Cli.run("publish", "--site", site.toString(), "--class", "MINOR", blob.toString()));
            Files.delete(blob);
        }
        System.setProperty("aws.accessKeyId", S3ProxyServer.ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", S3ProxyServer.SECRET_KEY);
        try (S3ProxyServer s3 = S3ProxyServer.start(work)) {
            s3.createBucket("bench");
            S3Location to = S3Location.parse("s3://bench/iotawatt");
            System.out.printf(Locale.ROOT, "site: %d releases of %d KiB firmware, pushed to S3Proxy (filesystem backend) on loopback%n",
                    releases, firmwareKib);
            for (String run : List.of("first push", "unchanged re-push")) {
                try (ObjectStore store = S3Store.open(to, new S3Store.Settings(Optional.of(s3.endpoint()), Optional.of("us-east-1"), true))) {
                    StringWriter log = new StringWriter();
                    SitePush push = new SitePush(org.iotasign.site.Site.open(site), store, to, new PrintWriter(log), false, System::nanoTime);
                    long t0 = System.nanoTime();
                    SitePush.Plan plan = push.plan(false);
                    SitePush.Result r = push.push(plan);
                    double s = (System.nanoTime() - t0) / 1e9;
                    System.out.printf(Locale.ROOT, "%-17s %3d uploaded, %3d unchanged, %6.1f MiB, %4d requests, %6.2f s (%.1f MiB/s)%n", run,
                            plan.count(SitePush.Action.UPLOAD), plan.count(SitePush.Action.SKIP), r.bytes() / 1048576.0, store.requests(), s,
                            r.bytes() / 1048576.0 / s);
                }
            }
        }
    }

    private static void check(Cli.Result r) {
        if (r.exit() != 0) {
            throw new IllegalStateException(r.toString());
        }
    }
}
