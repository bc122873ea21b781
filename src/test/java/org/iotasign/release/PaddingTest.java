package org.iotasign.release;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.iotasign.testing.Digests;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Entry data occupies ceil(len/8)*8 bytes, zero-padded, exactly as the device's 512-byte chunked reads consume it. */
class PaddingTest {
    static Stream<Integer> lengths() {
        return Stream.concat(IntStream.rangeClosed(0, 17).boxed(), Stream.of(511, 512, 513, 1023, 1024, 1025));
    }

    @ParameterizedTest
    @MethodSource("lengths")
    void entryIsPaddedToAMultipleOfEightAndWalksCleanly(int len) {
        byte[] data = new byte[len];
        Arrays.fill(data, (byte) 0x5a);
        byte[] blob = ReleasePacker.serialize("02_08_05", List.of(new ReleaseEntry("iotawatt.bin", data)));

        int padded = (len + 7) / 8 * 8;
        assertEquals(16 + 32 + padded, blob.length);
        for (int i = 16 + 32 + len; i < blob.length; i++) {
            assertEquals(0, blob[i], "padding byte at " + i);
        }
        ReleaseBlob parsed = ReleaseBlob.parseUnsigned(blob, FirmwareLimit.DEFAULT);
        EntryInfo e = parsed.entries().get(0);
        assertEquals(len, e.length());
        assertEquals(padded, e.paddedLength());
        assertArrayEquals(Digests.sha256(data), e.sha256().orElseThrow());
        assertArrayEquals(Digests.sha256(blob), parsed.bodyDigest());
    }
}
