package org.iotasign.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;

import org.iotasign.release.Finding;
import org.iotasign.release.Findings;
import org.junit.jupiter.api.Test;

/** flash decides on a finding's code, never on its text. */
class FlashRefusalTest {
    @Test
    void aLackingKeyFindingIsPassedByTheFlagWhateverItsText() {
        Findings f = new Findings();
        f.problem(Finding.Code.FIRMWARE_LACKS_KEY, "worded some other way");
        assertEquals(Optional.empty(), FlashCommand.refusal(f, true));
        assertEquals(Optional.of("worded some other way (pass --allow-missing-key to flash it anyway)"), FlashCommand.refusal(f, false));
    }

    @Test
    void anotherProblemThatMentionsEmbeddingAKeyStillRefuses() {
        Findings f = new Findings();
        f.problem("iotawatt.bin does not embed the verifying key 0123-4567-89ab-cdef");
        assertEquals(Optional.of("iotawatt.bin does not embed the verifying key 0123-4567-89ab-cdef"), FlashCommand.refusal(f, true));
    }

    @Test
    void noProblemsNoRefusal() {
        assertEquals(Optional.empty(), FlashCommand.refusal(new Findings(), false));
    }
}
