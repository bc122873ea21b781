package org.iotasign.selftest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.iotasign.IotasignException;
import org.iotasign.crypto.Ed25519PublicKey;
import org.iotasign.ledger.Ledger;
import org.iotasign.ledger.LedgerCheck;
import org.iotasign.token.CryptokiException;
import org.iotasign.token.HsmProfile;
import org.iotasign.token.KeyUri;
import org.iotasign.token.Pkcs11Constants;
import org.iotasign.token.SoftHsmStore;
import org.iotasign.token.TokenContext;
import org.iotasign.token.TokenInventory;
import org.iotasign.token.TokenKeys;
import org.iotasign.token.TokenSession;

/**
 * The signing laptop's self-check: can this machine sign with the configured key, and does
 * it look air-gapped? Reads only: it never logs in to a token, so it asks for no PIN and
 * cannot use up PIN tries.
 */
public final class SelfTest {
    /** The Java runtime the tool runs on. */
    public record JavaReport(String version, String vendor, String home) {
    }

    /**
     * The configured key: where it is and whether its token can sign with it.
     *
     * @param ledgerAnchor whether the token holds the ledger's anchor (from its profile), or null when no token was found
     */
    public record KeyReport(String uri, boolean found, String module, String token, String fingerprint, String publicKeyHex,
                            boolean tokenOffersEddsa, String pinState, List<String> pinFlags, String ledgerAnchor, String problem) {
    }

    /**
     * The signing ledger: whether its hash chain verifies. A broken chain stops signing; an
     * incomplete last line (an append cut short) does not, and is reported.
     */
    public record LedgerReport(String path, boolean exists, int records, String head, boolean intact, String verdict,
                               boolean blocksSigning) {
    }

    /**
     * Everything the self-check found. {@code ready} is true only when signing would work and
     * the machine looks air-gapped (or {@code --allow-network} was given); {@code problems}
     * says what stands in the way, each with what to do.
     */
    public record Report(String iotasign, JavaReport java, List<ModuleScan.ModuleReport> modules, KeyReport key,
                         LedgerReport ledger, List<SerialPorts.Port> serialPorts, List<NetworkCheck.UpInterface> networkInterfacesUp,
                         boolean signingReady, boolean airGapped, boolean networkAllowed, boolean ready, List<String> problems) {
    }

    private SelfTest() {
    }

    /** @param ledger the ledger file; null: the default one in IOTASIGN_HOME */
    public static Report run(String toolVersion, KeyUri key, TokenContext ctx, Path ledger, boolean allowNetwork) {
        List<String> problems = new ArrayList<>();
        JavaReport java = new JavaReport(Runtime.version().toString(), System.getProperty("java.vendor"),
                System.getProperty("java.home"));
        List<ModuleScan.ModuleReport> modules = ModuleScan.scan(ctx,
                P11KitModules.find(P11KitModules.CONFIG_DIRS, P11KitModules.defaultModuleDirs()));
        KeyReport keyReport = checkKey(key, ctx);
        if (keyReport.problem() != null) {
            problems.add(keyReport.problem());
        }
        LedgerReport ledgerReport = checkLedger(ledger != null ? ledger : Ledger.defaultPath(SoftHsmStore.home(ctx)));
        if (ledgerReport.blocksSigning()) {
            problems.add("the signing ledger " + ledgerReport.path() + " does not verify: " + ledgerReport.verdict()
                    + ": nothing is signed against a damaged ledger; restore it from a backup");
        }
        boolean signingReady = problems.isEmpty();
        List<SerialPorts.Port> ports = serialPorts();
        List<NetworkCheck.UpInterface> up = NetworkCheck.upInterfaces();
        boolean airGapped = up.isEmpty();
        if (!airGapped && !allowNetwork) {
            List<String> names = up.stream().map(NetworkCheck.UpInterface::name).toList();
            problems.add("network interface" + (names.size() == 1 ? " " : "s ") + String.join(", ", names)
                    + " up: an air-gapped signer must have none; unplug the cable, switch off Wi-Fi, or 'ip link set DEV down'");
        }
        return new Report(toolVersion, java, modules, keyReport, ledgerReport, ports, up, signingReady, airGapped,
                allowNetwork, problems.isEmpty(), List.copyOf(problems));
    }

    /** Finds the key's token and public key without logging in; a problem says why signing would fail. */
    static KeyReport checkKey(KeyUri key, TokenContext ctx) {
        String module = null;
        String token = null;
        boolean eddsa = false;
        String pinState = null;
        List<String> pinFlags = List.of();
        String anchor = null;
        try {
            boolean locked;
            try (TokenSession s = TokenSession.open(key, ctx, false)) {
                module = s.module().path().toString();
                token = s.label();
                String profile = s.module().profile().map(HsmProfile::name).orElse("no profile");
                anchor = s.module().profile().map(HsmProfile::storesDataObjects).orElse(false)
                        ? "token '" + token + "' anchors the signing ledger (a private data object; profile " + profile + ")"
                        : "token '" + token + "' cannot hold a ledger anchor (profile " + profile + " keeps no data objects): "
                        + "the ledger has only its file's protection";
                eddsa = s.cryptoki().mechanisms(s.slot()).contains(Pkcs11Constants.CKM_EDDSA);
                TokenInventory.TokenEntry entry = new TokenInventory.TokenEntry(s.slot(), "", s.info(), eddsa, false);
                pinState = entry.pinState();
                pinFlags = PinFlags.names(s.info().flags());
                locked = s.info().has(Pkcs11Constants.CKF_USER_PIN_LOCKED);
            }
            Optional<Ed25519PublicKey> pub = TokenKeys.existingPublicKey(key, ctx);
            String problem = null;
            if (pub.isEmpty()) {
                problem = "token '" + token + "' holds no key " + key.describe()
                        + ": create it with 'iotasign key generate', or give the right one with --key";
            } else if (!eddsa) {
                problem = "token '" + token + "' does not offer Ed25519 signing (CKM_EDDSA): use a token from docs/tokens.md";
            } else if (locked) {
                problem = "the user PIN of token '" + token + "' is locked: unlock it with the security officer PIN (token's own tool)";
            }
            return new KeyReport(key.toString(), pub.isPresent(), module, token, pub.map(Ed25519PublicKey::fingerprint).orElse(null),
                    pub.map(Ed25519PublicKey::hex).orElse(null), eddsa, pinState, pinFlags, anchor, problem);
        } catch (IotasignException | CryptokiException e) {
            return new KeyReport(key.toString(), false, module, token, null, null, eddsa, pinState, pinFlags, anchor, e.getMessage());
        }
    }

    static LedgerReport checkLedger(Path path) {
        try {
            LedgerCheck c = new Ledger(path).check();
            return new LedgerReport(path.toAbsolutePath().toString(), Files.exists(path), c.records().size(), c.headHash(),
                    c.intact(), c.verdict().orElse(null), c.problem().isPresent());
        } catch (IotasignException e) {
            return new LedgerReport(path.toAbsolutePath().toString(), Files.exists(path), 0, null, false, e.getMessage(), true);
        }
    }

    private static List<SerialPorts.Port> serialPorts() {
        try {
            return SerialPorts.list();
        } catch (RuntimeException | LinkageError e) {
            // jSerialComm could not load its native library (e.g. /tmp mounted noexec): serial
            // flashing would fail, signing would not, so this is reported but does not block.
            return List.of(new SerialPorts.Port("?", "cannot list serial ports: " + e));
        }
    }
}
