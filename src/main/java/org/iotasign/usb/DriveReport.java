package org.iotasign.usb;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** What one pass over a drive did, input by input. */
public final class DriveReport {
    /** What happened to one outbox entry. */
    public enum Result {
        SIGNED, ALREADY_SIGNED, REFUSED, DECLINED, ALREADY_REJECTED, IGNORED
    }

    /** @param detail one line for the operator */
    public record Item(String input, Result result, String detail) {
    }

    private final Path drive;
    private final List<Item> items = new ArrayList<>();
    private final List<String> verified = new ArrayList<>();
    private String fault;
    private boolean safeToRemove;

    DriveReport(Path drive) {
        this.drive = drive;
    }

    void add(String input, Result result, String detail) {
        items.add(new Item(input, result, detail));
    }

    void verifiedOutput(String file) {
        verified.add(file);
    }

    void fault(String message) {
        fault = message;
    }

    void safeToRemove() {
        safeToRemove = true;
    }

    public Path drive() {
        return drive;
    }

    public List<Item> items() {
        return List.copyOf(items);
    }

    /** Signed files re-read from the drive and checked against their digests and receipts. */
    public List<String> verifiedOutputs() {
        return List.copyOf(verified);
    }

    /** The environment problem that stopped the pass (drive pulled or full, token removed, ledger unwritable). */
    public Optional<String> fault() {
        return Optional.ofNullable(fault);
    }

    /** True once every output was written, fsynced, re-read and verified. */
    public boolean isSafeToRemove() {
        return safeToRemove;
    }

    public long count(Result r) {
        return items.stream().filter(i -> i.result() == r).count();
    }

    /** True when something needs the build machine's attention (refused, declined, ignored). */
    public boolean hasRejections() {
        return items.stream().anyMatch(i -> i.result() == Result.REFUSED || i.result() == Result.DECLINED
                || i.result() == Result.IGNORED || i.result() == Result.ALREADY_REJECTED);
    }

    public String summary() {
        return String.format("%d signed, %d already signed, %d refused, %d declined, %d already rejected, %d ignored",
                count(Result.SIGNED), count(Result.ALREADY_SIGNED), count(Result.REFUSED), count(Result.DECLINED),
                count(Result.ALREADY_REJECTED), count(Result.IGNORED));
    }
}
