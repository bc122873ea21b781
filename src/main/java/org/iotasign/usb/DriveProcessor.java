package org.iotasign.usb;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.iotasign.EnvironmentException;
import org.iotasign.RejectedException;
import org.iotasign.UsageException;
import org.iotasign.crypto.Ed25519PublicKey;
import org.iotasign.crypto.Fingerprints;
import org.iotasign.crypto.Hashes;
import org.iotasign.io.AtomicFile;
import org.iotasign.io.SafeFolder;
import org.iotasign.io.TerminalText;
import org.iotasign.ledger.LedgerRecord;
import org.iotasign.release.ReleaseBlob;
import org.iotasign.release.ReleaseVersion;
import org.iotasign.signing.Confirmation;
import org.iotasign.signing.Operator;
import org.iotasign.signing.Review;
import org.iotasign.signing.SignedRelease;
import org.iotasign.signing.SigningDesk;

/**
 * One pass over a signing drive: every {@code *.unsigned} in the outbox is reviewed,
 * confirmed and signed, refused, or skipped because it was handled before; then every
 * signed file is re-read from the drive and verified before the drive is called safe
 * to remove.
 *
 * <p>The drive is a boundary: every level below its root is opened without following
 * links ({@link SafeFolder}), so nothing outside the drive is read or written whatever
 * links the drive holds or gains during the pass. Names are handled as the bytes on the
 * disk; a name that cannot be decoded in the locale is ignored with a reason.
 *
 * <p>Nothing on the drive is modified or deleted except by adding files, each written
 * with {@link AtomicFile} (temp name, fsync, rename, fsync folder), and no existing
 * signed file is ever replaced. A pass that stops half way (drive pulled or full, token
 * removed, process killed) leaves only complete files, and the next pass finishes the
 * work: an input whose signed file is missing is signed again, which the ledger records
 * as a repeat of the same signature.
 */
public final class DriveProcessor {
    /** Room needed besides the signed blob: its receipt and the folder entries. */
    private static final long SPACE_MARGIN = 64 * 1024;
    /** Largest reason file or receipt read back: both are a few hundred bytes. */
    private static final long MAX_REASON_FILE = 64 * 1024;

    private final SigningDesk desk;
    private final Operator operator;
    private final PrintWriter out;

    public DriveProcessor(SigningDesk desk, Operator operator, PrintWriter out) {
        this.desk = desk;
        this.operator = operator;
        this.out = out;
    }

    /** The folders of one drive, each held open (see {@link SafeFolder}). */
    private record Folders(SafeFolder root, SafeFolder base, SafeFolder outbox, SafeFolder signed, SafeFolder rejected)
            implements AutoCloseable {
        @Override
        public void close() {
            closeAll(rejected, signed, outbox, base, root);
        }
    }

    /** Processes the drive mounted at {@code drive}; faults end the pass and are in the report. */
    public DriveReport process(Path drive) {
        DriveLayout layout = new DriveLayout(drive);
        DriveReport report = new DriveReport(drive);
        if (!Files.isDirectory(drive)) {
            throw new UsageException("drive " + TerminalText.quoted(drive.toString()) + " is not a mounted folder: check the path given with --drive");
        }
        Folders folders;
        try {
            folders = openFolders(layout);
        } catch (EnvironmentException e) {
            report.fault(e.getMessage());
            return finish(report);
        }
        out.println("drive " + TerminalText.quoted(drive.toString()) + ": signing with key " + desk.key().publicKey().fingerprint()
                + ", ledger " + desk.ledger().path());
        try (folders) {
            List<Path> inputs = listOutbox(folders.outbox());
            Map<String, byte[]> outputs = new LinkedHashMap<>();
            for (Path input : inputs) {
                handle(folders, input, report, outputs);
            }
            verifyOutputs(folders, outputs, report);
            report.safeToRemove();
        } catch (EnvironmentException e) {
            report.fault(e.getMessage());
        }
        return finish(report);
    }

