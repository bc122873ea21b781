package org.iotasign.signing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;

import org.iotasign.io.TerminalText;

/**
 * Asks the operator to approve a reviewed release (the review has been printed already).
 * Shared by the USB workflow and the serial signer so that both confirm the same way.
 */
@FunctionalInterface
public interface Operator {
    /**
     * The operator's answer: confirmed (and how), or declined with the reason.
     *
     * @param decided false when no answer came (end of input): the request may be offered again
     */
    record Answer(boolean confirmed, Confirmation mode, String why, boolean decided) {
        public static Answer yes(Confirmation mode) {
            return new Answer(true, mode, null, true);
        }

        public static Answer no(String why) {
            return new Answer(false, null, why, true);
        }

        public static Answer none(String why) {
            return new Answer(false, null, why, false);
        }
    }

    Answer ask(Review review);

    /** {@code --yes}: approves everything the policy allows, recorded as such in the ledger. */
    static Operator unattended() {
        return review -> Answer.yes(Confirmation.YES_FLAG);
    }

    /** Approves only when the operator types the release version exactly. */
    static Operator typingVersion(BufferedReader in, PrintWriter out) {
        return review -> {
            String version = review.version().orElseThrow();
            out.print("Type the version (" + TerminalText.of(version) + ") to sign it, or anything else to decline: ");
            out.flush();
            String line;
            try {
                line = in.readLine();
            } catch (IOException e) {
                line = null;
            }
            if (System.console() == null) {
                out.println(); // The typed line was not echoed by a terminal.
            }
            if (line == null) {
                return Answer.none("no answer (end of input)");
            }
            if (!line.strip().equals(version)) {
                return Answer.no(line.isBlank() ? "the operator declined" : "the operator typed '" + TerminalText.of(line.strip()) + "', not " + TerminalText.of(version));
            }
            return Answer.yes(Confirmation.TYPED_VERSION);
        };
    }
}
