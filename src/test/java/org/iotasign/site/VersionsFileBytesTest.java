package org.iotasign.site;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/** versions.json byte for byte: existing sites and the devices' cached copies depend on it. */
class VersionsFileBytesTest {
    @Test
    void classesInFixedOrderThenTablesThenOtherMembersTwoSpaceIndentTrailingNewline() {
        VersionsFile v = VersionsFile.parse(("{\"note\":{\"by\":\"ops\",\"n\":[1,2.5,null,true]},\"tables\":\"1.0.2\","
                + "\"classes\":{\"BETA\":\"02_08_06\",\"X\":\"y\",\"MINOR\":\"02_08_04\"}}").getBytes(StandardCharsets.UTF_8))
                .withClass(UpdateClass.MAJOR, "02_08_00").withTables("1.0.3");
        assertEquals("{\n"
                + "  \"classes\" : {\n"
                + "    \"MAJOR\" : \"02_08_00\",\n"
                + "    \"MINOR\" : \"02_08_04\",\n"
                + "    \"BETA\" : \"02_08_06\",\n"
                + "    \"X\" : \"y\"\n"
                + "  },\n"
                + "  \"tables\" : \"1.0.3\",\n"
                + "  \"note\" : {\n"
                + "    \"by\" : \"ops\",\n"
                + "    \"n\" : [ 1, 2.5, null, true ]\n"
                + "  }\n"
                + "}\n", new String(v.toBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void anExistingSitesFileIsWrittenBackUnchanged() throws Exception {
        byte[] existing = Files.readAllBytes(Path.of(getClass().getResource("/site-v1/firmware/versions.json").toURI()));
        assertArrayEquals(existing, VersionsFile.parse(existing).toBytes());
    }

    @Test
    void aNewSitesFileHoldsOnlyAnEmptyClassesObject() {
        assertEquals("{\n  \"classes\" : { }\n}\n", new String(VersionsFile.empty().toBytes(), StandardCharsets.UTF_8));
    }
}
