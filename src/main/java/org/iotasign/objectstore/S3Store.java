package org.iotasign.objectstore;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.iotasign.EnvironmentException;
import org.iotasign.Hint;
import org.iotasign.RejectedException;
import org.iotasign.UsageException;
import org.iotasign.crypto.Hashes;

import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.AwsProfileRegionProvider;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A bucket reached through the S3 API with the AWS SDK: Amazon S3, Cloudflare R2,
 * Backblaze B2, MinIO, Ceph RGW. Credentials come from the SDK's standard chain
 * (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, AWS_PROFILE and ~/.aws); they are never
 * read, stored or printed here. The only class that touches the SDK, so no other
 * command pays for loading it.
 */
public final class S3Store implements ObjectStore {
    /** Connection settings: {@code endpoint} empty for Amazon S3 itself. */
    public record Settings(Optional<URI> endpoint, Optional<String> region, boolean pathStyle) {
    }

    private final S3Client s3;
    private final String bucket;
    private final String where;
    private final AtomicLong requests;

    private S3Store(S3Client s3, String bucket, String where, AtomicLong requests) {
        this.s3 = s3;
        this.bucket = bucket;
        this.where = where;
        this.requests = requests;
    }

    public static ObjectStore open(S3Location location, Settings settings) {
        settings.endpoint().ifPresent(e -> {
            if (e.getRawUserInfo() != null) {
                // Never echoed: it may hold a secret.
                throw new UsageException("must not carry credentials: give them in AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE", Hint.ENDPOINT);
            }
            if (!("http".equals(e.getScheme()) || "https".equals(e.getScheme())) || e.getHost() == null) {
                throw new UsageException(S3Location.printable(e.toString()) + " must be http(s)://HOST[:PORT]", Hint.ENDPOINT);
            }
        });
        AtomicLong counter = new AtomicLong();
        ExecutionInterceptor counting = new ExecutionInterceptor() {
            @Override
            public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
                counter.incrementAndGet();
            }
        };
        try {
            var builder = S3Client.builder()
                    .httpClient(UrlConnectionHttpClient.builder().build())
                    .credentialsProvider(DefaultCredentialsProvider.builder().build())
                    .region(Region.of(region(settings)))
                    .forcePathStyle(settings.pathStyle())
                    // Checksums only where the API demands them: stores other than Amazon S3 do not all
                    // know the newer checksum headers. Integrity is Content-MD5 on upload and a SHA-256
                    // of the object read back.
                    .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                    .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                    .overrideConfiguration(c -> c.addExecutionInterceptor(counting));
            settings.endpoint().ifPresent(builder::endpointOverride);
            return new S3Store(builder.build(), location.bucket(),
                    location + settings.endpoint().map(e -> " at " + e).orElse(""), counter);
        } catch (SdkException e) {
            throw new EnvironmentException("cannot set up the S3 client: " + firstLine(e), Hint.CHECK_STORE_ADDRESS);
        }
    }

    /** --region, then AWS_REGION, then the profile's region, then us-east-1 (what MinIO and S3Proxy expect). */
    private static String region(Settings settings) {
        if (settings.region().isPresent()) {
            return settings.region().get();
        }
        String env = System.getenv("AWS_REGION");
        if (env != null && !env.isBlank()) {
            return env.trim();
        }
        try {
            return new AwsProfileRegionProvider().getRegion().id();
        } catch (SdkException | IllegalStateException e) {
            return "us-east-1";
        }
    }

    @Override
    public Map<String, Listed> list(String prefix) {
        Map<String, Listed> out = new LinkedHashMap<>();
        String token = null;
        do {
            ListObjectsV2Request.Builder req = ListObjectsV2Request.builder().bucket(bucket).prefix(prefix);
            if (token != null) {
                req.continuationToken(token);
            }
            ListObjectsV2Response page = call("list " + prefix, () -> s3.listObjectsV2(req.build()));
            for (S3Object o : page.contents()) {
                out.put(o.key(), new Listed(o.key(), o.size() == null ? -1 : o.size(), unquote(o.eTag())));
            }
            token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
        } while (token != null);
        return out;
    }

    @Override
    public void put(String key, Supplier<InputStream> body, long size, Put headers) {
        call("upload " + key, () -> s3.putObject(b -> b.bucket(bucket).key(key)
                        .contentType(headers.contentType())
                        .cacheControl(headers.cacheControl())
                        .contentLength(size)
                        .contentMD5(Base64.getEncoder().encodeToString(headers.md5()))
                        .metadata(Map.of("sha256", headers.sha256Hex())),
                RequestBody.fromContentProvider(body::get, size, headers.contentType())));
    }

    @Override
    public Optional<Fetched> fetch(String key) {
        return call("read " + key, () -> {
            try (ResponseInputStream<GetObjectResponse> in = s3.getObject(b -> b.bucket(bucket).key(key))) {
                MessageDigest sha = Hashes.sha256();
                byte[] buf = new byte[65536];
                long n = 0;
                for (int r; (r = in.read(buf)) > 0; ) {
                    sha.update(buf, 0, r);
                    n += r;
                }
                return Optional.of(new Fetched(n, sha.digest()));
            } catch (NoSuchKeyException e) {
                return Optional.<Fetched>empty();
            } catch (IOException e) {
                throw new EnvironmentException("reading " + key + " from " + where + " failed: " + e.getMessage() + ": check the connection and try again");
            }
        });
    }

    @Override
    public Optional<byte[]> read(String key, int maxBytes) {
        return call("read " + key, () -> {
            try (ResponseInputStream<GetObjectResponse> in = s3.getObject(b -> b.bucket(bucket).key(key))) {
                byte[] bytes = in.readNBytes(maxBytes + 1);
                if (bytes.length > maxBytes) {
                    throw new RejectedException(key + " in " + where + " is larger than " + maxBytes + " bytes: that is not a site file");
                }
                return Optional.of(bytes);
            } catch (NoSuchKeyException e) {
                return Optional.<byte[]>empty();
            } catch (IOException e) {
                throw new EnvironmentException("reading " + key + " from " + where + " failed: " + e.getMessage() + ": check the connection and try again");
            }
        });
    }

    @Override
    public Optional<Head> head(String key) {
        return call("look up " + key, () -> {
            try {
                HeadObjectResponse h = s3.headObject(b -> b.bucket(bucket).key(key));
                return Optional.of(new Head(h.contentLength() == null ? -1 : h.contentLength(), h.contentType(), h.cacheControl()));
            } catch (NoSuchKeyException e) {
                return Optional.<Head>empty();
            } catch (AwsServiceException e) {
                if (e.statusCode() == 404) {
                    return Optional.<Head>empty();
                }
                throw e;
            }
        });
    }

    @Override
    public void delete(String key) {
        call("delete " + key, () -> s3.deleteObject(b -> b.bucket(bucket).key(key)));
    }

    @Override
    public long requests() {
        return requests.get();
    }

    @Override
    public String describe() {
        return where;
    }

    @Override
    public void close() {
        s3.close();
    }

    /** Turns the SDK's exceptions into one-line errors saying what to check. */
    private <T> T call(String what, Supplier<T> op) {
        try {
            return op.get();
        } catch (AwsServiceException e) {
            String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
            String status = "HTTP " + e.statusCode() + (code == null ? "" : " " + S3Location.printable(code));
            if ("NoSuchBucket".equals(code)) {
                throw new EnvironmentException("bucket " + bucket + " does not exist at " + where, Hint.CHECK_BUCKET);
            }
            if (e.statusCode() == 403 || e.statusCode() == 401) {
                throw new EnvironmentException("the store refused to " + what + " (" + status + ")", Hint.CHECK_STORE_ACCESS);
            }
            throw new EnvironmentException("could not " + what + " in " + where + " (" + status + "): check the store and try again");
        } catch (SdkException e) {
            String m = firstLine(e);
            if (m.startsWith("Unable to load credentials")) {
                throw new EnvironmentException("no credentials for the S3 API: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE with ~/.aws/credentials");
            }
            throw new EnvironmentException("could not " + what + " in " + where + ": " + m, Hint.CHECK_STORE_NETWORK);
        }
    }

    private static String firstLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        return S3Location.printable(nl < 0 ? m : m.substring(0, nl));
    }

    private static String unquote(String etag) {
        if (etag == null) {
            return "";
        }
        return etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"") ? etag.substring(1, etag.length() - 1) : etag;
    }
}
