package org.iotasign.devsim;

import java.util.HashSet;
import java.util.Set;

/**
 * Misbehaviour to inject into the virtual device, for tests of the flasher's error
 * handling. Each block fault fires once, on the first FLASH_DATA with that sequence number.
 */
public final class Faults {
    private final Set<Integer> corruptBlocks = new HashSet<>();
    private final Set<Integer> droppedReplies = new HashSet<>();
    private final Set<Integer> failedWrites = new HashSet<>();
    private volatile boolean neverSync;

    /** The device sees block {@code seq} with a flipped byte, as after line noise: checksum error 0x07. */
    public synchronized Faults corruptBlock(int seq) {
        corruptBlocks.add(seq);
        return this;
    }

    /** The device writes block {@code seq} but its reply is lost. */
    public synchronized Faults dropReply(int seq) {
        droppedReplies.add(seq);
        return this;
    }

    /** Writing block {@code seq} fails the read-back check once: error 0x08. */
    public synchronized Faults failWrite(int seq) {
        failedWrites.add(seq);
        return this;
    }

    /** The device never answers SYNC (not in download mode, wrong port, TX broken). */
    public Faults neverSync() {
        neverSync = true;
        return this;
    }

    boolean ignoresSync() {
        return neverSync;
    }

    synchronized boolean takeCorruptBlock(int seq) {
        return corruptBlocks.remove(seq);
    }

    synchronized boolean takeDroppedReply(int seq) {
        return droppedReplies.remove(seq);
    }

    synchronized boolean takeFailedWrite(int seq) {
        return failedWrites.remove(seq);
    }
}
