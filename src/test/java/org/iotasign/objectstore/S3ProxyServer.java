package org.iotasign.objectstore;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * S3Proxy (a real implementation of the S3 API on jclouds) in JVMs of their own, on
 * 127.0.0.1 and ports the kernel picks, storing objects in one folder (its filesystem
 * backend). Two servers share that folder: the API endpoint checks AWS signatures with
 * the identity below (what {@code site push} talks to), and a second one answers
 * anonymous GETs (what devices poll, as a CDN or a bucket's public domain does). The jar
 * is copied to target/s3proxy/ by Maven (process-test-resources).
 */
public final class S3ProxyServer implements AutoCloseable {
    public static final String ACCESS_KEY = "iotasign-test";
    public static final String SECRET_KEY = "s3proxy-test-secret-never-printed";
    private static final Pattern STARTED = Pattern.compile("ServerConnector.*\\{127\\.0\\.0\\.1:(\\d+)\\}");

    private final Instance api;
    private final Instance reads;

    private record Instance(Process process, int port) {
    }

    private S3ProxyServer(Instance api, Instance reads) {
        this.api = api;
        this.reads = reads;
    }

    public static S3ProxyServer start(Path dir) throws IOException, InterruptedException {
        Path data = Files.createDirectories(dir.resolve("s3proxy-data"));
        Instance api = instance(dir, "api", data, List.of("s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=" + ACCESS_KEY, "s3proxy.credential=" + SECRET_KEY));
        try {
            return new S3ProxyServer(api, instance(dir, "public", data, List.of("s3proxy.authorization=none")));
        } catch (IOException | RuntimeException e) {
            stop(api.process());
            throw e;
        }
    }

    private static Instance instance(Path dir, String name, Path data, List<String> auth) throws IOException {
        Path jar = Path.of(System.getProperty("iotasign.buildDir", "target"), "s3proxy", "s3proxy.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: Maven copies it in process-test-resources (mvn test-compile)");
        }
        Path props = dir.resolve("s3proxy-" + name + ".properties");
        List<String> lines = new java.util.ArrayList<>(auth);
        lines.addAll(List.of("s3proxy.endpoint=http://127.0.0.1:0", "jclouds.provider=filesystem", "jclouds.filesystem.basedir=" + data, ""));
        Files.writeString(props, String.join("\n", lines));
        Path log = dir.resolve("s3proxy-" + name + ".log");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto", "-Xmx256m",
                "-jar", jar.toString(), "--properties", props.toString())
                .redirectErrorStream(true).start();
        CompletableFuture<Integer> port = new CompletableFuture<>();
        Thread drain = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                 PrintWriter w = new PrintWriter(Files.newBufferedWriter(log))) {
                for (String line; (line = r.readLine()) != null; ) {
                    w.println(line);
                    w.flush();
                    Matcher m = STARTED.matcher(line);
                    if (m.find()) {
                        port.complete(Integer.parseInt(m.group(1)));
                    }
                }
            } catch (IOException e) {
                port.completeExceptionally(e);
            }
            port.completeExceptionally(new IOException("S3Proxy exited before listening; see " + log));
        }, "s3proxy-log");
        drain.setDaemon(true);
        drain.start();
        try {
            return new Instance(p, port.get(60, TimeUnit.SECONDS));
        } catch (Exception e) {
            p.destroyForcibly();
            throw new IOException("S3Proxy did not start within 60 s (" + e + "); see " + log, e);
        }
    }

    /** The S3 API endpoint. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + api.port());
    }

    /** What a device's IOTA_UPDATE_HOST becomes for a site at {@code s3://bucket/prefix}: the public endpoint, path-style. */
    public String httpBase(String bucket, String prefix) {
        return "http://127.0.0.1:" + reads.port() + "/" + bucket + (prefix.isEmpty() ? "" : "/" + prefix);
    }

    /** A client with the test identity, configured as {@link S3Store} configures its own. */
    public S3Client client() {
        return S3Client.builder()
                .httpClient(UrlConnectionHttpClient.builder().build())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .region(Region.US_EAST_1)
                .endpointOverride(endpoint())
                .forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .build();
    }

    public void createBucket(String bucket) {
        try (S3Client c = client()) {
            c.createBucket(b -> b.bucket(bucket));
        }
    }

    /** Environment for an iotasign process that pushes here (and no other AWS configuration). */
    public static java.util.Map<String, String> credentialsEnv(Path dir) {
        return java.util.Map.of("AWS_ACCESS_KEY_ID", ACCESS_KEY, "AWS_SECRET_ACCESS_KEY", SECRET_KEY,
                "AWS_CONFIG_FILE", dir.resolve("no-aws-config").toString(),
                "AWS_SHARED_CREDENTIALS_FILE", dir.resolve("no-aws-credentials").toString(),
                "AWS_EC2_METADATA_DISABLED", "true");
    }

    /** The command-line options that reach this server. */
    public List<String> options() {
        return List.of("--endpoint", endpoint().toString(), "--path-style", "--region", "us-east-1");
    }

    @Override
    public void close() {
        stop(api.process());
        stop(reads.process());
    }

    private static void stop(Process process) {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
