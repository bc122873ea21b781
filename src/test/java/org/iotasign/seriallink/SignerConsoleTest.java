package org.iotasign.seriallink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

import org.junit.jupiter.api.Test;

/** What the signer's console prints while a review waits for the operator, and what the link says meanwhile. */
class SignerConsoleTest {
    static final List<String> REVIEW = List.of("version      \"02_09_01\"", "verdict      may be signed", "fingerprint  1111-2222-3333-4444");

    @Test
    void withoutATerminalEventsDuringTheReviewBecomeOneLineAfterTheAnswer() {
        StringWriter text = new StringWriter();
        SignerConsole console = new SignerConsole(new PrintWriter(text), false);
        console.showReview(REVIEW);
        for (int i = 0; i < 5; i++) {
            console.protocolError(0, ErrorCode.BUSY, "the signer is reviewing another blob");
        }
        console.protocolError(0, ErrorCode.BAD_REQUEST, "payload of 3 bytes\u001b[2J, expected 38");
        assertEquals(String.join("\n", REVIEW) + "\n", text.toString(), "nothing is printed under the review while the operator decides");
        console.reviewAnswered();
        console.protocolError(0, ErrorCode.BUSY, "after");
        assertEquals(String.join("\n", REVIEW) + "\nmeanwhile    6 other events on the link (bad request 1, busy 5)\n"
                + "bridge request refused (busy): after\n", text.toString());
    }

    @Test
    void onATerminalTheCounterLineAboveTheFingerprintIsRedrawnInPlace() {
        StringWriter text = new StringWriter();
        SignerConsole console = new SignerConsole(new PrintWriter(text), true);
        console.showReview(REVIEW);
        String shown = text.toString();
        assertEquals("version      \"02_09_01\"\nverdict      may be signed\nmeanwhile    nothing else on the link\n"
                + "fingerprint  1111-2222-3333-4444\n", shown, "the counter line sits above the fingerprint, which stays last");
        console.protocolError(0, ErrorCode.BAD_REQUEST, "malformed\n\u001b[2J");
        console.protocolError(0, ErrorCode.BUSY, "busy");
        String redraws = text.toString().substring(shown.length());
        assertEquals("\u001b7\u001b[2A\r\u001b[2Kmeanwhile    1 other event on the link (bad request 1)\u001b8"
                + "\u001b7\u001b[2A\r\u001b[2Kmeanwhile    2 other events on the link (bad request 1, busy 1)\u001b8", redraws,
                "save the cursor, rewrite the counter line two rows up, restore: no new line");
        assertFalse(redraws.contains("malformed"), "the link's text never reaches the screen during the review");
        console.reviewAnswered();
        console.protocolError(0, ErrorCode.BAD_REQUEST, "x\u001b[2Jy");
        assertTrue(text.toString().endsWith("bridge request refused (bad request): x\\x1b[2Jy\n"), text.toString());
    }
}
