package org.iotasign.cli;

import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.iotasign.site.AsyncLineWriter;
import org.iotasign.site.SiteLayout;
import org.iotasign.site.SiteServer;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "serve", mixinStandardHelpOptions = true,
        header = "Serve a site read-only over HTTP for a bench or a small fleet.",
        description = {"Serve a site read-only over HTTP/1.1 (Jetty) for a bench or a small fleet: GET and HEAD of",
                "/firmware/versions.json, /firmware/bin/<version>.bin and /download/tables/<version>.txt only, with",
                "Content-Length, Content-Type, ETag, Last-Modified and Range; 404 for anything else. Prints the URL,",
                "then one access-log line per request (time, client, method, path, status, body bytes).",
                "Stops cleanly on Ctrl-C (SIGINT) or SIGTERM. For a large fleet copy the site to any web server or CDN."})
final class ServeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--site", required = true, paramLabel = "DIR", description = "The site folder made by 'iotasign site init'.")
    Path site;

    @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "Address to listen on (default: ${DEFAULT-VALUE}, this machine only). Use 0.0.0.0 to let devices on the network reach it.")
    String bind;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8080",
            description = "TCP port (default: ${DEFAULT-VALUE}); 0 picks a free port, printed at start.")
    int port;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        AsyncLineWriter log = new AsyncLineWriter(out);
        SiteServer server;
        try {
            server = SiteServer.start(new SiteLayout(site), bind, port, log);
        } catch (RuntimeException e) {
            log.close();
            throw e;
        }
        // The first lines go through the log writer too, so they are never interleaved with it.
        log.accept("serving " + new SiteLayout(site).root() + " at " + server.baseUri() + "/ (versions: " + server.baseUri()
                + SiteLayout.VERSIONS_PATH + ")");
        if (!InetAddress.getByName(bind).isLoopbackAddress()) {
            log.accept("note: listening on " + bind + ", reachable from other machines; plain HTTP, the release signature is the only protection");
        }
        log.accept("press Ctrl-C to stop");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            log.accept("stopped");
            log.close();
        }, "serve-stop"));
        server.join();
        return Main.EXIT_OK;
    }
}