    private DriveReport finish(DriveReport report) {
        Path drive = report.drive();
        out.println("drive " + TerminalText.quoted(drive.toString()) + ": " + report.summary());
        if (report.isSafeToRemove()) {
            out.println("drive " + TerminalText.quoted(drive.toString()) + ": all outputs written, synced, re-read and verified ("
                    + report.verifiedOutputs().size() + " signed file(s)): SAFE TO REMOVE");
        } else {
            out.println("drive " + TerminalText.quoted(drive.toString()) + ": stopped: " + TerminalText.line(report.fault().orElse(""))
                    + ": nothing partial was left; fix this and run again to finish");
        }
        out.flush();
        return report;
    }

    /**
     * Opens iotasign/, outbox/, signed/ and rejected/ one level at a time, none through a
     * link: a link anywhere below the drive root could lead off the drive.
     */
    private Folders openFolders(DriveLayout layout) {
        List<SafeFolder> opened = new ArrayList<>();
        try {
            SafeFolder root = SafeFolder.open(layout.drive());
            opened.add(root);
            SafeFolder base = inputFolder(root, DriveLayout.BASE, layout);
            opened.add(base);
            SafeFolder outbox = inputFolder(base, DriveLayout.OUTBOX, layout);
            opened.add(outbox);
            SafeFolder signed = outputFolder(base, DriveLayout.SIGNED);
            opened.add(signed);
            SafeFolder rejected = outputFolder(base, DriveLayout.REJECTED);
            opened.add(rejected);
            return new Folders(root, base, outbox, signed, rejected);
        } catch (IOException e) {
            closeAll(opened);
            throw new EnvironmentException("cannot open " + layout.drive() + ": " + AtomicFile.describe(e)
                    + ": the drive was removed or is damaged; re-insert it and run again");
        } catch (RuntimeException e) {
            closeAll(opened);
            throw e;
        }
    }

    private static SafeFolder inputFolder(SafeFolder parent, String name, DriveLayout layout) throws IOException {
        Path path = parent.pathOf(Path.of(name));
        Optional<BasicFileAttributes> a = parent.attributes(Path.of(name));
        if (a.isPresent() && a.get().isSymbolicLink()) {
            throw linkOnDrive(path, "nothing was read or written");
        }
        if (a.isEmpty() || !a.get().isDirectory()) {
            throw new UsageException("drive " + layout.drive() + " has no iotasign/outbox folder: is it the signing drive? "
                    + "The build machine puts its .unsigned files in iotasign/outbox (see docs/usb-workflow.md)");
        }
        return parent.openFolder(Path.of(name));
    }

    private SafeFolder outputFolder(SafeFolder base, String name) {
        Path path = base.pathOf(Path.of(name));
        SafeFolder dir = null;
        try {
            Optional<BasicFileAttributes> a = base.attributes(Path.of(name));
            if (a.isPresent() && a.get().isSymbolicLink()) {
                throw linkOnDrive(path, "nothing was signed");
            }
            if (a.isPresent() && !a.get().isDirectory()) {
                throw new IOException("it is not a folder");
            }
            dir = a.isEmpty() ? base.createFolder(Path.of(name)) : base.openFolder(Path.of(name));
            removeLeftoverTempFiles(dir);
            // Probe: a read-only drive must be found before anything is signed.
            Path probe = Path.of(".iotasign-probe.tmp");
            dir.write(probe, new byte[0], true);
            dir.delete(probe);
            return dir;
        } catch (IOException e) {
            closeAll(dir);
            throw new EnvironmentException("cannot write to " + path + ": " + AtomicFile.describe(e)
                    + ": the drive is read-only, full or was removed; nothing was signed");
        } catch (RuntimeException e) {
            closeAll(dir);
            throw e;
        }
    }

    private static EnvironmentException linkOnDrive(Path path, String consequence) {
        return new EnvironmentException(path + " is a symbolic link: the signer never follows links on a drive (one could lead "
                + "off it); " + consequence + ": make it a plain folder");
    }

    private static void closeAll(SafeFolder... folders) {
        closeAll(Arrays.asList(folders));
    }

