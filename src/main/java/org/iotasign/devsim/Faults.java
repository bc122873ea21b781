package org.iotasign.devsim;

import java.util.HashMap;
import java.util.Map;

/**
 * Misbehaviour to inject into the virtual device, for tests of the flasher's error
 * handling. Block faults fire on the FLASH_DATA requests with the given sequence number,
 * as many times as asked.
 */
public final class Faults {
    private final Map<Integer, Integer> corruptBlocks = new HashMap<>();
    private final Map<Integer, Integer> droppedReplies = new HashMap<>();
    private final Map<Integer, Integer> failedWrites = new HashMap<>();
    private volatile boolean neverSync;

    /** The device sees block {@code seq} with a flipped bit, as after line noise: checksum error 0x07. */
    public synchronized Faults corruptBlock(int seq, int times) {
        corruptBlocks.merge(seq, times, Integer::sum);
        return this;
    }

    /** The device writes block {@code seq} but its reply is lost. */
    public synchronized Faults dropReply(int seq, int times) {
        droppedReplies.merge(seq, times, Integer::sum);
        return this;
    }

    /** Writing block {@code seq} fails the read-back check: error 0x08. */
    public synchronized Faults failWrite(int seq, int times) {
        failedWrites.merge(seq, times, Integer::sum);
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

    boolean takeCorruptBlock(int seq) {
        return take(corruptBlocks, seq);
    }

    boolean takeDroppedReply(int seq) {
        return take(droppedReplies, seq);
    }

    boolean takeFailedWrite(int seq) {
        return take(failedWrites, seq);
    }

    private synchronized boolean take(Map<Integer, Integer> m, int seq) {
        Integer left = m.get(seq);
        if (left == null || left <= 0) {
            return false;
        }
        m.put(seq, left - 1);
        return true;
    }
}
