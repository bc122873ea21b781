package org.iotasign.site;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** The device's packed tables version and its reading of a downloaded tables file. */
class TablesVersionTest {
    @Test
    void packsAndDisplaysAsTheDevice() {
        assertEquals((1 << 16) + 3, TablesVersion.parse("1.0.3"));
        assertEquals("1.0.3", TablesVersion.display(TablesVersion.parse("1.0.3")));
        assertEquals("1.2.0", TablesVersion.display(TablesVersion.parse("1_2")), "underscore separators, missing parts are 0");
        assertEquals("0.0.0", TablesVersion.display(TablesVersion.parse("v1.0.3")), "strtol stops at a letter");
        assertEquals("1.1.0", TablesVersion.display(TablesVersion.parse("1.0.256")), "an overflowing part carries");
        assertEquals("invalid", TablesVersion.display(TablesVersion.NONE));
        assertEquals(TablesVersion.NONE, TablesVersion.parse(null));
    }

    @Test
    void onlyCanonicalVersionsArePublishable() {
        assertTrue(TablesVersion.isCanonical("1.0.3"));
        assertTrue(TablesVersion.isCanonical("255.255.255"));
        assertFalse(TablesVersion.isCanonical("1.0"));
        assertFalse(TablesVersion.isCanonical("01.0.3"));
        assertFalse(TablesVersion.isCanonical("1.0.256"));
        assertFalse(TablesVersion.isCanonical("1_0_3"));
    }

    @Test
    void readsTheVersionOfATablesFileThroughTheDevicesSummary() {
        // 16 levels deep: beyond the parser's nesting limit of 10, fine once condensed to depth 1.
        String file = "{\n\"version\":\"0.0.8\",\n\"VT\":[\n  {\"model\":\"Jameco/112336\",\"cal\":11.43,\"p60\":[0.6]},\n"
                + "\t{\"model\":\"a \\\"quoted\\\" {name}\"}\n],\n\"CT\":[" + "[".repeat(15) + "]".repeat(15) + "]\n}\n";
        assertEquals(TablesVersion.parse("0.0.8"), DeviceTables.version(file.getBytes(StandardCharsets.US_ASCII)));
        String summary = new String(DeviceTables.summary(file.getBytes(StandardCharsets.US_ASCII)).orElseThrow(), StandardCharsets.US_ASCII);
        assertTrue(summary.startsWith("{\"version\":\"0.0.8\",\"VT\":[26,"), summary);
    }

    @Test
    void aTablesFileWithoutVersionReadsAsNone() {
        assertEquals(TablesVersion.NONE, DeviceTables.version("{\"VT\":[]}".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(TablesVersion.NONE, DeviceTables.version("not json".getBytes(StandardCharsets.US_ASCII)));
    }
}
