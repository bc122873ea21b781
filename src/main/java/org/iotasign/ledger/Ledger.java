package org.iotasign.ledger;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;

import org.iotasign.EnvironmentException;
import org.iotasign.io.AtomicFile;

/**
 * The signing ledger: an append-only JSON Lines file, one record per signature, repeat,
 * refusal, declined or abandoned request, or recovery, chained by SHA-256 (see
 * {@link LedgerFormat}).
 *
 * <p>Appending takes an exclusive lock on the file, re-reads and verifies the whole
 * chain, lets the caller decide the record from the current history (so two signers on
 * one laptop cannot both pass a rule that only one may), writes the line with a single
 * write, and fsyncs before returning. Callers sign only after {@link #append} returned:
 * if the ledger cannot be written, nothing is signed.
 *
 * <p>A ledger {@link #anchoredTo anchored} to a token also checks the file against the
 * token's {@link LedgerAnchor} before every read for a decision and every append, and
 * moves the anchor to the new record after the record is fsynced, still under the lock.
 * Order on a crash: the record is on disk before the anchor moves, so a kill between the
 * two leaves the file one record ahead of the anchor ({@link AnchorStatus.State#AHEAD}),
 * which the next append anchors; the anchor is never ahead of the file.
 */
public final class Ledger {
    /** One JVM holds the file lock at most once; this serialises appends within the JVM. */
    private static final Object APPEND_LOCK = new Object();
    public static final String FILE_NAME = "ledger.jsonl";

    private final Path path;
    private final Clock clock;
    private final AnchorStore anchor;

    public Ledger(Path path, Clock clock) {
        this(path, clock, AnchorStore.NONE);
    }

    public Ledger(Path path) {
        this(path, Clock.systemUTC());
    }

    private Ledger(Path path, Clock clock, AnchorStore anchor) {
        this.path = path.toAbsolutePath();
        this.clock = clock;
        this.anchor = anchor;
    }

    /** This ledger checked against, and anchored on, {@code store} (the signing token). */
    public Ledger anchoredTo(AnchorStore store) {
        return new Ledger(path, clock, store);
    }

    /** The default ledger: {@code ledger.jsonl} in the tool's data folder ({@code $IOTASIGN_HOME}). */
    public static Path defaultPath(Path home) {
        return home.resolve(FILE_NAME);
    }

    public Path path() {
        return path;
    }

    /** Where the anchor lives ({@link AnchorStore#NONE} for a ledger not anchored). */
    public AnchorStore anchorStore() {
        return anchor;
    }

    /** Walks the chain; a missing file is an empty chain (see {@link #exists()} and {@link #anchorStatus}). */
    public LedgerCheck check() {
        if (!Files.exists(path)) {
            return new LedgerCheck(List.of(), Optional.empty(), new byte[0]);
        }
        try {
            return check(Files.readAllBytes(path));
        } catch (IOException e) {
            throw new EnvironmentException("cannot read the signing ledger " + path + ": " + AtomicFile.describe(e)
                    + ": check the path given with --ledger and its permissions");
        }
    }

    public boolean exists() {
        return Files.exists(path);
    }

    /** The file against the token's anchor (reads both; the chain's own problems are in {@code check}). */
    public AnchorStatus anchorStatus(LedgerCheck check) {
        return AnchorStatus.of(anchor, exists(), check, path.toString());
    }

    /**
     * The committed records, for policy decisions. A broken chain stops signing: the
     * history the policy relies on cannot be trusted; so does a file that lost records
     * its token anchors. An incomplete last line is an append that never completed, so it
     * is not part of the history.
     */
    public List<LedgerRecord> records() {
        LedgerCheck c = requireSound(check());
        requireAnchored(AnchorStatus.of(anchor, exists(), c, path.toString()));
        return c.records();
    }

    private LedgerCheck requireSound(LedgerCheck c) {
        if (c.problem().isPresent()) {
            throw new EnvironmentException("the signing ledger " + path + " fails verification: " + c.problem().get()
                    + ": nothing is signed against a damaged ledger; restore it from a backup (see 'iotasign ledger verify')");
        }
        return c;
    }

    private static void requireAnchored(AnchorStatus s) {
        if (!s.consistent()) {
            throw new EnvironmentException("nothing is signed: " + s.message());
        }
    }

