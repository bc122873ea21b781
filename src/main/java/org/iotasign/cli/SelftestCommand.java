package org.iotasign.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import org.iotasign.io.JsonText;
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

    private static void printText(SelfTest.Report r, PrintWriter out) {
        out.println("iotasign " + r.iotasign() + " self-test");
        out.printf("java     %s (%s) at %s%n", r.java().version(), r.java().vendor(), r.java().home());
        String label = "modules  ";
        for (ModuleScan.ModuleReport m : r.modules()) {
            out.printf("%s%s%s  [%s]%n", label, m.path(), m.profile() == null ? "" : " (" + m.profile() + ")", String.join(", ", m.foundBy()));
            label = "         ";
            if (m.library() != null) {
                out.println(label + "  " + m.library());
            }
            if (m.note() != null) {
                out.println(label + "  " + m.note());
            }
            for (ModuleScan.TokenReport t : m.tokens()) {
                if (!t.initialized()) {
                    out.printf("%s  slot %d: uninitialized token%n", label, t.slot());
                    continue;
                }
                out.printf("%s  slot %d: token '%s' (%s %s, serial %s): Ed25519 sign %s, generate %s; %s%n", label, t.slot(), t.label(),
                        t.manufacturer(), t.model(), t.serial(), yesNo(t.eddsa()), yesNo(t.keyGeneration()), t.pinState());
            }
        }
        SelfTest.KeyReport k = r.key();
        if (k.found()) {
            out.printf("key      %s: fingerprint %s on token '%s' (%s)%n", k.uri(), k.fingerprint(), k.token(), k.module());
            out.println("         public key " + k.publicKeyHex());
            out.println("         ledger: " + k.ledgerAnchor());
        } else {
            out.printf("key      %s: NOT FOUND%n", k.uri());
        }
        SelfTest.LedgerReport l = r.ledger();
        if (!l.exists()) {
            out.println("ledger   " + l.path() + ": no records yet (created by the first signature)");
        } else if (l.intact()) {
            out.println("ledger   " + l.path() + ": verifies, " + l.records() + " records, head " + l.head());
        } else {
            out.println("ledger   " + l.path() + ": " + (l.blocksSigning() ? "DOES NOT VERIFY: " : "warning: ") + l.verdict());
        }
        List<SerialPorts.Port> ports = r.serialPorts();
        out.println("serial   " + (ports.isEmpty() ? "no serial ports" : ports.get(0).path() + " (" + ports.get(0).description() + ")"));
        ports.stream().skip(1).forEach(p -> out.println("         " + p.path() + " (" + p.description() + ")"));
        if (r.networkInterfacesUp().isEmpty()) {
            out.println("network  no interface up except loopback: looks air-gapped");
        } else {
            out.println("network  !!! WARNING: THIS MACHINE IS NOT AIR-GAPPED: network interfaces are up !!!");
            for (NetworkCheck.UpInterface i : r.networkInterfacesUp()) {
                out.println("         !!! " + i.name() + (i.addresses().isEmpty() ? " (no address)" : " " + String.join(" ", i.addresses())));
            }
            if (r.networkAllowed()) {
                out.println("         (--allow-network: not counted as a failure)");
            }
        }
        if (r.ready() && r.airGapped()) {
            out.println("result   READY: signing works and the machine looks air-gapped");
        } else if (r.ready()) {
            out.println("result   READY to sign, but NOT air-gapped (accepted because of --allow-network)");
        } else {
            out.println("result   NOT READY:");
            r.problems().forEach(p -> out.println("         - " + p));
        }
    }

    private static String yesNo(boolean b) {
        return b ? "yes" : "NO";
    }
}
