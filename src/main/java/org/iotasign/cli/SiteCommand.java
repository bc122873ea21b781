package org.iotasign.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.iotasign.crypto.Ed25519PublicKey;
import org.iotasign.io.TerminalText;
import org.iotasign.site.Site;
import org.iotasign.site.SiteInspector;
import org.iotasign.site.SiteLayout;
import org.iotasign.site.SiteReport;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "site", mixinStandardHelpOptions = true,
        description = {"Create, list and check an update site: the folder of static files devices poll",
                "(firmware/versions.json, firmware/bin/<version>.bin, download/tables/<version>.txt)."},
        subcommands = {SiteCommand.Init.class, SiteCommand.Show.class, SiteCommand.Check.class})
final class SiteCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a site command is required: init, show or check");
    }

    @Command(name = "init", mixinStandardHelpOptions = true,
            description = {"Create a site folder for releases signed with KEY: the served folders, an empty",
                    "versions.json, and the site's key and history under " + SiteLayout.META_DIR + "/ (never served).",
                    "Running it again with the same key changes nothing; another key is refused."})
    static final class Init implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--site", required = true, paramLabel = "DIR", description = "The site folder (created if missing); it becomes the web root.")
        Path site;

        @Option(names = "--pubkey", required = true, paramLabel = "KEY",
                description = "The release public key compiled into the devices' firmware: 64 hex digits, a file in hex, PEM, C-array or raw form, or a PKCS#11 URI (pkcs11:token=...;object=...). Every published blob must verify with it.")
        String pubkey;

        @Override
        public Integer call() {
            Ed25519PublicKey key = KeyArguments.publicKey(pubkey);
            Site.InitResult r = Site.init(site, key);
            PrintWriter out = spec.commandLine().getOut();
            out.println((r.alreadyInitialised() ? "site already initialised: " : "initialised site ") + r.site().layout().root()
                    + " with key " + key.fingerprint());
            out.flush();
            return Main.EXIT_OK;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = {"List the site: key, each class with its version, blob size, SHA-256 fingerprint and the",
                    "device's verdict, the tables, and published files no longer advertised. Problems are listed",
                    "at the end; the exit code is 0 either way (use 'site check' to fail on them)."})
    static final class Show implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--site", required = true, paramLabel = "DIR", description = "The site folder.")
        Path site;

        @Override
        public Integer call() {
            SiteReport report = new SiteInspector(Site.open(site)).inspect();
            PrintWriter out = spec.commandLine().getOut();
            report.lines().forEach(l -> out.println(TerminalText.line(l)));
            report.problems().forEach(p -> out.println("PROBLEM  " + TerminalText.line(p)));
            out.println(report.consistent() ? "site is consistent" : report.problems().size() + " problem(s)");
            out.flush();
            return Main.EXIT_OK;
        }
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = {"Check the site as devices will meet it: versions.json parses strictly and as the device",
                    "parses it, every class names a MM_mm_pp version whose blob exists and verifies with the site key,",
                    "the advertised tables exist and carry their version, the history agrees with versions.json, no",
                    "files of a killed publish are left, and a web server running as another user can read the served",
                    "files. Exit 1 on any inconsistency."})
    static final class Check implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--site", required = true, paramLabel = "DIR", description = "The site folder.")
        Path site;

        @Override
        public Integer call() {
            SiteReport report = new SiteInspector(Site.open(site)).inspect();
            PrintWriter out = spec.commandLine().getOut();
            if (report.consistent()) {
                out.println("site " + site + " is consistent");
                out.flush();
                return Main.EXIT_OK;
            }
            PrintWriter err = spec.commandLine().getErr();
            report.problems().forEach(p -> err.println("iotasign: " + TerminalText.line(p)));
            err.println("iotasign: site " + site + " has " + report.problems().size() + " problem(s): fix them or republish");
            err.flush();
            return Main.EXIT_REJECTED;
        }
    }
}
