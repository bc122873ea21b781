package org.iotasign.espimage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FirmwareCrcTest {

    @Test
    void isCrc32Mpeg2OnTheStandardCheckString() {
        byte[] check = "123456789".getBytes(StandardCharsets.US_ASCII);
        assertEquals(0x0376E6E7, FirmwareCrc.crc32Mpeg2(check, 0, check.length));
        assertEquals(0x0376E6E7, Reference.crcBitwise(check, 0, check.length), "reference implementation sanity");
    }

    @Test
    void tableDrivenCrcMatchesBitwiseReferenceOnRandomData() {
        Random r = new Random(1);
        for (int n : new int[] {0, 1, 7, 255, 4096, 10_007}) {
            byte[] data = new byte[n];
            r.nextBytes(data);
            assertEquals(Reference.crcBitwise(data, 0, n), FirmwareCrc.crc32Mpeg2(data, 0, n), "length " + n);
        }
    }

    @Test
    void eightBytesAStepMatchesTheBitwiseReferenceAtEveryLengthAndAlignment() {
        byte[] data = new byte[80];
        new Random(4).nextBytes(data);
        for (int from = 0; from < 9; from++) {
            for (int n = 0; from + n <= data.length; n++) {
                assertEquals(Reference.crcBitwise(data, from, from + n), FirmwareCrc.crc32Mpeg2(data, from, n), "from " + from + ", length " + n);
            }
        }
    }

    @Test
    void firmwareCrcMatchesTheReferenceForLengthsThatAreNotWholeSteps() {
        byte[] file = new byte[0x1040];
        new Random(5).nextBytes(file);
        for (int length = 0x1018; length <= file.length; length += 3) {
            assertEquals(Reference.firmwareCrc(java.util.Arrays.copyOf(file, length)), FirmwareCrc.ofFirmware(file, length), "length " + length);
        }
    }

    @Test
    void firmwareCrcTreatsTheLengthAndCrcWordsAsZero() {
        byte[] file = new byte[0x1800];
        new Random(2).nextBytes(file);
        assertEquals(Reference.firmwareCrc(file), FirmwareCrc.ofFirmware(file, file.length));
        byte[] otherWords = file.clone();
        otherWords[0x1010] ^= 0x55;
        otherWords[0x1017] ^= 0x01;
        assertEquals(FirmwareCrc.ofFirmware(file, file.length), FirmwareCrc.ofFirmware(otherWords, otherWords.length));
    }

    @Test
    void firmwareCrcCoversOnlyTheRequestedPrefix() {
        byte[] file = new byte[0x1400];
        new Random(3).nextBytes(file);
        byte[] prefix = java.util.Arrays.copyOf(file, 0x1200);
        assertEquals(Reference.firmwareCrc(prefix), FirmwareCrc.ofFirmware(file, 0x1200));
    }

    @Test
    void firmwareCrcRefusesAFileTooShortToHoldTheWords() {
        assertThrows(IllegalArgumentException.class, () -> FirmwareCrc.ofFirmware(new byte[0x1017], 0x1017));
    }
}
