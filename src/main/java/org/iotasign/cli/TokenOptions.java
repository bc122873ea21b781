package org.iotasign.cli;

import org.iotasign.token.TokenContext;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * Where the token is: shared by every command that talks to a PKCS#11 token. A picocli
 * mixin for annotated commands; {@link #addTo} gives commands built in code the same
 * options from the same constants (CodedCommandsTest compares the two).
 */
final class TokenOptions {
    static final String MODULE_DESCRIPTION = "PKCS#11 module (shared library) of the token. Default: module-path= of the key URI, else the "
            + "profile's module, else SoftHSM2 with the tool's own token store under IOTASIGN_HOME.";
    static final String PROFILE_DESCRIPTION = "Token profile giving module paths and quirks: softhsm2, yubihsm2, yubikey-piv, opensc "
            + "(the files in hsm-config/), or a profile file of your own. Default: recognised from the module's file name.";

    @Option(names = "--module", paramLabel = "PATH", description = MODULE_DESCRIPTION)
    String module;

    @Option(names = "--profile", paramLabel = "NAME|FILE", description = PROFILE_DESCRIPTION)
    String profile;

    /** Adds these options to a command built in code; returns the object they set. */
    static TokenOptions addTo(CommandSpec spec) {
        TokenOptions o = new TokenOptions();
        spec.addOption(CodedOptions.option(o, "module", "--module").paramLabel("PATH").description(MODULE_DESCRIPTION).build());
        spec.addOption(CodedOptions.option(o, "profile", "--profile").paramLabel("NAME|FILE").description(PROFILE_DESCRIPTION).build());
        return o;
    }

    TokenContext context() {
        return TokenContext.fromEnvironment(module, profile);
    }
}
