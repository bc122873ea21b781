package org.iotasign.cli;

import java.net.URI;
import java.util.Optional;

import org.iotasign.UsageException;
import org.iotasign.objectstore.ObjectStore;
import org.iotasign.objectstore.S3Location;
import org.iotasign.objectstore.S3Store;

import picocli.CommandLine.Option;

/** How to reach a bucket through the S3 API; credentials come from the SDK's chain, never the command line. */
final class S3Options {
    @Option(names = "--endpoint", paramLabel = "URL",
            description = "The S3 API endpoint when it is not Amazon S3: e.g. https://ACCOUNT.r2.cloudflarestorage.com (R2), https://s3.REGION.backblazeb2.com (B2), http://minio.local:9000 (MinIO).")
    String endpoint;

    @Option(names = "--region", paramLabel = "REGION",
            description = "The bucket's region (default: AWS_REGION, the profile's region, else us-east-1; R2 wants 'auto').")
    String region;

    @Option(names = "--path-style",
            description = "Address the bucket as ENDPOINT/BUCKET/KEY instead of BUCKET.ENDPOINT/KEY (MinIO, Ceph, S3Proxy).")
    boolean pathStyle;

    ObjectStore open(S3Location location) {
        Optional<URI> uri = Optional.empty();
        if (endpoint != null) {
            try {
                uri = Optional.of(URI.create(endpoint));
            } catch (IllegalArgumentException e) {
                throw new UsageException("--endpoint is not a URL: give it as https://HOST[:PORT]");
            }
        }
        return S3Store.open(location, new S3Store.Settings(uri, Optional.ofNullable(region), pathStyle));
    }
}
