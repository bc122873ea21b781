package org.iotasign.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.iotasign.crypto.Ed25519PublicKey;
import org.iotasign.io.TerminalText;
import org.iotasign.io.Progress;
import org.iotasign.objectstore.ObjectStore;
import org.iotasign.objectstore.S3Location;
import org.iotasign.objectstore.SitePush;
import org.iotasign.site.Site;
import org.iotasign.site.SiteInspector;
import org.iotasign.site.SiteLayout;
import org.iotasign.site.SiteReport;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "site", mixinStandardHelpOptions = true,
        header = "Create, list, check and push an update site.",
        description = {"Create, list and check an update site: the folder of static files devices poll",
                "(firmware/versions.json, firmware/bin/<version>.bin, download/tables/<version>.txt)."},
        subcommands = {SiteCommand.Init.class, SiteCommand.Show.class, SiteCommand.Check.class, SiteCommand.Push.class})
final class SiteCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a site command is required: init, show, check or push");
    }

    @Command(name = "init", mixinStandardHelpOptions = true,
            header = "Create a site folder for releases signed with a key.",
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
            header = "List the site: key, classes, versions, sizes and fingerprints.",
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
            header = "Check the site as devices will meet it, locally or in a bucket.",
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

        @Option(names = "--remote", paramLabel = "s3://BUCKET[/PREFIX]",
                description = "Also compare the bucket the site is pushed to with the site: same bytes, the push's headers, nothing versions.json names missing.")
        String remote;

        @Mixin
        S3Options s3;

        @Override
        public Integer call() {
            Site opened = Site.open(site);
            SiteReport report = new SiteInspector(opened).inspect();
            PrintWriter out = spec.commandLine().getOut();
            if (remote != null) {
                S3Location location = S3Location.parse(remote);
                try (ObjectStore store = s3.open(location)) {
                    SiteReport remoteReport = new SitePush(opened, store, location, out, false, System::nanoTime).check();
                    remoteReport.lines().forEach(out::println);
                    List<String> problems = new ArrayList<>(report.problems());
                    problems.addAll(remoteReport.problems());
                    report = new SiteReport(report.lines(), problems);
                }
            }
            if (report.consistent()) {
                out.println("site " + site + " is consistent" + (remote == null ? "" : " and " + remote + " serves it"));
                out.flush();
                return Main.EXIT_OK;
            }
            PrintWriter err = spec.commandLine().getErr();
            report.problems().forEach(p -> err.println("iotasign: " + TerminalText.line(p)));
            err.println("iotasign: site " + site + (remote == null ? "" : " or " + remote) + " has " + report.problems().size() + " problem(s): fix them or republish");
            err.flush();
            return Main.EXIT_REJECTED;
        }
    }

    @Command(name = "push", mixinStandardHelpOptions = true,
            header = "Copy the served part of a site to S3-compatible object storage.",
            description = {"Copy the served part of a site to a bucket through the S3 API (Amazon S3, Cloudflare R2,",
                    "Backblaze B2, MinIO, Ceph), for the online build machine, never the signing laptop.",
                    "Release blobs and tables go first, each read back and compared (size and SHA-256), versions.json",
                    "last, so no device ever sees a versions.json naming a missing or partial blob. Unchanged objects",
                    "are not sent again; a blob or tables file the bucket holds with other bytes is refused (exit 1,",
                    "nothing changed). Cache-Control: versions.json 'no-cache', blobs and tables immutable for a year.",
                    "Credentials: the AWS SDK's chain (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE)."})
    static final class Push implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--site", required = true, paramLabel = "DIR", description = "The site folder.")
        Path site;

        @Option(names = "--to", required = true, paramLabel = "s3://BUCKET[/PREFIX]",
                description = "The bucket, and the folder in it that devices see as the web root.")
        String to;

        @Mixin
        S3Options s3;

        @Option(names = "--dry-run", description = "Print the plan (upload, skip, refuse, delete, keep) and change nothing.")
        boolean dryRun;

        @Option(names = "--delete-stale",
                description = "Delete blobs and tables the site no longer has, except any named by versions.json (the site's or the bucket's) or the site history.")
        boolean deleteStale;

        @Override
        public Integer call() {
            long start = System.nanoTime();
            Site opened = Site.open(site);
            S3Location location = S3Location.parse(to);
            PrintWriter out = spec.commandLine().getOut();
            try (ObjectStore store = s3.open(location)) {
                SitePush push = new SitePush(opened, store, location, out, Progress.stdoutIsTerminal(), System::nanoTime);
                SitePush.Plan plan = push.plan(deleteStale);
                push.print(plan);
                if (dryRun) {
                    out.println("dry run: nothing changed in " + location + (plan.refused() ? "; a push would be refused" : ""));
                    out.flush();
                    return plan.refused() ? Main.EXIT_REJECTED : Main.EXIT_OK;
                }
                SitePush.Result r = push.push(plan);
                out.println(String.format(Locale.ROOT, "pushed %s to %s: %d uploaded (%s), %d unchanged, %d deleted; %d HTTP request(s), %.2f s",
                        site, location, plan.count(SitePush.Action.UPLOAD), Progress.bytes(r.bytes()), plan.count(SitePush.Action.SKIP),
                        plan.count(SitePush.Action.DELETE), store.requests(), (System.nanoTime() - start) / 1e9));
                out.flush();
                return Main.EXIT_OK;
            }
        }
    }
}
