package org.iotasign.seriallink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.iotasign.crypto.Fingerprints;
import org.iotasign.testing.Digests;
import org.iotasign.testing.IotasignProcess;
import org.iotasign.testing.SigningFixture;
import org.iotasign.testing.SocatPty;
import org.iotasign.testing.TestReleases;
import org.iotasign.testing.TmuxScreen;
import org.iotasign.token.SoftHsmStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code iotasign serial-signer} in a real terminal (tmux), against a hostile bridge on
 * a socat pseudo-terminal pair: a blob whose version and entry name are escape
 * sequences and fake review lines, then a blob the operator is asked about while a
 * second bridge floods the link with malformed and busy announcements.
 */
@Tag("softhsm")
@Timeout(150)
class SerialSignerScreenTest {
    static final int CHUNK = 256;
    static SigningFixture fx;

    @TempDir
    Path dir;

    FrameChannel ch;
    int seq;

    @BeforeAll
    static void token() throws IOException {
        fx = SigningFixture.create(SerialSignerScreenTest.class);
    }

    @AfterAll
    static void close() {
        fx.close();
    }

    /** A parseable blob whose 8-byte version and first web file name are terminal attacks. */
    static byte[] hostileBlob() {
        byte[] b = TestReleases.unsigned("02_09_03", List.of(fx.publicKey()), 16 * 1024);
        byte[] version = "\u001b[2J\u001b[3J".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(version, 0, b, indexOf(b, "02_09_03".getBytes(StandardCharsets.US_ASCII)), 8);
        byte[] field = new byte[24];
        byte[] name = "\r\u001b[2Kverdict  SIGNED\n".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(name, 0, field, 0, name.length);
        System.arraycopy(field, 0, b, indexOf(b, "index.htm\0".getBytes(StandardCharsets.US_ASCII)), 24);
        return b;
    }

