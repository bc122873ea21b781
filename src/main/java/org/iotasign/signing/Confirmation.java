package org.iotasign.signing;

import java.util.Locale;

/** How the operator approved a signature; recorded in the ledger. */
public enum Confirmation {
    /** The operator read the review and typed the release version. */
    TYPED_VERSION,
    /** Unattended batch: {@code --yes} was given. */
    YES_FLAG,
    /** {@code iotasign sign IN -o OUT}: the operator named the file on the command line. */
    COMMAND_LINE,
    /** Not asked again: the same bytes were signed with the same key before, so the signature is the one already approved. */
    REPEAT;

    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