    private static void closeAll(List<SafeFolder> folders) {
        for (SafeFolder f : folders) {
            if (f != null) {
                try {
                    f.close();
                } catch (IOException ignored) {
                    // Closing a folder handle releases it even when close reports an error.
                }
            }
        }
    }

    /**
     * Deletes the hidden temp files ({@code .NAME.RANDOM.tmp}) that a killed pass left in an
     * output folder: they never became outputs, and only this tool writes such names there.
     */
    private void removeLeftoverTempFiles(SafeFolder dir) throws IOException {
        int removed = 0;
        for (Path p : dir.list()) {
            String n = p.toString();
            if (n.startsWith(".") && n.endsWith(".tmp") && decodable(p)
                    && dir.attributes(p).map(BasicFileAttributes::isRegularFile).orElse(false)) {
                dir.delete(p);
                removed++;
            }
        }
        if (removed > 0) {
            dir.fsync();
            out.println("removed " + removed + " incomplete temp file(s) of an interrupted pass from " + dir.path());
        }
    }

    private static List<Path> listOutbox(SafeFolder outbox) {
        try {
            return outbox.list();
        } catch (IOException e) {
            throw new EnvironmentException("cannot list " + outbox.path() + ": " + AtomicFile.describe(e)
                    + ": the drive was removed or is damaged; re-insert it and run again");
        }
    }

    /**
     * True when the name read from the disk decodes to text that encodes back to the same
     * name. With no UTF-8 locale Java decodes every non-ASCII byte to U+FFFD, and such a
     * name cannot be used to make a reason-file name (nor shown faithfully).
     */
    static boolean decodable(Path name) {
        String s = name.toString();
        if (s.indexOf('\uFFFD') >= 0) {
            return false;
        }
        try {
            return Path.of(s).equals(name);
        } catch (InvalidPathException e) {
            return false;
        }
    }

    private void handle(Folders folders, Path input, DriveReport report, Map<String, byte[]> outputs) {
        String name = input.toString();
        if (name.startsWith(".") || !name.endsWith(DriveLayout.INPUT_SUFFIX)) {
            return; // Not an input: build machines copy through dot-names; other files are not ours.
        }
        if (!decodable(input)) {
            ignore(folders, DriveLayout.undecodableReasonName(name), name, report, "the name of an outbox file cannot be decoded as "
                    + System.getProperty("sun.jnu.encoding") + " text: ignored; rename it with ASCII letters, digits, '_', '-' "
                    + "and '.' (or run iotasign with a UTF-8 locale, e.g. LC_ALL=C.UTF-8, as its launchers do)");
            return;
        }
        Candidate c = new Candidate(folders, input, name, DriveLayout.reasonName(name), report, outputs);
        Optional<byte[]> bytes = readInput(c);
        if (bytes.isEmpty()) {
            return;
        }
        Optional<Review> review = reviewAgainstSignedFolder(c, bytes.get());
        if (review.isEmpty() || decidedEarlier(c, review.get())) {
            return;
        }
        show(c, review.get());
        if (review.get().refused()) {
            long seq = desk.refuse(review.get()).seq();
            writeReason(folders.rejected(), c.reasonName(), name, review.get(), ReasonFile.Verdict.REFUSED, review.get().reasons(), seq);
            report.add(name, DriveReport.Result.REFUSED, review.get().reasons().get(0));
            out.println(TerminalText.quoted(name) + ": REFUSED: reason written to rejected/" + c.reasonName());
            return;
        }
        Optional<Confirmation> mode = confirmation(c, review.get());
        if (mode.isPresent()) {
            sign(c, review.get(), mode.get(), bytes.get().length);
        }
    }

    /** One outbox file on its way through {@link #handle}: where it is, its names, and where results go. */
    private record Candidate(Folders folders, Path input, String name, String reasonName, DriveReport report, Map<String, byte[]> outputs) {
    }