    /** A record as appended: its place in the chain and its hash (the new head). */
    public record Appended(LedgerRecord record) {
        public long seq() {
            return record.seq();
        }

        public String head() {
            return record.hash();
        }
    }

    /**
     * The record was appended and fsynced but the token's anchor could not be moved to it
     * (the token was pulled): the file is one record ahead, which the next append anchors.
     */
    public static final class AnchorNotMoved extends EnvironmentException {
        private final transient Appended appended;

        AnchorNotMoved(Appended appended, EnvironmentException cause) {
            super("ledger record " + appended.seq() + " was written but the token's ledger anchor was not moved to it: "
                    + cause.getMessage(), cause);
            this.appended = appended;
        }

        public Appended appended() {
            return appended;
        }
    }

    /**
     * Appends the record {@code decide} makes from the current history, under an
     * exclusive lock, fsyncs it, and moves the token's anchor to it.
     *
     * @throws EnvironmentException when the ledger cannot be read, verified, written or fsynced, or does not hold
     *                              what its token anchors
     */
    public Appended append(Function<List<LedgerRecord>, LedgerRecord> decide) {
        return appendLocked(status -> {
            requireAnchored(status);
            return null;
        }, (c, status) -> decide.apply(c.records())).orElseThrow();
    }

    /**
     * Records that the records the token anchors are lost (a deleted, truncated, replaced
     * or forked file) and continues the chain: the recovery record, made by {@code draft}
     * from what differs, is appended to whatever intact chain the file still holds (a new
     * file when it is gone), and the anchor moves to it. Does nothing when the file holds
     * what the token anchors.
     *
     * @return the recovery record, or empty when there was nothing to recover
     * @throws EnvironmentException when the token cannot hold an anchor, or the file's chain is itself damaged
     */
    public Optional<Appended> recover(Function<AnchorStatus, LedgerRecord> draft) {
        if (!anchor.available()) {
            throw new EnvironmentException("nothing to recover against: " + anchor.describe()
                    + " cannot hold a ledger anchor, so the ledger has only its file's protection");
        }
        return appendLocked(status -> status.consistent() ? Optional.<Appended>empty() : null, (c, status) -> {
            long[] lost = status.lost().orElseThrow();
            LedgerAnchor a = status.anchor().orElseThrow();
            return draft.apply(status).continuing(new LedgerRecord.Continuation(a.count(), a.head(), lost[0], lost[1]));
        });
    }

    /**
     * @param gate   sees the file against the anchor before anything is written: throws to refuse, returns a
     *               result to stop without writing, or null to go on
     * @param decide the record to append
     */
    private Optional<Appended> appendLocked(Function<AnchorStatus, Optional<Appended>> gate,
                                            BiFunction<LedgerCheck, AnchorStatus, LedgerRecord> decide) {
        synchronized (APPEND_LOCK) {
            Path dir = path.getParent();
            if (!Files.exists(path)) {
                // Refuse a missing file before creating an empty one in its place.
                Optional<Appended> stop = gate.apply(AnchorStatus.of(anchor, false, check(), path.toString()));
                if (stop != null) {
                    return stop;
                }
            }
            try {
                Files.createDirectories(dir);
                boolean created = !Files.exists(path);
                try (FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
                     FileLock lock = ch.lock()) {
                    byte[] content = readAll(ch);
                    LedgerCheck c = requireSound(check(content));
                    AnchorStatus status = AnchorStatus.of(anchor, !(created && content.length == 0), c, path.toString());
                    Optional<Appended> stop = gate.apply(status);
                    if (stop != null) {
                        return stop;
                    }
                    LedgerRecord draft = decide.apply(c, status);
                    long end = content.length - c.tornTail().length;
                    String torn = c.tornTail().length == 0 ? null : HexFormat.of().formatHex(c.tornTail());
                    long seq = c.records().size() + 1L;
                    String time = Instant.now(clock).truncatedTo(ChronoUnit.MILLIS).toString();
                    LedgerRecord placed = draft.placed(seq, time, torn, c.headHash(), null);
                    placed = placed.placed(seq, time, torn, c.headHash(), LedgerFormat.hashOf(placed));
                    byte[] line = (LedgerFormat.line(placed) + "\n").getBytes(StandardCharsets.UTF_8);
                    if (torn != null) {
                        ch.truncate(end);
                    }
                    ByteBuffer buf = ByteBuffer.wrap(line);
                    long pos = end;
                    while (buf.hasRemaining()) {
                        pos += ch.write(buf, pos);
                    }
                    ch.force(true);
                    if (created) {
                        AtomicFile.fsyncDirectory(dir);
                    }
                    // After the fsync, still under the lock: a crash here leaves the file one record ahead.
                    if (anchor.available()) {
                        try {
                            anchor.write(new LedgerAnchor(seq, placed.hash()));
                        } catch (EnvironmentException e) {
                            throw new AnchorNotMoved(new Appended(placed), e);
                        }
                    }
                    return Optional.of(new Appended(placed));
                }
            } catch (IOException e) {
                throw new EnvironmentException("cannot append to the signing ledger " + path + ": " + AtomicFile.describe(e)
                        + ": nothing was signed; free space or fix the folder, or pass --ledger PATH", e);
            }
        }
    }