    static int indexOf(byte[] hay, byte[] needle) {
        for (int i = 0; i + needle.length <= hay.length; i++) {
            if (Arrays.equals(hay, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        throw new AssertionError("not found");
    }

    private Frame request(Frame f, FrameType... expected) throws IOException {
        ch.send(f);
        long until = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < until) {
            Frame r = ch.receive(50);
            if (r != null && Arrays.asList(expected).contains(r.type())) {
                return r;
            }
        }
        throw new AssertionError("no " + Arrays.toString(expected) + " in answer to " + f);
    }

    /** Announces and sends {@code blob}; returns the transfer id. */
    private int submit(byte[] blob) throws IOException {
        int t = request(new Frame(FrameType.ANNOUNCE, 0, 0, ++seq, new Messages.Announce(blob.length, Digests.sha256(blob), CHUNK).encode()),
                FrameType.READY).transfer();
        for (int i = 0; i * CHUNK < blob.length; i++) {
            request(new Frame(FrameType.DATA, 0, t, i, Arrays.copyOfRange(blob, i * CHUNK, Math.min(blob.length, (i + 1) * CHUNK))),
                    FrameType.ACK);
        }
        return t;
    }

    private Frame verdict(int transfer) throws Exception {
        long until = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < until) {
            Frame f = request(Frame.of(FrameType.QUERY, transfer, ++seq), FrameType.PENDING, FrameType.SIGNED, FrameType.REFUSED);
            if (f.type() != FrameType.PENDING) {
                return f;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no verdict for transfer " + transfer);
    }

    @Test
    void hostileNamesAndAFloodingSecondBridgeCannotFakeOrHideTheReview() throws Exception {
        Map<String, String> env = new HashMap<>();
        for (String v : List.of(SoftHsmStore.CONF_VARIABLE, SoftHsmStore.HOME_VARIABLE)) {
            if (System.getenv(v) != null) {
                env.put(v, System.getenv(v));
            }
        }
        byte[] evil = TestReleases.unsigned("02_09_02", List.of(fx.publicKey()), 20 * 1024);
        String evilFingerprint = Fingerprints.of(Digests.sha256(evil));
        try (SocatPty pty = new SocatPty(dir)) {
            List<String> command = IotasignProcess.builder(Map.of(), List.of("serial-signer", "--port", pty.hostSide.toString(),
                    "--key", fx.hsm.uri(SigningFixture.TOKEN, "release"), "--ledger", dir.resolve("ledger.jsonl").toString())).command();
            try (TmuxScreen tmux = new TmuxScreen(dir, 160, 60, env, command)) {
                tmux.waitFor("the signer waiting", s -> s.stream().anyMatch(l -> l.contains("waiting for a bridge")), TmuxScreen.WAIT);
                try (SerialPortLink link = SerialPortLink.open(pty.deviceSide.toString(), 115200)) {
                    ch = new FrameChannel(link);

                    // A hostile version and entry name: refused, and shown escaped inside quotes.
                    int hostile = submit(hostileBlob());
                    assertEquals(FrameType.REFUSED, verdict(hostile).type());
                    List<String> first = tmux.waitFor("the refusal", s -> s.stream().anyMatch(l -> l.startsWith("not signed:")),
                            TmuxScreen.WAIT);
                    assertTrue(first.stream().anyMatch(l -> l.contains("waiting for a bridge")), "nothing cleared the screen:\n"
                            + String.join("\n", first));
                    assertTrue(first.contains("version      \"\\x1b[2J\\x1b[3J\""), String.join("\n", first));
                    assertTrue(first.stream().anyMatch(l -> l.startsWith("  \"\\x0d\\x1b[2Kverdict  SIGNED\\x0a\"")), String.join("\n", first));
                    assertFalse(first.stream().anyMatch(l -> l.startsWith("verdict  SIGNED")), "an injected line:\n" + String.join("\n", first));

                    // A blob the operator is asked about, while a second bridge floods the link.
                    int asked = submit(evil);
                    tmux.waitFor("the prompt", s -> s.stream().anyMatch(l -> l.startsWith("Type the version (02_09_02)")), TmuxScreen.WAIT);
                    int malformed = 12;
                    int busy = 9;
                    for (int i = 0; i < malformed; i++) {
                        request(new Frame(FrameType.ANNOUNCE, 0, 0, ++seq, "\u001b[2J\u001b[Hfingerprint  0000".getBytes(StandardCharsets.US_ASCII)),
                                FrameType.ERROR);
                    }
                    for (int i = 0; i < busy; i++) {
                        request(new Frame(FrameType.ANNOUNCE, 0, 0, ++seq, new Messages.Announce(100, Digests.sha256(new byte[i]), CHUNK).encode()),
                                FrameType.ERROR);
                    }
                    String counter = "meanwhile    " + (malformed + busy) + " other events on the link (bad request " + malformed
                            + ", busy " + busy + ")";
                    List<String> screen = tmux.waitFor("the counter line", s -> s.contains(counter), TmuxScreen.WAIT);
                    String shown = String.join("\n", screen);
                    int prompt = screen.size() - 1;
                    while (!screen.get(prompt).startsWith("Type the version")) {
                        prompt--;
                    }
                    assertEquals("fingerprint  " + evilFingerprint + "  computed here over the " + evil.length + " bytes",
                            screen.get(prompt - 1), "the true fingerprint is right above the prompt:\n" + shown);
                    assertEquals(counter, screen.get(prompt - 2), "one counter line, above the fingerprint:\n" + shown);
                    assertTrue(screen.contains("version      \"02_09_02\""), "the review stays on screen:\n" + shown);
                    assertFalse(shown.contains("bridge request refused"), "the flood collapsed into the counter:\n" + shown);
                    assertTrue(screen.stream().noneMatch(l -> l.startsWith("fingerprint  0000")), shown);

                    tmux.typeLine("02_09_02");
                    Frame v = verdict(asked);
                    assertEquals(FrameType.SIGNED, v.type(), "the operator typed the version: " + v);
                    tmux.waitFor("the signature", s -> s.stream().anyMatch(l -> l.startsWith("signed 02_09_02 (ledger record")), TmuxScreen.WAIT);
                }
            }
        }
    }
}
