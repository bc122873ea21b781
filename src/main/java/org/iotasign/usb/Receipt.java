package org.iotasign.usb;

import org.iotasign.io.JsonText;

import java.io.IOException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

import org.iotasign.crypto.Fingerprints;
import org.iotasign.ledger.LedgerRecord;


/**
 * {@code signed/<version>.bin.receipt.json}: what was signed, with which key, when, and
 * where in the ledger, so the online side can check the blob and publish the ledger head.
 *
 * @param version     the release version
 * @param file        the signed file's name
 * @param size        the signed file's size in bytes
 * @param digest      hex SHA-256 of the unsigned bytes (the signed message)
 * @param fingerprint short form of {@code digest}, as {@code iotasign pack} printed it
 * @param signature   hex of the 64-byte signature (the file's last 64 bytes)
 * @param key         fingerprint of the signing key
 * @param publicKey   hex of the signing key
 * @param tokenSerial the token's serial number
 * @param signedAt    time of the ledger record
 * @param ledgerSeq   sequence number of the ledger record
 * @param ledgerHead  hash of that record: the ledger head right after this signature
 * @param source      the outbox file it was made from
 */
public record Receipt(String version, String file, long size, String digest, String fingerprint, String signature,
                      String key, String publicKey, String tokenSerial, String signedAt, long ledgerSeq, String ledgerHead,
                      String source) {

    static Receipt of(String file, byte[] signed, byte[] signature, LedgerRecord record, String source) {
        return new Receipt(record.version(), file, signed.length, record.digest(),
                Fingerprints.of(HexFormat.of().parseHex(record.digest())), HexFormat.of().formatHex(signature), record.key(),
                record.publicKey(), record.tokenSerial(), record.time(), record.seq(), record.hash(), source);
    }

    byte[] toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", version);
        m.put("file", file);
        m.put("size", size);
        m.put("digest", digest);
        m.put("fingerprint", fingerprint);
        m.put("signature", signature);
        m.put("key", key);
        m.put("publicKey", publicKey);
        m.put("tokenSerial", tokenSerial);
        m.put("signedAt", signedAt);
        m.put("ledgerSeq", ledgerSeq);
        m.put("ledgerHead", ledgerHead);
        m.put("source", source);
        return (JsonText.pretty(m) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** @throws IOException when the text is not a complete receipt */
    static Receipt parse(byte[] json) throws IOException {
        Object parsed = JsonText.parse(new String(json, java.nio.charset.StandardCharsets.UTF_8));
        if (!(parsed instanceof Map<?, ?> n)) {
            throw new IOException("the receipt is not a JSON object");
        }
        String[] names = {"version", "file", "size", "digest", "fingerprint", "signature", "key", "publicKey", "tokenSerial",
                "signedAt", "ledgerSeq", "ledgerHead", "source"};
        for (String name : names) {
            if (n.get(name) == null) {
                throw new IOException("the receipt has no \"" + name + "\"");
            }
        }
        try {
            return new Receipt(str(n, "version"), str(n, "file"), num(n, "size"), str(n, "digest"), str(n, "fingerprint"),
                    str(n, "signature"), str(n, "key"), str(n, "publicKey"), str(n, "tokenSerial"), str(n, "signedAt"),
                    num(n, "ledgerSeq"), str(n, "ledgerHead"), str(n, "source"));
        } catch (ClassCastException e) {
            throw new IOException("the receipt has a member of the wrong type");
        }
    }

    private static String str(Map<?, ?> n, String name) {
        return n.get(name).toString();
    }

    private static long num(Map<?, ?> n, String name) {
        return ((Number) n.get(name)).longValue();
    }
}
