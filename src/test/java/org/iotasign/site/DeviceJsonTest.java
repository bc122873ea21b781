package org.iotasign.site;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The device's ArduinoJson 5 parseObject, as far as versions.json is concerned. */
class DeviceJsonTest {
    private static Optional<DeviceJson.Obj> parse(String s) {
        return DeviceJson.parseObject(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static String minor(String json) {
        return parse(json).orElseThrow().object("classes").orElseThrow().string("MINOR");
    }

    @Test
    void readsTheStockLayout() {
        String json = "{ \"classes\": { \"MAJOR\": \"02_07_05\", \"MINOR\": \"02_08_04\" }, \"tables\": \"1.0.3\" }";
        assertEquals("02_08_04", minor(json));
        assertEquals("1.0.3", parse(json).orElseThrow().string("tables"));
    }

    @Test
    void acceptsWhatAStrictParserRejects() {
        assertEquals("02_08_05", minor("{classes:{MINOR:02_08_05}}"), "unquoted keys and values");
        assertEquals("02_08_05", minor("{'classes':{'MINOR':'02_08_05'}}"), "single quotes");
        assertEquals("02_08_05", minor("/* c */{\"classes\"://x\n{\"MINOR\":\"02_08_05\"}}"), "comments");
        assertEquals("02_08_05", minor("{\"classes\":{\"MINOR\":\"02_08_05\"}} trailing garbage ]]"), "text after the object");
        assertEquals("02_08_05", minor("{\"classes\":{\"MINOR\":\"02_08_04\",\"MINOR\":\"02_08_05\"}}"), "last duplicate wins");
        assertEquals("", minor("{\"classes\":{\"MINOR\":}}"), "empty unquoted value");
        assertEquals("u0041", minor("{\"classes\":{\"MINOR\":\"\\u0041\"}}"), "no unicode escapes");
    }

    @Test
    void textEndsAtTheFirstNulByte() {
        byte[] body = "{\"classes\":{\"MINOR\":\"02_08_05\"}}\0garbage".getBytes(StandardCharsets.ISO_8859_1);
        assertTrue(DeviceJson.parseObject(body).isPresent());
        byte[] cut = "{\"classes\":{\"MINOR\":\"02_0\08_05\"}}".getBytes(StandardCharsets.ISO_8859_1);
        assertFalse(DeviceJson.parseObject(cut).isPresent());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "[]", "\"x\"", "{\"classes\":{\"MINOR\":\"02_08_05\"}", "{\"a\" 1}", "{\"a\":1,}", "<html>500</html>",
            "{\"a\":[1,2}"})
    void rejectsWhatTheDeviceCannotParse(String json) {
        assertTrue(parse(json).isEmpty(), json);
    }

    @Test
    void nestingIsLimitedToTenLevels() {
        String ten = "{\"a\":".repeat(9) + "{}" + "}".repeat(9);
        String eleven = "{\"a\":".repeat(10) + "{}" + "}".repeat(10);
        assertTrue(parse(ten).isPresent());
        assertTrue(parse(eleven).isEmpty());
    }

    @Test
    void asCharStarIsNullForNullObjectsAndArrays() {
        DeviceJson.Obj c = parse("{\"classes\":{\"A\":null,\"B\":{},\"C\":[],\"D\":2.5,\"E\":\"null\"}}").orElseThrow()
                .object("classes").orElseThrow();
        assertNull(c.string("A"));
        assertNull(c.string("B"));
        assertNull(c.string("C"));
        assertEquals("2.5", c.string("D"));
        assertEquals("null", c.string("E"));
        assertNull(c.string("MISSING"));
    }

    @Test
    void classesMustBeAnObject() {
        assertTrue(parse("{\"classes\":\"MINOR\"}").orElseThrow().object("classes").isEmpty());
        assertTrue(parse("{\"classes\":[]}").orElseThrow().object("classes").isEmpty());
    }

    @Test
    void whatTheSiteWritesTheDeviceReadsTheSame() {
        VersionsFile v = VersionsFile.empty().withClass(UpdateClass.MINOR, "02_08_05").withClass(UpdateClass.MAJOR, "02_07_05")
                .withTables("1.0.3");
        DeviceJson.Obj d = DeviceJson.parseObject(v.toBytes()).orElseThrow();
        assertEquals("02_08_05", d.object("classes").orElseThrow().string("MINOR"));
        assertEquals("02_07_05", d.object("classes").orElseThrow().string("MAJOR"));
        assertEquals("1.0.3", d.string("tables"));
    }
}
