package org.iotasign.site;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.iotasign.crypto.SoftwareEd25519Signer;
import org.iotasign.testing.TestKeys;
import org.iotasign.testing.TestReleases;

/** A site in a temp folder with releases signed by the RFC 8032 test key 1. */
final class SiteFixture {
    static final SoftwareEd25519Signer SIGNER = TestKeys.test1();
    private static final Map<String, byte[]> SIGNED = new ConcurrentHashMap<>();

    final Path dir;
    final Path site;
    final Site opened;

    SiteFixture(Path tempDir) {
        this.dir = tempDir;
        this.site = tempDir.resolve("site");
        this.opened = Site.init(site, SIGNER.publicKey()).site();
    }

    /** Signing is deterministic, so one blob per version serves every test. */
    static byte[] signed(String version) {
        return SIGNED.computeIfAbsent(version, v -> TestReleases.signed(v, SIGNER)).clone();
    }

    /** A signed release file for {@code version} in the temp folder (not yet published). */
    Path release(String version) throws IOException {
        Path p = dir.resolve("release-" + version + ".bin");
        if (!Files.exists(p)) {
            Files.write(p, signed(version));
        }
        return p;
    }

    Path tablesFile(String name, String version) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, "{\n\"version\":\"" + version + "\",\n\"VT\":[\n  {\"model\":\"test\",\"cal\":11.43,\"p60\":[0.6]}\n],\n"
                + "\"CT\":[{\"model\":\"SCT013-000\",\"cal\":[33.0]}]\n}\n", StandardCharsets.US_ASCII);
        return p;
    }

    PublishResult publish(String version, String classes) throws IOException {
        return new Publisher(opened).publish(request(version, classes));
    }

    PublishRequest request(String version, String classes) throws IOException {
        return new PublishRequest(Optional.of(release(version)), UpdateClass.parseList(classes), Optional.empty(),
                false, Optional.empty(), Optional.empty(), Optional.empty());
    }

    PublishResult publishTables(Path file, String version) {
        return new Publisher(opened).publish(new PublishRequest(Optional.empty(), List.of(), Optional.empty(), false,
                Optional.empty(), Optional.of(file), Optional.of(version)));
    }

    String versionsJson() throws IOException {
        return Files.readString(opened.layout().versionsJson());
    }
}
