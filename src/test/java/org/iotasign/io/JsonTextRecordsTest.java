package org.iotasign.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

class JsonTextRecordsTest {
    record Port(String path, String description) {
    }

    record Report(boolean ready, int count, Port first, List<Port> ports, String note) {
    }

    @Test
    void aRecordIsAnObjectOfItsComponentsInDeclarationOrder() {
        Port p = new Port("/dev/ttyUSB0", "CP2102");
        assertEquals("{\"ready\":true,\"count\":2,\"first\":{\"path\":\"/dev/ttyUSB0\",\"description\":\"CP2102\"},"
                        + "\"ports\":[{\"path\":\"/dev/ttyUSB0\",\"description\":\"CP2102\"}],\"note\":null}",
                JsonText.compact(new Report(true, 2, p, List.of(p), null)));
    }
}