    /** The input's bytes, or empty when it was ignored (not a regular file, or too large). */
    private Optional<byte[]> readInput(Candidate c) {
        Folders folders = c.folders();
        String name = c.name();
        Path inputPath = folders.outbox().pathOf(c.input());
        try {
            BasicFileAttributes attrs = folders.outbox().attributes(c.input())
                    .orElseThrow(() -> new NoSuchFileException(inputPath.toString()));
            if (!attrs.isRegularFile()) {
                throw new SafeFolder.NotRegularFileException(inputPath, attrs);
            }
            if (attrs.size() > ReleaseBlob.MAX_IN_MEMORY) {
                ignore(folders, c.reasonName(), name, c.report(), TerminalText.quoted(name) + " is " + attrs.size() + " bytes, larger than any release ("
                        + ReleaseBlob.MAX_IN_MEMORY + " bytes at most): ignored");
                return Optional.empty();
            }
            Optional<byte[]> read = folders.outbox().read(c.input(), ReleaseBlob.MAX_IN_MEMORY);
            if (read.isEmpty()) {
                ignore(folders, c.reasonName(), name, c.report(), TerminalText.quoted(name) + " grew past " + ReleaseBlob.MAX_IN_MEMORY
                        + " bytes while being read: ignored");
            }
            return read;
        } catch (SafeFolder.NotRegularFileException e) {
            ignore(folders, c.reasonName(), name, c.report(), TerminalText.quoted(name) + " is " + e.kind() + ", not a release file: ignored; "
                    + "put the blob itself in the outbox");
            return Optional.empty();
        } catch (IOException e) {
            throw new EnvironmentException("cannot read " + inputPath + ": " + AtomicFile.describe(e)
                    + ": the drive was removed or is damaged; re-insert it and run again");
        }
    }

    /**
     * The desk's review of the bytes, given what signed/ already holds under their version;
     * empty when there is nothing to review (already signed here, or signed/ holds a file
     * that is not ours).
     */
    private Optional<Review> reviewAgainstSignedFolder(Candidate c, byte[] bytes) {
        String name = c.name();
        String source = "usb:" + c.folders().outbox().pathOf(c.input()).toAbsolutePath();
        Review review = desk.review(bytes, source);
        // A version is used in a file name only once it is known to be valid; an invalid one is refused by rule (e).
        Optional<String> validVersion = review.version().filter(v -> ReleaseVersion.problem(v).isEmpty());
        if (validVersion.isEmpty()) {
            return Optional.of(review);
        }
        String version = validVersion.get();
        Existing existing = existing(c.folders().signed(), version, bytes);
        if (existing == Existing.THIS_BLOB_SIGNED) {
            ensureReceipt(c.folders().signed(), version, review, name);
            c.outputs().put(version, review.digest());
            c.report().add(name, DriveReport.Result.ALREADY_SIGNED, "signed/" + version + ".bin already holds this blob signed by this key");
            out.println(TerminalText.quoted(name) + ": already signed as signed/" + version + ".bin (not offered again)");
            return Optional.empty();
        }
        if (existing == Existing.OTHER_CONTENT) {
            return Optional.of(desk.review(bytes, source, Optional.of("signed/" + version + ".bin on this drive holds another blob of version "
                    + version + ": devices cache releases by version, so give this build a new version")));
        }
        if (existing == Existing.NOT_OURS) {
            ignore(c.folders(), c.reasonName(), name, c.report(), "signed/" + version + ".bin exists but is not this blob signed by key "
                    + desk.key().publicKey().fingerprint() + ": left untouched; move it off the drive to sign this blob");
            return Optional.empty();
        }
        return Optional.of(review);
    }

    /** True (and reported) when rejected/ already holds a verdict on these bytes that stands. */
    private boolean decidedEarlier(Candidate c, Review review) {
        Optional<ReasonFile.Verdict> earlier = earlierDecision(earlierReason(c.folders().rejected(), c.reasonName()),
                review.digestHex(), review.refused());
        if (earlier.isPresent()) {
            c.report().add(c.name(), DriveReport.Result.ALREADY_REJECTED, "see rejected/" + c.reasonName());
            out.println(TerminalText.quoted(c.name()) + ": already " + earlier.get().word() + " (see rejected/" + c.reasonName()
                    + "; delete it to have the blob reviewed again)");
            return true;
        }
        return false;
    }

