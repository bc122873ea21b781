package org.iotasign.seriallink;

/** What the bridge end reports while it submits: status lines and progress. */
public interface BridgeListener {
    BridgeListener NONE = new BridgeListener() {
    };

    /** One line worth showing the person waiting (connected, resuming, awaiting review). */
    default void status(String line) {
    }

    /** Bytes the signer has acknowledged so far. */
    default void progress(long acknowledgedBytes, long totalBytes) {
    }
}
