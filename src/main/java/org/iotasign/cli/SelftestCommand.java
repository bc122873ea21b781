package org.iotasign.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.concurrent.Callable;

import org.iotasign.io.JsonText;
import org.iotasign.io.TerminalText;
import org.iotasign.selftest.ModuleScan;
import org.iotasign.selftest.NetworkCheck;
import org.iotasign.selftest.SelfTest;
import org.iotasign.selftest.SerialPorts;
import org.iotasign.token.KeyUri;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "selftest", mixinStandardHelpOptions = true,
        description = {"Check that this machine can sign and looks air-gapped.",
                "Reports on one screen: Java version; PKCS#11 modules (hsm-config profiles and p11-kit registrations) and",
                "their tokens, with Ed25519 signing/key generation support and PIN state; the configured key and its",
                "fingerprint; the ledger; serial ports; and whether any network interface other than loopback is up",
                "(an air-gapped signer has none). Never logs in to a token, so it asks for no PIN.",
                "Exit status 0 only when signing would work and the machine looks air-gapped; 1 otherwise."})
final class SelftestCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print the report as JSON (for scripts) instead of text.")
    boolean json;

    @Option(names = "--key", paramLabel = "URI", defaultValue = KeyUri.DEFAULT,
            description = "PKCS#11 URI (RFC 7512) of the key to check, e.g. 'pkcs11:token=iotasign;object=release;id=%%01'. "
                    + "Default: ${DEFAULT-VALUE}, the release key in the tool's own SoftHSM2 token.")
    String key;

    @Option(names = "--ledger", paramLabel = "PATH",
            description = "The signing ledger to verify. Default: ledger.jsonl in IOTASIGN_HOME (~/.local/share/iotasign when unset).")
    Path ledger;

    @Option(names = "--allow-network",
            description = "Do not fail because a network interface is up (it is still reported): for checking a token on a "
                    + "machine that is online, such as the build machine. Never use it on the signing laptop.")
    boolean allowNetwork;

    @Mixin
    TokenOptions token;

    @Override
    public Integer call() {
        SelfTest.Report r = SelfTest.run(Main.Version.current(), KeyUri.parse(key), token.context(), ledger, allowNetwork);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(JsonText.forTerminal(r));
        } else {
            printText(r, out);
        }
        out.flush();
        return r.ready() ? Main.EXIT_OK : Main.EXIT_REJECTED;
    }

    /** Every line carries text from modules, tokens and the OS (labels, descriptions, names): rendered, never raw. */
    private static void printText(SelfTest.Report r, PrintWriter out) {
        Consumer<String> say = line -> out.println(TerminalText.line(line));
        say.accept("iotasign " + r.iotasign() + " self-test");
        say.accept(String.format("java     %s (%s) at %s", r.java().version(), r.java().vendor(), r.java().home()));
        String label = "modules  ";
        for (ModuleScan.ModuleReport m : r.modules()) {
            say.accept(String.format("%s%s%s  [%s]", label, m.path(), m.profile() == null ? "" : " (" + m.profile() + ")", String.join(", ", m.foundBy())));
            label = "         ";
            if (m.library() != null) {
                say.accept(label + "  " + m.library());
            }
            if (m.note() != null) {
                say.accept(label + "  " + m.note());
            }
            for (ModuleScan.TokenReport t : m.tokens()) {
                if (!t.initialized()) {
                    say.accept(String.format("%s  slot %d: uninitialized token", label, t.slot()));
                    continue;
                }
                say.accept(String.format("%s  slot %d: token '%s' (%s %s, serial %s): Ed25519 sign %s, generate %s; %s", label, t.slot(), t.label(),
                        t.manufacturer(), t.model(), t.serial(), yesNo(t.eddsa()), yesNo(t.keyGeneration()), t.pinState()));
            }
        }
        SelfTest.KeyReport k = r.key();
        if (k.found()) {
            say.accept(String.format("key      %s: fingerprint %s on token '%s' (%s)", k.uri(), k.fingerprint(), k.token(), k.module()));
            say.accept("         public key " + k.publicKeyHex());
            say.accept("         ledger: " + k.ledgerAnchor());
        } else {
            say.accept(String.format("key      %s: NOT FOUND", k.uri()));
        }
        SelfTest.LedgerReport l = r.ledger();
        if (!l.exists()) {
            say.accept("ledger   " + l.path() + ": no records yet (created by the first signature)");
        } else if (l.intact()) {
            say.accept("ledger   " + l.path() + ": verifies, " + l.records() + " records, head " + l.head());
        } else {
            say.accept("ledger   " + l.path() + ": " + (l.blocksSigning() ? "DOES NOT VERIFY: " : "warning: ") + l.verdict());
        }
        List<SerialPorts.Port> ports = r.serialPorts();
        say.accept("serial   " + (ports.isEmpty() ? "no serial ports" : ports.get(0).path() + " (" + ports.get(0).description() + ")"));
        ports.stream().skip(1).forEach(p -> say.accept("         " + p.path() + " (" + p.description() + ")"));
        if (r.networkInterfacesUp().isEmpty()) {
            say.accept("network  no interface up except loopback: looks air-gapped");
        } else {
            say.accept("network  !!! WARNING: THIS MACHINE IS NOT AIR-GAPPED: network interfaces are up !!!");
            for (NetworkCheck.UpInterface i : r.networkInterfacesUp()) {
                say.accept("         !!! " + i.name() + (i.addresses().isEmpty() ? " (no address)" : " " + String.join(" ", i.addresses())));
            }
            if (r.networkAllowed()) {
                say.accept("         (--allow-network: not counted as a failure)");
            }
        }
        if (r.ready() && r.airGapped()) {
            say.accept("result   READY: signing works and the machine looks air-gapped");
        } else if (r.ready()) {
            say.accept("result   READY to sign, but NOT air-gapped (accepted because of --allow-network)");
        } else {
            say.accept("result   NOT READY:");
            r.problems().forEach(p -> say.accept("         - " + p));
        }
    }

    private static String yesNo(boolean b) {
        return b ? "yes" : "NO";
    }
}