    private void show(Candidate c, Review review) {
        out.println();
        out.println("=== " + TerminalText.quoted(c.name()));
        review.lines().forEach(out::println);
        out.flush();
    }

    /** How the signature is confirmed: a repeat needs no answer; empty when the operator declined. */
    private Optional<Confirmation> confirmation(Candidate c, Review review) {
        if (review.isRepeat()) {
            return Optional.of(Confirmation.REPEAT);
        }
        Operator.Answer answer = operator.ask(review);
        if (answer.confirmed()) {
            return Optional.of(answer.mode());
        }
        long seq = desk.decline(review, answer.why()).seq();
        if (answer.decided()) {
            writeReason(c.folders().rejected(), c.reasonName(), c.name(), review, ReasonFile.Verdict.DECLINED, List.of(answer.why()), seq);
        }
        c.report().add(c.name(), DriveReport.Result.DECLINED, answer.why());
        out.println(TerminalText.quoted(c.name()) + ": declined: " + TerminalText.line(answer.why()));
        return Optional.empty();
    }

    /** Signs, then writes the signed blob and its receipt to signed/. */
    private void sign(Candidate c, Review review, Confirmation mode, int unsignedLength) {
        String name = c.name();
        requireSpace(c.folders().signed(), unsignedLength + Ed25519PublicKey.SIGNATURE_LENGTH);
        SignedRelease signed;
        try {
            signed = desk.sign(review, mode);
        } catch (RejectedException e) {
            // The ledger changed between review and signature (another signer): recorded as a refusal.
            writeReason(c.folders().rejected(), c.reasonName(), name, review, ReasonFile.Verdict.REFUSED, List.of(e.getMessage()), 0);
            c.report().add(name, DriveReport.Result.REFUSED, e.getMessage());
            out.println(TerminalText.quoted(name) + ": REFUSED: " + TerminalText.line(e.getMessage()));
            return;
        }
        String version = signed.version();
        String file = DriveLayout.signedBlobName(version);
        writeOnDrive(c.folders().signed(), file, signed.signed(), false);
        writeOnDrive(c.folders().signed(), DriveLayout.receiptName(version),
                Receipt.of(file, signed.signed(), signed.signature(), signed.record(), name).toJson(), true);
        c.outputs().put(version, review.digest());
        c.report().add(name, DriveReport.Result.SIGNED, "signed/" + file + (signed.isRepeat() ? " (repeat of ledger record "
                + signed.record().repeatOf() + ")" : ""));
        out.println(TerminalText.quoted(name) + ": signed -> signed/" + TerminalText.of(file) + " (ledger record " + signed.record().seq()
                + (signed.isRepeat() ? ", a repeat of record " + signed.record().repeatOf() : "") + ")");
        out.flush();
    }

    private enum Existing { NONE, THIS_BLOB_SIGNED, OTHER_CONTENT, NOT_OURS }

    /** What {@code signed/<version>.bin} holds relative to this input. */
    private Existing existing(SafeFolder signedDir, String version, byte[] unsigned) {
        Path bin = Path.of(DriveLayout.signedBlobName(version));
        Optional<BasicFileAttributes> a = attributes(signedDir, bin);
        if (a.isEmpty()) {
            return Existing.NONE;
        }
        if (!a.get().isRegularFile()) {
            return Existing.NOT_OURS;
        }
        byte[] signed = readSigned(signedDir, bin);
        if (signed == null || signed.length < Ed25519PublicKey.SIGNATURE_LENGTH) {
            return Existing.NOT_OURS;
        }
        int body = signed.length - Ed25519PublicKey.SIGNATURE_LENGTH;
        if (body != unsigned.length || !Arrays.equals(signed, 0, body, unsigned, 0, body)) {
            return Existing.OTHER_CONTENT;
        }
        byte[] sig = Arrays.copyOfRange(signed, body, signed.length);
        return desk.key().publicKey().verify(Hashes.sha256(unsigned), sig) ? Existing.THIS_BLOB_SIGNED : Existing.NOT_OURS;
    }

