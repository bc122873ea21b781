package org.iotasign.usb;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.iotasign.io.TerminalText;
import org.iotasign.signing.Review;

/**
 * {@code rejected/<name>.reason.txt}: why an outbox file was not signed, one
 * {@code label value} line per field, written for the person at the online side and read
 * back to honour an earlier decision. Every text field holds what is on the drive
 * (already made safe for a terminal), so {@link #parse} of {@link #bytes} gives the same
 * record.
 *
 * @param input       the outbox file's name
 * @param verdict     refused, declined or ignored
 * @param version     the release version as shown ({@code "02_09_01"} or {@code (not a valid blob)}); empty when ignored before review
 * @param digest      hex SHA-256 of the file; empty when ignored before review
 * @param fingerprint short form of {@code digest}; empty when ignored before review
 * @param time        when the decision was made, to the second
 * @param ledgerSeq   the ledger record of the decision, 0 when none was written
 * @param reasons     why, one line each
 */
public record ReasonFile(String input, Verdict verdict, Optional<String> version, Optional<String> digest,
                         Optional<String> fingerprint, Instant time, long ledgerSeq, List<String> reasons) {

    /** What became of the file. Only a refusal is decided again on a later pass. */
    public enum Verdict {
        REFUSED, DECLINED, IGNORED;

        /** The word on the drive and on screen. */
        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Optional<Verdict> ofWord(String word) {
            for (Verdict v : values()) {
                if (v.word().equals(word)) {
                    return Optional.of(v);
                }
            }
            return Optional.empty();
        }
    }

    private static final int LABEL = 13;
    private static final String LEDGER_RECORD = "record ";

    public ReasonFile {
        reasons = List.copyOf(reasons);
    }

    /** The reason file for {@code name}; {@code review} is null when the file was ignored before review. */
    static ReasonFile of(String name, Review review, Verdict verdict, List<String> reasons, long ledgerSeq) {
        return new ReasonFile(TerminalText.of(name, 1024), verdict, // in full: a name has 255 bytes at most
                review == null ? Optional.empty() : Optional.of(review.version().map(TerminalText::quoted).orElse("(not a valid blob)")),
                review == null ? Optional.empty() : Optional.of(review.digestHex()),
                review == null ? Optional.empty() : Optional.of(review.digestFingerprint()),
                Instant.now().truncatedTo(ChronoUnit.SECONDS), ledgerSeq,
                reasons.stream().map(TerminalText::line).toList());
    }

    /** True when this file speaks of the bytes with SHA-256 {@code digestHex}. */
    boolean isAbout(String digestHex) {
        return digest.isPresent() && digest.get().equals(digestHex);
    }

    byte[] bytes() {
        StringBuilder sb = new StringBuilder();
        field(sb, "input", input);
        field(sb, "verdict", verdict.word());
        version.ifPresent(v -> field(sb, "version", v));
        digest.ifPresent(d -> field(sb, "digest", d));
        fingerprint.ifPresent(f -> field(sb, "fingerprint", f));
        field(sb, "time", time.toString());
        if (ledgerSeq > 0) {
            field(sb, "ledger", LEDGER_RECORD + ledgerSeq);
        }
        reasons.forEach(r -> field(sb, "reason", r));
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void field(StringBuilder sb, String label, String value) {
        sb.append(label).append(" ".repeat(LABEL - label.length())).append(value).append('\n');
    }

    /** @throws IOException when the text is not a reason file this class wrote */
    static ReasonFile parse(byte[] text) throws IOException {
        String input = null;
        Verdict verdict = null;
        String version = null;
        String digest = null;
        String fingerprint = null;
        Instant time = null;
        long ledgerSeq = 0;
        List<String> reasons = new ArrayList<>();
        for (String line : new String(text, StandardCharsets.UTF_8).lines().toList()) {
            if (line.length() < LABEL || !line.substring(0, LABEL).matches("[a-z]+ +")) {
                throw new IOException("a line of the reason file is not 'label value'");
            }
            String label = line.substring(0, LABEL).strip();
            String value = line.substring(LABEL);
            switch (label) {
                case "input" -> input = value;
                case "verdict" -> verdict = Verdict.ofWord(value.strip())
                        .orElseThrow(() -> new IOException("the reason file's verdict is not refused, declined or ignored"));
                case "version" -> version = value;
                case "digest" -> digest = value;
                case "fingerprint" -> fingerprint = value;
                case "time" -> time = instant(value);
                case "ledger" -> ledgerSeq = seq(value);
                case "reason" -> reasons.add(value);
                default -> throw new IOException("the reason file has an unknown line");
            }
        }
        if (input == null || verdict == null || time == null) {
            throw new IOException("the reason file lacks its input, verdict or time");
        }
        return new ReasonFile(input, verdict, Optional.ofNullable(version), Optional.ofNullable(digest),
                Optional.ofNullable(fingerprint), time, ledgerSeq, reasons);
    }

    private static Instant instant(String value) throws IOException {
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new IOException("the reason file's time is not an instant");
        }
    }

    private static long seq(String value) throws IOException {
        if (!value.startsWith(LEDGER_RECORD)) {
            throw new IOException("the reason file's ledger line is not 'record N'");
        }
        try {
            return Long.parseLong(value.substring(LEDGER_RECORD.length()));
        } catch (NumberFormatException e) {
            throw new IOException("the reason file's ledger record is not a number");
        }
    }
}
