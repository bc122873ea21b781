package org.iotasign.usb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import org.iotasign.ledger.Ledger;
import org.iotasign.ledger.LedgerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A receipt written by iotasign 0.1.0's USB workflow, beside the ledger it points into, is
 * committed as a fixture: every later build must read it, write it back byte for byte, and
 * find its ledger head in that ledger.
 */
class ReceiptFixtureTest {
    static final String DIR = "/org/iotasign/compat/v0.1.0/";

    @TempDir
    Path dir;

    static byte[] resource(String name) throws IOException {
        try (InputStream in = ReceiptFixtureTest.class.getResourceAsStream(DIR + name)) {
            return in.readAllBytes();
        }
    }

    @Test
    void receiptWrittenBy010ReadsAndWritesBackUnchanged() throws IOException {
        byte[] bytes = resource("02_09_02.bin.receipt.json");
        Receipt receipt = Receipt.parse(bytes);
        assertEquals("02_09_02", receipt.version());
        assertEquals(400152, receipt.size());
        assertEquals(2, receipt.ledgerSeq());
        assertArrayEquals(bytes, receipt.toJson());
    }

    @Test
    void receiptLedgerHeadIsItsRecordIn010Ledger() throws IOException {
        Receipt receipt = Receipt.parse(resource("02_09_02.bin.receipt.json"));
        Path ledger = dir.resolve(Ledger.FILE_NAME);
        Files.write(ledger, resource(Ledger.FILE_NAME));
        LedgerRecord record = new Ledger(ledger).check().records().get((int) receipt.ledgerSeq() - 1);
        assertEquals(receipt.ledgerHead(), record.hash());
        assertEquals(receipt.digest(), record.digest());
        assertEquals(receipt.publicKey(), record.publicKey());
    }
}