    private static byte[] readAll(FileChannel ch) throws IOException {
        long size = ch.size();
        if (size > Integer.MAX_VALUE - 16) {
            throw new IOException("the ledger is larger than 2 GiB");
        }
        ByteBuffer buf = ByteBuffer.allocate((int) size);
        long pos = 0;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0) {
                break;
            }
            pos += n;
        }
        return Arrays.copyOf(buf.array(), buf.position());
    }

    /** Walks the chain in {@code content} and names the first bad record. */
    static LedgerCheck check(byte[] content) {
        List<LedgerRecord> good = new ArrayList<>();
        int start = 0;
        int lineNo = 0;
        String prevHash = LedgerFormat.GENESIS;
        while (start < content.length) {
            int nl = indexOf(content, (byte) '\n', start);
            if (nl < 0) {
                return new LedgerCheck(good, Optional.empty(), Arrays.copyOfRange(content, start, content.length));
            }
            lineNo++;
            long expected = good.size() + 1L;
            String line = new String(content, start, nl - start, StandardCharsets.UTF_8);
            start = nl + 1;
            LedgerRecord r;
            try {
                r = LedgerFormat.parse(line);
            } catch (LedgerFormat.BadLine e) {
                return bad(good, "record " + expected + " (line " + lineNo + ") is damaged: " + e.getMessage());
            }
            if (r.seq() > expected) {
                int later = lineOfRecord(content, start, lineNo, expected);
                if (later > 0) {
                    return bad(good, "records were reordered: line " + lineNo + " holds record " + r.seq() + " where record "
                            + expected + " belongs, and record " + expected + " is on line " + later);
                }
                return bad(good, "record " + expected + " is missing (removed): line " + lineNo + " holds record " + r.seq());
            }
            if (r.seq() < expected) {
                return bad(good, "line " + lineNo + " holds record " + r.seq() + " where record " + expected
                        + " belongs: records were reordered or duplicated");
            }
            if (!prevHash.equals(r.prev())) {
                return bad(good, "record " + expected + " (line " + lineNo + ") does not link to the record before it: "
                        + "a record before it was removed, inserted or rewritten");
            }
            good.add(r);
            prevHash = r.hash();
        }
        return new LedgerCheck(good, Optional.empty(), new byte[0]);
    }

    /** The line number of a later line holding record {@code seq}, or 0. */
    private static int lineOfRecord(byte[] content, int from, int lineNo, long seq) {
        int start = from;
        while (start < content.length) {
            int nl = indexOf(content, (byte) '\n', start);
            if (nl < 0) {
                return 0;
            }
            lineNo++;
            try {
                if (LedgerFormat.parse(new String(content, start, nl - start, StandardCharsets.UTF_8)).seq() == seq) {
                    return lineNo;
                }
            } catch (LedgerFormat.BadLine ignored) {
                // Only intact records count as the misplaced one.
            }
            start = nl + 1;
        }
        return 0;
    }

    private static LedgerCheck bad(List<LedgerRecord> good, String problem) {
        return new LedgerCheck(good, Optional.of(problem), new byte[0]);
    }

    private static int indexOf(byte[] a, byte b, int from) {
        for (int i = from; i < a.length; i++) {
            if (a[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
