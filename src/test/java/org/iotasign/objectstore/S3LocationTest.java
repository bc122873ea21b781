package org.iotasign.objectstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.iotasign.UsageException;
import org.junit.jupiter.api.Test;

/** s3://BUCKET[/PREFIX]: what is accepted, and the keys it gives. */
class S3LocationTest {
    @Test
    void bucketAndPrefixGiveTheKeys() {
        S3Location l = S3Location.parse("s3://updates.example.net/fleet/iotawatt/");
        assertEquals("updates.example.net", l.bucket());
        assertEquals("fleet/iotawatt", l.prefix());
        assertEquals("fleet/iotawatt/firmware/versions.json", l.key("firmware/versions.json"));
        assertEquals("firmware/bin/02_08_05.bin", l.sitePath("fleet/iotawatt/firmware/bin/02_08_05.bin"));
        assertEquals("fleet/iotawatt/", l.listPrefix());
        assertEquals("s3://updates.example.net/fleet/iotawatt", l.toString());
        S3Location root = S3Location.parse("s3://fleet");
        assertEquals("firmware/versions.json", root.key("firmware/versions.json"));
        assertEquals("", root.listPrefix());
    }

    @Test
    void anythingElseIsAUsageError() {
        for (String bad : new String[] {"https://fleet/x", "s3://", "s3://ab", "s3://Upper", "s3://fleet/../x", "s3://fleet/a//b",
                "s3://fleet/.iotasign", "s3://fleet/a b", "s3://fleet/\u001b[31m", "fleet"}) {
            UsageException e = assertThrows(UsageException.class, () -> S3Location.parse(bad), bad);
            assertEquals(-1, e.getMessage().indexOf('\u001b'), "no raw control characters: " + e.getMessage());
        }
    }
}