    /** Writes a missing receipt for a signed file that a killed pass left without one. */
    private void ensureReceipt(SafeFolder signedDir, String version, Review review, String name) {
        Path receipt = Path.of(DriveLayout.receiptName(version));
        if (attributes(signedDir, receipt).isPresent()) {
            return;
        }
        String key = desk.key().publicKey().hex();
        Optional<LedgerRecord> record = desk.ledger().records().stream()
                .filter(r -> r.outcome().isSignature() && review.digestHex().equals(r.digest()) && key.equals(r.publicKey()))
                .reduce((a, b) -> b);
        if (record.isEmpty()) {
            out.println(TerminalText.quoted(name) + ": signed/" + TerminalText.of(version) + ".bin has no receipt and ledger " + desk.ledger().path()
                    + " has no record of it (signed on another machine?): no receipt written");
            return;
        }
        String file = DriveLayout.signedBlobName(version);
        byte[] signed = readSigned(signedDir, Path.of(file));
        if (signed == null || signed.length < Ed25519PublicKey.SIGNATURE_LENGTH) {
            throw new EnvironmentException("signed/" + file + " read back wrong: the drive is failing; use another drive");
        }
        byte[] sig = Arrays.copyOfRange(signed, signed.length - Ed25519PublicKey.SIGNATURE_LENGTH, signed.length);
        writeOnDrive(signedDir, receipt.toString(), Receipt.of(file, signed, sig, record.get(), name).toJson(), true);
    }

    private void ignore(Folders folders, String reasonName, String name, DriveReport report, String why) {
        report.add(name, DriveReport.Result.IGNORED, why);
        out.println(TerminalText.quoted(name) + ": " + TerminalText.line(why));
        if (attributes(folders.rejected(), Path.of(reasonName)).isEmpty()) {
            writeReason(folders.rejected(), reasonName, name, null, ReasonFile.Verdict.IGNORED, List.of(why), 0);
        }
    }

    /** {@code rejected/<reason name>}, when there is one this class could have written. */
    private static Optional<ReasonFile> earlierReason(SafeFolder rejected, String reasonName) {
        try {
            Optional<byte[]> text = rejected.read(Path.of(reasonName), MAX_REASON_FILE);
            return text.isEmpty() ? Optional.empty() : Optional.of(ReasonFile.parse(text.get()));
        } catch (IOException e) {
            return Optional.empty(); // Missing, a link, unreadable or not a reason file: no earlier verdict to honour.
        }
    }

    /**
     * The earlier verdict that stands for these bytes, if any. A refusal is decided again
     * each pass (an override flag may now allow it); an operator's decline stands.
     */
    static Optional<ReasonFile.Verdict> earlierDecision(Optional<ReasonFile> earlier, String digestHex, boolean refusedNow) {
        return earlier.filter(r -> r.isAbout(digestHex))
                .map(ReasonFile::verdict)
                .filter(v -> refusedNow || v != ReasonFile.Verdict.REFUSED);
    }

    private static void writeReason(SafeFolder rejected, String reasonName, String name, Review review, ReasonFile.Verdict verdict,
                                    List<String> reasons, long seq) {
        writeOnDrive(rejected, reasonName, ReasonFile.of(name, review, verdict, reasons, seq).bytes(), true);
    }

    /**
     * Writes a file on the drive atomically. A folder that vanished or a file that
     * appeared meanwhile means the drive was pulled or changed under us: a drive fault.
     */
    private static void writeOnDrive(SafeFolder folder, String name, byte[] content, boolean overwrite) {
        Path path = folder.pathOf(Path.of(name));
        try {
            folder.write(Path.of(name), content, overwrite);
        } catch (FileAlreadyExistsException e) {
            throw new EnvironmentException("cannot write " + path + ": it appeared during the pass (the drive was changed "
                    + "under the signer); it was left untouched and nothing partial was left");
        } catch (IOException e) {
            throw new EnvironmentException("cannot write " + path + ": " + AtomicFile.describe(e)
                    + ": the drive was removed, is full or read-only; nothing partial was left");
        }
    }

