package org.iotasign.token;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;

import org.iotasign.EnvironmentException;
import org.iotasign.UsageException;

/**
 * What the tool knows about one kind of token: where its PKCS#11 module lives on common
 * systems and its quirks. Profiles are the files of the project's {@code hsm-config/}
 * folder (packed into the jar); {@code --profile} also takes a path to such a file.
 */
public final class HsmProfile {
    /** Profiles shipped with the tool, in the order used to recognise a module. */
    public static final List<String> BUILT_IN = List.of("softhsm2", "yubihsm2", "yubikey-piv", "opensc");

    private final String name;
    private final Properties p;

    private HsmProfile(String name, Properties p) {
        this.name = name;
        this.p = p;
    }

    /** A built-in profile by name, or a profile file by path. */
    public static HsmProfile named(String nameOrFile) {
        if (BUILT_IN.contains(nameOrFile)) {
            return builtIn(nameOrFile);
        }
        Path file = Path.of(nameOrFile);
        if (!Files.isRegularFile(file)) {
            throw new UsageException("token profile '" + nameOrFile + "' is neither a built-in profile ("
                    + String.join(", ", BUILT_IN) + ") nor a readable file");
        }
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            Properties p = new Properties();
            p.load(r);
            return new HsmProfile(p.getProperty("name", file.getFileName().toString()), p);
        } catch (IOException | IllegalArgumentException e) {
            throw new UsageException("cannot read token profile " + file + ": " + e.getMessage() + ": fix the file or use a built-in profile");
        }
    }

    public static HsmProfile softHsm() {
        return builtIn("softhsm2");
    }

    static HsmProfile builtIn(String name) {
        try (InputStream in = HsmProfile.class.getResourceAsStream("/hsm-config/" + name + ".properties")) {
            if (in == null) {
                throw new IllegalStateException("built-in profile " + name + " missing from the jar");
            }
            Properties p = new Properties();
            p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
            return new HsmProfile(name, p);
        } catch (IOException e) {
            throw new EnvironmentException("cannot read built-in token profile " + name + ": " + e.getMessage() + ": reinstall iotasign", e);
        }
    }

    /** The built-in profile whose module file name matches {@code module}, if any. */
    public static Optional<HsmProfile> recognise(Path module) {
        String file = module.getFileName().toString();
        for (String n : BUILT_IN) {
            HsmProfile profile = builtIn(n);
            if (file.equals(profile.moduleFile())) {
                return Optional.of(profile);
            }
        }
        return Optional.empty();
    }

    /** The profile for an RFC 7512 module-name (library name with or without "lib" and ".so"), if any. */
    public static Optional<HsmProfile> forModuleName(String moduleName) {
        for (String n : BUILT_IN) {
            HsmProfile profile = builtIn(n);
            String file = profile.moduleFile();
            String bare = file.replaceFirst("\\.so$", "").replaceFirst("^lib", "");
            if (moduleName.equals(n) || moduleName.equals(file) || moduleName.equals(bare)
                    || moduleName.equals("lib" + bare)) {
                return Optional.of(profile);
            }
        }
        return Optional.empty();
    }

    public String name() {
        return name;
    }

    public String description() {
        return p.getProperty("description", name);
    }

    public String moduleFile() {
        return p.getProperty("module.file", "");
    }

    public List<Path> modulePaths() {
        List<Path> out = new ArrayList<>();
        for (String s : p.getProperty("module.paths", "").split(",")) {
            if (!s.isBlank()) {
                out.add(Path.of(s.trim()));
            }
        }
        return out;
    }

    /** The first listed module path that exists on this system. */
    public Optional<Path> installedModule() {
        return modulePaths().stream().filter(Files::isRegularFile).findFirst();
    }

    public String installHint() {
        return p.getProperty("install", "install the token's PKCS#11 module");
    }

    /** True for SoftHSM 2, whose configuration comes from SOFTHSM2_CONF. */
    public boolean isSoftHsm() {
        return Boolean.parseBoolean(p.getProperty("softhsm", "false"));
    }

    /** True when key generation needs the security officer (e.g. the PIV management key). */
    public boolean keygenNeedsSecurityOfficer() {
        return "so".equals(p.getProperty("keygen.login", "user"));
    }

    /**
     * True when the token keeps private data objects (CKO_DATA) the tool may create and
     * destroy: there the token anchors the signing ledger ({@code data-objects=true}).
     */
    public boolean storesDataObjects() {
        return Boolean.parseBoolean(p.getProperty("data-objects", "false"));
    }

    /** Checks the PIN's shape where the token has one; never includes the PIN in the message. */
    public void checkPinShape(byte[] pinUtf8) {
        String pattern = p.getProperty("pin.pattern");
        if (pattern != null && !Pattern.matches(pattern, new String(pinUtf8, StandardCharsets.UTF_8))) {
            throw new UsageException("the PIN for a " + description() + " must be " + pinHint() + ": check the PIN source");
        }
    }

    /** What the user PIN looks like on this token, for prompts (may be empty). */
    public String pinHint() {
        return p.getProperty("pin.hint", "");
    }

    /** What the security officer PIN is on this token, for prompts (may be empty). */
    public String soPinHint() {
        return p.getProperty("so-pin.hint", "");
    }

    public String notes() {
        return p.getProperty("notes", "");
    }

    @Override
    public String toString() {
        return name + " (" + description() + ")";
    }
}
