package org.iotasign.cli;

import org.iotasign.token.TokenContext;

import picocli.CommandLine.Option;

/** Where the token is: shared by every command that talks to a PKCS#11 token. */
final class TokenOptions {
    @Option(names = "--module", paramLabel = "PATH",
            description = "PKCS#11 module (shared library) of the token. Default: module-path= of the key URI, else the "
                    + "profile's module, else SoftHSM2 with the tool's own token store under IOTASIGN_HOME.")
    String module;

    @Option(names = "--profile", paramLabel = "NAME|FILE",
            description = "Token profile giving module paths and quirks: softhsm2, yubihsm2, yubikey-piv, opensc "
                    + "(the files in hsm-config/), or a profile file of your own. Default: recognised from the module's file name.")
    String profile;

    TokenContext context() {
        return TokenContext.fromEnvironment(module, profile);
    }
}
