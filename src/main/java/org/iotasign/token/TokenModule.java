package org.iotasign.token;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.iotasign.EnvironmentException;

/**
 * A loaded PKCS#11 module and the profile that describes its token.
 *
 * <p>The module is, in order: the URI's {@code module-path}, {@code --module}, the
 * URI's {@code module-name}, the {@code --profile}'s first installed module, and
 * otherwise SoftHSM2 (the embedded default store). The profile is {@code --profile}, or
 * recognised from the module's file name, or none.
 */
public final class TokenModule {
    private final Path path;
    private final Optional<HsmProfile> profile;
    private final Cryptoki cryptoki;

    private TokenModule(Path path, Optional<HsmProfile> profile, Cryptoki cryptoki) {
        this.path = path;
        this.profile = profile;
        this.cryptoki = cryptoki;
    }

    /** Resolves and loads the module for {@code uri} (which may be null: no URI given). */
    public static TokenModule load(KeyUri uri, TokenContext ctx) {
        Optional<HsmProfile> explicitProfile = ctx.profile().map(HsmProfile::named);
        Optional<String> given = Optional.ofNullable(uri).flatMap(KeyUri::modulePath).or(ctx::module);
        Path module;
        Optional<HsmProfile> profile;
        if (given.isPresent()) {
            module = Path.of(given.get());
            profile = explicitProfile.or(() -> HsmProfile.recognise(module));
            if (!Files.exists(module)) {
                throw new EnvironmentException("PKCS#11 module " + module + " not found: "
                        + profile.map(p -> p.installHint() + ", or ").orElse("") + "pass the module's path with --module");
            }
        } else {
            profile = explicitProfile
                    .or(() -> Optional.ofNullable(uri).flatMap(KeyUri::moduleName).map(name -> HsmProfile.forModuleName(name)
                            .orElseThrow(() -> new EnvironmentException("PKCS#11 module-name '" + name
                                    + "' is not one iotasign knows: give module-path= in the URI or --module PATH"))))
                    .or(() -> Optional.of(HsmProfile.softHsm()));
            HsmProfile p = profile.get();
            module = p.installedModule().orElseThrow(() -> new EnvironmentException("no PKCS#11 module for " + p.description()
                    + " found (looked in " + p.modulePaths().get(0).getParent() + " and " + (p.modulePaths().size() - 1)
                    + " other places): " + p.installHint() + ", or pass --module PATH"));
        }
        Path canonical;
        try {
            canonical = module.toRealPath();
        } catch (IOException e) {
            throw new EnvironmentException("PKCS#11 module " + module + " cannot be opened: check the path and its permissions", e);
        }
        if (profile.map(HsmProfile::isSoftHsm).orElse(false) && !Pkcs11Wrapper.isLoaded(canonical)) {
            // Fails with what to do when SOFTHSM2_CONF is missing; creates the embedded store.
            SoftHsmStore.current(ctx);
        }
        Cryptoki cryptoki;
        try {
            cryptoki = Pkcs11Wrapper.load(canonical);
        } catch (IOException e) {
            throw new EnvironmentException("cannot load PKCS#11 module " + module + ": " + e.getMessage()
                    + ": check it is a PKCS#11 library for this system's architecture", e);
        } catch (CryptokiException e) {
            String hint = profile.map(HsmProfile::isSoftHsm).orElse(false)
                    ? "check that SOFTHSM2_CONF names a readable SoftHSM configuration whose token folder exists"
                    : "check the token's configuration and that its service (connector, pcscd) is running";
            throw new EnvironmentException("PKCS#11 module " + module + " failed to start (" + CryptokiException.name(e.code())
                    + "): " + hint, e);
        }
        return new TokenModule(canonical, profile, cryptoki);
    }

    public Path path() {
        return path;
    }

    public Optional<HsmProfile> profile() {
        return profile;
    }

    public Cryptoki cryptoki() {
        return cryptoki;
    }
}