    private static Optional<BasicFileAttributes> attributes(SafeFolder folder, Path name) {
        try {
            return folder.attributes(name);
        } catch (IOException e) {
            throw new EnvironmentException("cannot read " + folder.pathOf(name) + ": " + AtomicFile.describe(e)
                    + ": the drive was removed or is damaged; re-insert it and run again");
        }
    }

    private static void requireSpace(SafeFolder signedDir, long bytes) {
        try {
            long free = Files.getFileStore(signedDir.path()).getUsableSpace();
            if (free < bytes + SPACE_MARGIN) {
                throw new EnvironmentException("drive is full: " + free + " bytes free, " + (bytes + SPACE_MARGIN)
                        + " needed for the next signed file; nothing was signed; make room and run again");
            }
        } catch (IOException e) {
            throw new EnvironmentException("cannot read the free space of " + signedDir.path() + ": " + AtomicFile.describe(e)
                    + ": the drive was removed; re-insert it and run again");
        }
    }

    /**
     * Re-reads every signed file of this pass from the drive and checks it against the
     * digest that was signed, the key, and its receipt.
     */
    private void verifyOutputs(Folders folders, Map<String, byte[]> outputs, DriveReport report) {
        Ed25519PublicKey key = desk.key().publicKey();
        SafeFolder signedDir = folders.signed();
        for (Map.Entry<String, byte[]> o : outputs.entrySet()) {
            String version = o.getKey();
            String file = DriveLayout.signedBlobName(version);
            byte[] signed = readSigned(signedDir, Path.of(file));
            if (signed == null || signed.length < Ed25519PublicKey.SIGNATURE_LENGTH) {
                throw new EnvironmentException("signed/" + file + " read back wrong: the drive is failing; use another drive");
            }
            int body = signed.length - Ed25519PublicKey.SIGNATURE_LENGTH;
            byte[] digest = Hashes.sha256(Arrays.copyOf(signed, body));
            byte[] sig = Arrays.copyOfRange(signed, body, signed.length);
            if (!Arrays.equals(digest, o.getValue()) || !key.verify(digest, sig)) {
                throw new EnvironmentException("signed/" + file + " read back does not match the digest that was signed ("
                        + Fingerprints.of(o.getValue()) + "): the drive is failing; use another drive and run again");
            }
            Path receiptName = Path.of(DriveLayout.receiptName(version));
            if (attributes(signedDir, receiptName).isPresent()) {
                try {
                    Receipt receipt = Receipt.parse(signedDir.read(receiptName, MAX_REASON_FILE)
                            .orElseThrow(() -> new IOException("it is too large")));
                    if (!receipt.digest().equals(HexFormat.of().formatHex(digest)) || receipt.size() != signed.length) {
                        throw new IOException("it describes another blob");
                    }
                } catch (IOException e) {
                    throw new EnvironmentException("receipt signed/" + receiptName + " read back wrong: "
                            + AtomicFile.describe(e) + ": the drive is failing; use another drive");
                }
            }
            report.verifiedOutput(file);
        }
        signedDir.fsync();
        folders.rejected().fsync();
    }

    /** Reads a signed file without following links; null when it is larger than any signed release. */
    private static byte[] readSigned(SafeFolder signedDir, Path name) {
        try {
            return signedDir.read(name, ReleaseBlob.MAX_IN_MEMORY + Ed25519PublicKey.SIGNATURE_LENGTH).orElse(null);
        } catch (SafeFolder.NotRegularFileException e) {
            return null;
        } catch (IOException e) {
            throw new EnvironmentException("cannot read " + signedDir.pathOf(name) + ": " + AtomicFile.describe(e)
                    + ": the drive was removed or is damaged; re-insert it and run again");
        }
    }
}
