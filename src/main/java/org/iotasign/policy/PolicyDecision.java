package org.iotasign.policy;

import java.util.List;
import java.util.Optional;

import org.iotasign.ledger.LedgerRecord;

/**
 * What the policy says about one release.
 *
 * @param violations the rules it breaks, overridden or not
 * @param repeatOf   the earlier signature of these exact bytes with this key, if any
 * @param previous   the highest version signed with this key before (other bytes), if any
 * @param keyBirth   how the signing key came to be on its token
 */
public record PolicyDecision(List<Violation> violations, Optional<LedgerRecord> repeatOf, Optional<LedgerRecord> previous,
                             KeyBirth keyBirth) {
    public PolicyDecision {
        violations = List.copyOf(violations);
    }

    public boolean refused() {
        return violations.stream().anyMatch(v -> !v.overridden());
    }

    /** The reasons for refusing, one line each. */
    public List<String> reasons() {
        return violations.stream().filter(v -> !v.overridden()).map(Violation::message).toList();
    }

    /** The override flags this signature needs, for the ledger. */
    public List<String> overridesUsed() {
        return violations.stream().filter(Violation::overridden).map(v -> v.rule().overrideFlag().orElseThrow()).toList();
    }
}
