package org.iotasign.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

import org.iotasign.io.TerminalText;
import org.iotasign.site.PublishRequest;
import org.iotasign.site.PublishResult;
import org.iotasign.site.Publisher;
import org.iotasign.site.Site;
import org.iotasign.site.UpdateClass;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "publish", mixinStandardHelpOptions = true,
        header = "Publish a signed release into a site, checked as a device would.",
        description = {"Publish a signed release into a site: verify it as a device would against the site's key, copy it",
                "to firmware/bin/<version>.bin, then point the given classes at it in firmware/versions.json (each file",
                "written atomically, blob first, so a polling device never sees a class pointing at a missing blob).",
                "Shows versions.json before and after. Refuses: a blob that does not verify, a version already",
                "published with different bytes, an unknown class or NONE, a class moving to a lower version (unless",
                "--allow-rollback --reason TEXT), tables whose own version differs from --tables-version."})
final class PublishCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--site", required = true, paramLabel = "DIR", description = "The site folder made by 'iotasign site init'.")
    Path site;

    @Option(names = "--pubkey", paramLabel = "KEY",
            description = "Optional: the key you expect the site to use (64 hex digits, a key file or a PKCS#11 URI); refused when it is not the site's key.")
    String pubkey;

    @Option(names = "--class", paramLabel = "CLASS[,CLASS...]", split = ",",
            description = "Auto-update classes to move to this release: MAJOR, MINOR, BETA, ALPHA, TEST (case-sensitive, as on the device).")
    List<String> classes = List.of();

    @Option(names = "--allow-rollback", description = "Permit a class (or the tables) to move to a lower version; devices install whatever is named.")
    boolean allowRollback;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why a rollback is intended; required with --allow-rollback and recorded in the site history.")
    String reason;

    @Option(names = "--tables", paramLabel = "FILE", description = "A tables file to publish as download/tables/<tables-version>.txt.")
    Path tables;

    @Option(names = "--tables-version", paramLabel = "X.Y.Z",
            description = "The tables version to advertise in versions.json; must equal the \"version\" inside the tables file.")
    String tablesVersion;

    @Parameters(arity = "0..1", paramLabel = "RELEASE.bin", description = "The signed release blob (omit to publish only tables).")
    Path release;

    @Override
    public Integer call() {
        Site s = Site.open(site);
        List<UpdateClass> parsed = classes.isEmpty() ? List.of() : UpdateClass.parseList(String.join(",", classes));
        PublishRequest req = new PublishRequest(
                Optional.ofNullable(release).map(CliFiles::existingFile),
                parsed,
                Optional.ofNullable(pubkey).map(KeyArguments::publicKey),
                allowRollback,
                Optional.ofNullable(reason),
                Optional.ofNullable(tables).map(CliFiles::existingFile),
                Optional.ofNullable(tablesVersion));
        PublishResult r = new Publisher(s).publish(req);
        PrintWriter out = spec.commandLine().getOut();
        r.notes().forEach(n -> out.println(TerminalText.line(n)));
        out.println("versions.json before:");
        r.before().lines().forEach(l -> out.println("  " + TerminalText.line(l)));
        out.println("versions.json after:");
        r.after().lines().forEach(l -> out.println("  " + TerminalText.line(l)));
        if (r.changes().isEmpty()) {
            out.println("no change: versions.json already said this");
        } else {
            r.changes().forEach(c -> out.println("changed  " + TerminalText.line(c)));
        }
        out.flush();
        return Main.EXIT_OK;
    }
}
