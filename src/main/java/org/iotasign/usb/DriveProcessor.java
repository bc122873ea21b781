package org.iotasign.usb;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
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
import org.iotasign.io.AtomicFile;
import org.iotasign.io.TerminalText;
import org.iotasign.ledger.LedgerRecord;
import org.iotasign.release.ReleaseBlob;
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

    private final SigningDesk desk;
    private final Operator operator;
    private final PrintWriter out;

    public DriveProcessor(SigningDesk desk, Operator operator, PrintWriter out) {
        this.desk = desk;
        this.operator = operator;
        this.out = out;
    }

    /** Processes the drive mounted at {@code drive}; faults end the pass and are in the report. */
    public DriveReport process(Path drive) {
        DriveLayout layout = new DriveLayout(drive);
        DriveReport report = new DriveReport(drive);
        String shownDrive = TerminalText.quoted(drive.toString());
        if (!Files.isDirectory(drive)) {
            throw new UsageException("drive " + shownDrive + " is not a mounted folder: check the path given with --drive");
        }
        if (!Files.isDirectory(layout.outbox(), LinkOption.NOFOLLOW_LINKS)) {
            throw new UsageException("drive " + shownDrive + " has no iotasign/outbox folder: is it the signing drive? "
                    + "The build machine puts its .unsigned files in iotasign/outbox (see docs/usb-workflow.md)");
        }
        out.println("drive " + shownDrive + ": signing with key " + desk.key().publicKey().fingerprint()
                + ", ledger " + desk.ledger().path());
        try {
            prepareOutputFolders(layout);
            List<Path> inputs = listOutbox(layout);
            Map<String, byte[]> outputs = new LinkedHashMap<>();
            for (Path input : inputs) {
                handle(layout, input, report, outputs);
            }
            verifyOutputs(layout, outputs, report);
            report.safeToRemove();
        } catch (EnvironmentException e) {
            report.fault(e.getMessage());
        }
        out.println("drive " + shownDrive + ": " + report.summary());
        if (report.isSafeToRemove()) {
            out.println("drive " + shownDrive + ": all outputs written, synced, re-read and verified ("
                    + report.verifiedOutputs().size() + " signed file(s)): SAFE TO REMOVE");
        } else {
            out.println("drive " + shownDrive + ": stopped: " + TerminalText.line(report.fault().orElse(""))
                    + ": nothing partial was left; fix this and run again to finish");
        }
        out.flush();
        return report;
    }

    private void prepareOutputFolders(DriveLayout layout) {
        for (Path dir : List.of(layout.signed(), layout.rejected())) {
            if (Files.isSymbolicLink(dir)) {
                throw new EnvironmentException(dir + " is a symbolic link: the signer never follows links on a drive; "
                        + "make it a plain folder");
            }
            try {
                if (!Files.isDirectory(dir)) {
                    Files.createDirectory(dir);
                    AtomicFile.fsyncDirectory(layout.base());
                }
                removeLeftoverTempFiles(dir);
                // Probe: a read-only drive must be found before anything is signed.
                Path probe = Files.createTempFile(dir, ".iotasign-probe-", ".tmp");
                Files.delete(probe);
            } catch (IOException e) {
                throw new EnvironmentException("cannot write to " + dir + ": " + AtomicFile.describe(e)
                        + ": the drive is read-only, full or was removed; nothing was signed");
            }
        }
    }

    /**
     * Deletes the hidden temp files ({@code .NAME.RANDOM.tmp}) that a killed pass left in an
     * output folder: they never became outputs, and only this tool writes such names there.
     */
    private void removeLeftoverTempFiles(Path dir) throws IOException {
        int removed = 0;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, ".*.tmp")) {
            for (Path p : ds) {
                if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    Files.delete(p);
                    removed++;
                }
            }
        }
        if (removed > 0) {
            AtomicFile.fsyncDirectory(dir);
            out.println("removed " + removed + " incomplete temp file(s) of an interrupted pass from " + dir);
        }
    }

    private static List<Path> listOutbox(DriveLayout layout) {
        List<Path> inputs = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(layout.outbox())) {
            ds.forEach(inputs::add);
        } catch (IOException e) {
            throw new EnvironmentException("cannot list " + layout.outbox() + ": " + AtomicFile.describe(e)
                    + ": the drive was removed or is damaged; re-insert it and run again");
        }
        inputs.sort(null);
        return inputs;
    }

    private void handle(DriveLayout layout, Path input, DriveReport report, Map<String, byte[]> outputs) {
        String name = input.getFileName().toString();
        if (name.startsWith(".") || !name.endsWith(DriveLayout.INPUT_SUFFIX)) {
            return; // Not an input: build machines copy through dot-names; other files are not ours.
        }
        // The drive chose the name: it is shown only quoted and escaped.
        String shown = TerminalText.quoted(name);
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(input, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw new EnvironmentException("cannot read " + input + ": " + AtomicFile.describe(e) + ": the drive was removed; re-insert it");
        }
        if (!attrs.isRegularFile()) {
            String kind = attrs.isSymbolicLink() ? "a symbolic link (never followed)" : attrs.isDirectory() ? "a folder" : "a special file";
            ignore(layout, name, report, shown + " is " + kind + ", not a release file: ignored; put the blob itself in the outbox");
            return;
        }
        if (attrs.size() > ReleaseBlob.MAX_IN_MEMORY) {
            ignore(layout, name, report, shown + " is " + attrs.size() + " bytes, larger than any release ("
                    + ReleaseBlob.MAX_IN_MEMORY + " bytes at most): ignored");
            return;
        }
        byte[] bytes = readInput(input);
        if (bytes == null) {
            ignore(layout, name, report, shown + " grew past " + ReleaseBlob.MAX_IN_MEMORY + " bytes while being read: ignored");
            return;
        }
        String source = "usb:" + input.toAbsolutePath();
        Review review = desk.review(bytes, source);
        if (review.version().isPresent()) {
            String version = review.version().get();
            String shownVersion = TerminalText.of(version);
            Existing existing = existing(layout, version, bytes);
            if (existing == Existing.THIS_BLOB_SIGNED) {
                ensureReceipt(layout, version, review, name);
                outputs.put(version, review.digest());
                report.add(name, DriveReport.Result.ALREADY_SIGNED, "signed/" + shownVersion + ".bin already holds this blob signed by this key");
                out.println(shown + ": already signed as signed/" + shownVersion + ".bin (not offered again)");
                return;
            }
            if (existing == Existing.OTHER_CONTENT) {
                review = desk.review(bytes, source, Optional.of("signed/" + shownVersion + ".bin on this drive holds another blob of version "
                        + shownVersion + ": devices cache releases by version, so give this build a new version"));
            } else if (existing == Existing.NOT_OURS) {
                ignore(layout, name, report, "signed/" + shownVersion + ".bin exists but is not this blob signed by key "
                        + desk.key().publicKey().fingerprint() + ": left untouched; move it off the drive to sign this blob");
                return;
            }
        }
        Optional<String> earlier = earlierVerdict(layout, name, review.digestHex());
        // A refusal is decided again each pass (an override flag may now allow it); an operator's decline stands.
        if (earlier.isPresent() && (review.refused() || !earlier.get().equals("refused"))) {
            report.add(name, DriveReport.Result.ALREADY_REJECTED, "see " + TerminalText.quoted("rejected/" + name + ".reason.txt"));
            out.println(shown + ": already " + TerminalText.of(earlier.get()) + " (see " + TerminalText.quoted("rejected/" + name + ".reason.txt")
                    + "; delete it to have the blob reviewed again)");
            return;
        }
        out.println();
        out.println("=== " + shown);
        review.lines().forEach(out::println);
        out.flush();
        if (review.refused()) {
            long seq = desk.refuse(review).seq();
            writeReason(layout, name, review, "refused", review.reasons(), seq);
            report.add(name, DriveReport.Result.REFUSED, review.reasons().get(0));
            out.println(shown + ": REFUSED: reason written to " + TerminalText.quoted("rejected/" + name + ".reason.txt"));
            return;
        }
        Confirmation mode;
        if (review.isRepeat()) {
            mode = Confirmation.REPEAT;
        } else {
            Operator.Answer answer = operator.ask(review);
            if (!answer.confirmed()) {
                long seq = desk.decline(review, answer.why()).seq();
                if (answer.decided()) {
                    writeReason(layout, name, review, "declined", List.of(answer.why()), seq);
                }
                report.add(name, DriveReport.Result.DECLINED, answer.why());
                out.println(shown + ": declined: " + TerminalText.line(answer.why()));
                return;
            }
            mode = answer.mode();
        }
        requireSpace(layout, bytes.length + Ed25519PublicKey.SIGNATURE_LENGTH);
        SignedRelease signed;
        try {
            signed = desk.sign(review, mode);
        } catch (RejectedException e) {
            // The ledger changed between review and signature (another signer): recorded as a refusal.
            writeReason(layout, name, review, "refused", List.of(e.getMessage()), 0);
            report.add(name, DriveReport.Result.REFUSED, e.getMessage());
            out.println(shown + ": REFUSED: " + TerminalText.line(e.getMessage()));
            return;
        }
        String version = signed.version();
        String file = version + ".bin";
        writeOnDrive(layout.signedBlob(version), signed.signed(), false);
        writeOnDrive(layout.receipt(version), Receipt.of(file, signed.signed(), signed.signature(), signed.record(), name).toJson(), true);
        outputs.put(version, review.digest());
        report.add(name, DriveReport.Result.SIGNED, "signed/" + file + (signed.isRepeat() ? " (repeat of ledger record "
                + signed.record().repeatOf() + ")" : ""));
        out.println(shown + ": signed -> signed/" + TerminalText.of(file) + " (ledger record " + signed.record().seq()
                + (signed.isRepeat() ? ", a repeat of record " + signed.record().repeatOf() : "") + ")");
        out.flush();
    }

    private enum Existing { NONE, THIS_BLOB_SIGNED, OTHER_CONTENT, NOT_OURS }

    /** What {@code signed/<version>.bin} holds relative to this input. */
    private Existing existing(DriveLayout layout, String version, byte[] unsigned) {
        Path bin = layout.signedBlob(version);
        if (!Files.exists(bin, LinkOption.NOFOLLOW_LINKS)) {
            return Existing.NONE;
        }
        if (!Files.isRegularFile(bin, LinkOption.NOFOLLOW_LINKS)) {
            return Existing.NOT_OURS;
        }
        byte[] signed = readInput(bin);
        if (signed == null || signed.length < Ed25519PublicKey.SIGNATURE_LENGTH) {
            return Existing.NOT_OURS;
        }
        int body = signed.length - Ed25519PublicKey.SIGNATURE_LENGTH;
        if (body != unsigned.length || !Arrays.equals(signed, 0, body, unsigned, 0, body)) {
            return Existing.OTHER_CONTENT;
        }
        byte[] sig = Arrays.copyOfRange(signed, body, signed.length);
        return desk.key().publicKey().verify(sha256(unsigned), sig) ? Existing.THIS_BLOB_SIGNED : Existing.NOT_OURS;
    }

    /** Writes a missing receipt for a signed file that a killed pass left without one. */
    private void ensureReceipt(DriveLayout layout, String version, Review review, String name) {
        Path receipt = layout.receipt(version);
        if (Files.exists(receipt, LinkOption.NOFOLLOW_LINKS)) {
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
        byte[] signed = readInput(layout.signedBlob(version));
        byte[] sig = Arrays.copyOfRange(signed, signed.length - Ed25519PublicKey.SIGNATURE_LENGTH, signed.length);
        writeOnDrive(receipt, Receipt.of(version + ".bin", signed, sig, record.get(), name).toJson(), true);
    }

    private void ignore(DriveLayout layout, String name, DriveReport report, String why) {
        report.add(name, DriveReport.Result.IGNORED, why);
        out.println(TerminalText.quoted(name) + ": " + TerminalText.line(why));
        if (!Files.exists(layout.reason(name), LinkOption.NOFOLLOW_LINKS)) {
            writeReason(layout, name, null, "ignored", List.of(why), 0);
        }
    }

    /** The verdict of {@code rejected/<name>.reason.txt} when it is about these bytes. */
    private static Optional<String> earlierVerdict(DriveLayout layout, String name, String digestHex) {
        Path reason = layout.reason(name);
        if (!Files.isRegularFile(reason, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        try {
            List<String> lines = Files.readAllLines(reason, StandardCharsets.UTF_8);
            if (!lines.contains("digest       " + digestHex)) {
                return Optional.empty();
            }
            return lines.stream().filter(l -> l.startsWith("verdict      ")).map(l -> l.substring(13).strip()).findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static void writeReason(DriveLayout layout, String name, Review review, String verdict, List<String> reasons, long seq) {
        StringBuilder sb = new StringBuilder();
        sb.append("input        ").append(TerminalText.quoted(name)).append('\n');
        sb.append("verdict      ").append(verdict).append('\n');
        if (review != null) {
            sb.append("version      ").append(review.version().map(TerminalText::quoted).orElse("(not a valid blob)")).append('\n');
            sb.append("digest       ").append(review.digestHex()).append('\n');
            sb.append("fingerprint  ").append(review.digestFingerprint()).append('\n');
        }
        sb.append("time         ").append(Instant.now().truncatedTo(ChronoUnit.SECONDS)).append('\n');
        if (seq > 0) {
            sb.append("ledger       record ").append(seq).append('\n');
        }
        for (String r : reasons) {
            sb.append("reason       ").append(TerminalText.line(r)).append('\n');
        }
        writeOnDrive(layout.reason(name), sb.toString().getBytes(StandardCharsets.UTF_8), true);
    }

    /**
     * Writes a file on the drive atomically. A folder that vanished or a file that
     * appeared meanwhile means the drive was pulled or changed under us: a drive fault.
     */
    private static void writeOnDrive(Path target, byte[] content, boolean overwrite) {
        try {
            AtomicFile.write(target, content, overwrite);
        } catch (UsageException e) {
            throw new EnvironmentException("cannot write " + target + ": " + e.getMessage()
                    + " (the drive was removed or changed during the pass); nothing partial was left");
        }
    }

    private static void requireSpace(DriveLayout layout, long bytes) {
        try {
            long free = Files.getFileStore(layout.signed()).getUsableSpace();
            if (free < bytes + SPACE_MARGIN) {
                throw new EnvironmentException("drive is full: " + free + " bytes free, " + (bytes + SPACE_MARGIN)
                        + " needed for the next signed file; nothing was signed; make room and run again");
            }
        } catch (IOException e) {
            throw new EnvironmentException("cannot read the free space of " + layout.signed() + ": " + AtomicFile.describe(e)
                    + ": the drive was removed; re-insert it and run again");
        }
    }

    /**
     * Re-reads every signed file of this pass from the drive and checks it against the
     * digest that was signed, the key, and its receipt.
     */
    private void verifyOutputs(DriveLayout layout, Map<String, byte[]> outputs, DriveReport report) {
        Ed25519PublicKey key = desk.key().publicKey();
        for (Map.Entry<String, byte[]> o : outputs.entrySet()) {
            String version = o.getKey();
            byte[] signed = readInput(layout.signedBlob(version));
            if (signed == null || signed.length < Ed25519PublicKey.SIGNATURE_LENGTH) {
                throw new EnvironmentException("signed/" + version + ".bin read back wrong: the drive is failing; use another drive");
            }
            int body = signed.length - Ed25519PublicKey.SIGNATURE_LENGTH;
            byte[] digest = sha256(Arrays.copyOf(signed, body));
            byte[] sig = Arrays.copyOfRange(signed, body, signed.length);
            if (!Arrays.equals(digest, o.getValue()) || !key.verify(digest, sig)) {
                throw new EnvironmentException("signed/" + version + ".bin read back does not match the digest that was signed ("
                        + Fingerprints.of(o.getValue()) + "): the drive is failing; use another drive and run again");
            }
            Path receiptPath = layout.receipt(version);
            if (Files.exists(receiptPath, LinkOption.NOFOLLOW_LINKS)) {
                try {
                    Receipt receipt = Receipt.parse(Files.readAllBytes(receiptPath));
                    if (!receipt.digest().equals(HexFormat.of().formatHex(digest)) || receipt.size() != signed.length) {
                        throw new IOException("it describes another blob");
                    }
                } catch (IOException e) {
                    throw new EnvironmentException("receipt signed/" + version + ".bin.receipt.json read back wrong: "
                            + e.getMessage() + ": the drive is failing; use another drive");
                }
            }
            report.verifiedOutput(version + ".bin");
        }
        AtomicFile.fsyncDirectory(layout.signed());
        AtomicFile.fsyncDirectory(layout.rejected());
    }

    /** Reads a file without following links; null when it is larger than any release. */
    private static byte[] readInput(Path path) {
        try (InputStream in = Files.newInputStream(path, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            byte[] bytes = in.readNBytes((int) ReleaseBlob.MAX_IN_MEMORY + 1);
            return bytes.length > ReleaseBlob.MAX_IN_MEMORY ? null : bytes;
        } catch (IOException e) {
            throw new EnvironmentException("cannot read " + path + ": " + AtomicFile.describe(e)
                    + ": the drive was removed or is damaged; re-insert it and run again");
        }
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
