package org.iotasign.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;

import org.iotasign.testing.Cli;
import org.iotasign.token.SoftHsmFixture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A token's label is text from the PKCS#11 module, i.e. from outside: a token labelled to
 * clear the screen and draw a line of its own reaches the terminal escaped in every
 * listing of tokens and keys.
 */
@Tag(SoftHsmFixture.TAG)
class HostileTokenTextTest {
    static final String LABEL = "ev\u001b[2J\u001b[Hil\u202e";

    @BeforeAll
    static void token() throws IOException {
        SoftHsmFixture.create(HostileTokenTextTest.class, LABEL);
    }

    static void assertRendered(Cli.Result r) {
        String all = r.out() + r.err();
        assertFalse(all.chars().anyMatch(c -> c == 0x1b || c == 0x202e), "raw control reached the terminal:\n" + all);
        assertTrue(all.contains("ev\\x1b[2J\\x1b[Hil\\u202e"), "the label is shown escaped:\n" + all);
    }

    @Test
    void tokenListShowsAHostileLabelEscaped() {
        Cli.Result r = Cli.run("token", "list");
        assertEquals(0, r.exit(), r::toString);
        assertRendered(r);
    }

    @Test
    void selftestShowsAHostileLabelEscaped() {
        Cli.Result r = Cli.run("selftest", "--allow-network");
        assertRendered(r);
    }
}
