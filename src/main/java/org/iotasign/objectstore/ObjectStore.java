package org.iotasign.objectstore;

import java.io.InputStream;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The few object-storage operations a site push needs, with no SDK type in sight: so the
 * push logic and its tests do not depend on how the store is reached, and the SDK is
 * loaded only when a store is opened ({@link S3Store#open}).
 */
public interface ObjectStore extends AutoCloseable {
    /** A key as a listing shows it; {@code etag} is the store's entity tag without quotes. */
    record Listed(String key, long size, String etag) {
    }

    /** What the store returned for a GET: the byte count and SHA-256 of the body. */
    record Fetched(long size, byte[] sha256) {
    }

    /** Response headers a device and a CDN act on. */
    record Head(long size, String contentType, String cacheControl) {
    }

    /** The headers an object is stored with. {@code md5} lets the store refuse a body damaged in transit. */
    record Put(String contentType, String cacheControl, byte[] md5, String sha256Hex) {
    }

    /** Every key under {@code prefix}. */
    Map<String, Listed> list(String prefix);

    /** Stores {@code size} bytes from a fresh stream (the store may ask again on a retry). */
    void put(String key, Supplier<InputStream> body, long size, Put headers);

    /** GETs the object and hashes what comes back; empty when there is none. */
    Optional<Fetched> fetch(String key);

    /** GETs a small object whole; empty when there is none. */
    Optional<byte[]> read(String key, int maxBytes);

    Optional<Head> head(String key);

    void delete(String key);

    /** HTTP requests sent so far, retries included. */
    long requests();

    /** Where the store is, for messages (never a credential). */
    String describe();

    @Override
    void close();
}
