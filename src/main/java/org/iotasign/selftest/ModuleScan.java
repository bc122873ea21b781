package org.iotasign.selftest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.iotasign.IotasignException;
import org.iotasign.token.CryptokiException;
import org.iotasign.token.HsmProfile;
import org.iotasign.token.TokenContext;
import org.iotasign.token.TokenInventory;

/**
 * Finds the PKCS#11 modules on this machine (the token profiles of hsm-config, p11-kit's
 * module registrations, and --module) and lists the tokens of each. Only modules a
 * profile recognises, or the one given with --module, are loaded: an unknown module
 * registered with p11-kit may start or wait for a desktop service.
 */
public final class ModuleScan {
    /** One module: where it was found, and its tokens when it was loaded. */
    public record ModuleReport(String path, boolean installed, List<String> foundBy, String profile, String library,
                               boolean probed, String note, List<TokenReport> tokens) {
    }

    /** One token in a slot, as C_GetTokenInfo and C_GetMechanismList describe it. */
    public record TokenReport(long slot, String label, String manufacturer, String model, String serial, boolean initialized,
                              boolean eddsa, boolean keyGeneration, String pinState, List<String> pinFlags) {
        static TokenReport of(TokenInventory.TokenEntry t) {
            return new TokenReport(t.slotId(), t.token().label(), t.token().manufacturer(), t.token().model(), t.token().serial(),
                    t.initialized(), t.canSign(), t.canGenerate(), t.pinState(), PinFlags.names(t.token().flags()));
        }
    }

    private ModuleScan() {
    }

    public static List<ModuleReport> scan(TokenContext ctx, List<P11KitModules.Registration> registrations) {
        Map<String, Found> found = new LinkedHashMap<>();
        for (String name : HsmProfile.BUILT_IN) {
            HsmProfile profile = HsmProfile.named(name);
            Optional<Path> module = profile.installedModule();
            if (module.isPresent()) {
                add(found, module.get(), "hsm-config/" + name + ".properties").profile = profile;
            } else {
                Found f = add(found, profile.modulePaths().get(0), "hsm-config/" + name + ".properties");
                f.profile = profile;
                f.note = "not installed: " + profile.installHint();
            }
        }
        for (P11KitModules.Registration r : registrations) {
            Found f = add(found, r.module(), "p11-kit " + r.config());
            if (!Files.exists(r.module())) {
                f.note = "registered as '" + r.moduleLine() + "' but the library is missing: reinstall its package";
            }
        }
        ctx.module().ifPresent(m -> add(found, Path.of(m), "--module").given = true);

        List<ModuleReport> out = new ArrayList<>();
        for (Found f : found.values()) {
            out.add(f.installed() ? probe(f, ctx) : f.report(false, null, List.of()));
        }
        return out;
    }

    private static Found add(Map<String, Found> found, Path module, String source) {
        String key;
        try {
            key = module.toRealPath().toString();
        } catch (IOException e) {
            key = module.toAbsolutePath().normalize().toString();
        }
        Found f = found.computeIfAbsent(key, k -> new Found(module));
        f.sources.add(source);
        if (f.profile == null) {
            f.profile = HsmProfile.recognise(module).orElse(null);
        }
        return f;
    }

    private static ModuleReport probe(Found f, TokenContext ctx) {
        if (f.profile == null && !f.given) {
            f.note = "not loaded: no iotasign profile knows it; check it with 'iotasign selftest --module " + f.path + "'";
            return f.report(false, null, List.of());
        }
        TokenContext here = new TokenContext(ctx.env(), Optional.of(f.path.toString()),
                f.given ? ctx.profile() : Optional.ofNullable(f.profile).map(HsmProfile::name));
        try {
            TokenInventory.Inventory inv = TokenInventory.list(null, here);
            List<TokenReport> tokens = inv.tokens().stream().map(TokenReport::of).toList();
            if (tokens.isEmpty()) {
                f.note = "no token present";
            }
            String library = inv.library().description() + " " + inv.library().version() + " (" + inv.library().manufacturer() + ")";
            return f.report(true, library, tokens);
        } catch (IotasignException | CryptokiException e) {
            f.note = e.getMessage();
            return f.report(true, null, List.of());
        }
    }

    private static final class Found {
        final Path path;
        final List<String> sources = new ArrayList<>();
        HsmProfile profile;
        String note;
        boolean given;

        Found(Path path) {
            this.path = path;
        }

        boolean installed() {
            return Files.isRegularFile(path);
        }

        ModuleReport report(boolean probed, String library, List<TokenReport> tokens) {
            return new ModuleReport(path.toString(), installed(), List.copyOf(sources), profile == null ? null : profile.name(),
                    library, probed, note, tokens);
        }
    }
}
