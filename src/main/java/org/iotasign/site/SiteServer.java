package org.iotasign.site;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.function.Consumer;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.MimeTypes;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.http.content.HttpContent;
import org.eclipse.jetty.http.content.ResourceHttpContentFactory;
import org.eclipse.jetty.http.content.ValidatingCachingHttpContentFactory;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.RequestLog;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ResourceHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.resource.ResourceFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import org.iotasign.EnvironmentException;
import org.iotasign.UsageException;
import org.iotasign.io.TerminalText;

/**
 * Serves a site read-only over HTTP/1.1 with Jetty: GET and HEAD of the files
 * {@link ServedPath} allows, with Content-Length, Content-Type, ETag, Last-Modified and
 * Range from Jetty's resource service; 404 for every other path, 405 for other methods,
 * 400 for ambiguous or escaping URIs. Blobs are streamed
 * from disk through pooled buffers and never cached, so memory does not grow with file
 * size or client count; files up to 64 KiB (versions.json, tables) are cached but checked
 * against the file on every request, so a publish is visible on the next request.
 * One access-log line per request: time, client, method, path, status, body bytes.
 */
public final class SiteServer implements AutoCloseable {
    /** Requests never block a thread on the network (writes are asynchronous), so a few suffice. */
    private static final int MAX_THREADS = 16;
    private static final int IDLE_TIMEOUT_MS = 30_000;
    private static final int MAX_CACHED_FILE = 64 * 1024;
    private static final int MAX_CACHED_FILES = 16;

    private final Server server;
    private final ServerConnector connector;
    private final String host;

    private SiteServer(Server server, ServerConnector connector, String host) {
        this.server = server;
        this.connector = connector;
        this.host = host;
    }

    /**
     * Starts serving {@code layout} on {@code bind}:{@code port} (port 0 picks a free one).
     *
     * @param accessLog receives one line per request
     */
    public static SiteServer start(SiteLayout layout, String bind, int port, Consumer<String> accessLog) {
        if (port < 0 || port > 65535) {
            throw new UsageException("--port " + port + " is not a TCP port: give 0-65535 (0 picks a free port)");
        }
        InetAddress address;
        try {
            address = InetAddress.getByName(bind);
        } catch (UnknownHostException e) {
            throw new UsageException("--bind " + bind + " is not an address of this machine: give an IP address such as 127.0.0.1");
        }
        if (!Files.isDirectory(layout.versionsJson().getParent())) {
            throw new UsageException(layout.root() + " has no firmware/ folder: initialise it with 'iotasign site init' or give the site folder");
        }
        QueuedThreadPool threads = new QueuedThreadPool(MAX_THREADS, 4);
        threads.setName("serve");
        Server server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        // Let ambiguous URIs (%2e%2e, %2f, ;, //, NUL ...) reach AllowListHandler, which answers
        // them 400 itself: the access log then shows the path that was tried. URIs that escape
        // the root are still refused by Jetty before any handler.
        http.setUriCompliance(UriCompliance.UNSAFE);
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(address.getHostAddress());
        connector.setPort(port);
        connector.setIdleTimeout(IDLE_TIMEOUT_MS);
        server.addConnector(connector);
        Path realRoot;
        try {
            realRoot = layout.root().toRealPath();
        } catch (IOException e) {
            throw new UsageException("site folder " + layout.root() + " cannot be read: " + e.getMessage());
        }
        server.setHandler(new AllowListHandler(realRoot, newResourceHandler(layout)));
        server.setRequestLog(new AccessLog(accessLog));
        // Stop at once: a device whose download is cut retries on its next poll, and waiting for
        // idle keep-alive connections would only delay the exit.
        server.setStopTimeout(0);
        try {
            server.start();
        } catch (Exception e) {
            try {
                server.stop();
            } catch (Exception ignored) {
                // Reporting the start failure matters more.
            }
            throw new EnvironmentException("cannot listen on " + bind + ":" + port + ": " + e.getMessage()
                    + ": choose another --port or stop what is using it");
        }
        return new SiteServer(server, connector, address.getHostAddress());
    }

    private static ResourceHandler newResourceHandler(SiteLayout layout) {
        MimeTypes.Mutable types = new MimeTypes.Mutable();
        types.addMimeMapping("json", "application/json");
        types.addMimeMapping("bin", "application/octet-stream");
        types.addMimeMapping("txt", "text/plain");
        ResourceHandler files = new ResourceHandler() {
            @Override
            protected HttpContent.Factory newHttpContentFactory(ByteBufferPool.Sized pool) {
                // Small files (versions.json, tables) are kept in memory but re-validated against
                // the file on every request (validation period 0), so a publish is visible on the
                // next request. Blobs are above the size limit: always streamed, never cached,
                // never memory-mapped.
                ValidatingCachingHttpContentFactory small = new ValidatingCachingHttpContentFactory(
                        new ResourceHttpContentFactory(getBaseResource(), getMimeTypes(), pool), 0, pool);
                small.setMaxCachedFileSize(MAX_CACHED_FILE);
                small.setMaxCachedFiles(MAX_CACHED_FILES);
                small.setMaxCacheSize((long) MAX_CACHED_FILE * MAX_CACHED_FILES);
                return small;
            }
        };
        files.setBaseResource(ResourceFactory.of(files).newResource(layout.root()));
        files.setMimeTypes(types);
        files.setDirAllowed(false);
        files.setWelcomeFiles(List.of());
        files.setEtags(true);
        files.setAcceptRanges(true);
        files.setUseFileMapping(false);
        return files;
    }

    /** The port actually bound (useful with port 0). */
    public int port() {
        return connector.getLocalPort();
    }

    /** The base URL a device or probe uses, e.g. {@code http://127.0.0.1:8080}. */
    public URI baseUri() {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return URI.create("http://" + h + ":" + port());
    }

    /** Blocks until the server stops. */
    public void join() throws InterruptedException {
        server.join();
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new EnvironmentException("server did not stop cleanly: " + e.getMessage());
        }
    }

    /** Filters methods and paths before Jetty's resource service answers. */
    private static final class AllowListHandler extends Handler.Wrapper {
        private final Path realRoot;

        AllowListHandler(Path realRoot, Handler files) {
            super(files);
            this.realRoot = realRoot;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            String method = request.getMethod();
            if (!HttpMethod.GET.is(method) && !HttpMethod.HEAD.is(method)) {
                response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
                return plain(request, response, callback, HttpStatus.METHOD_NOT_ALLOWED_405, "method not allowed\n");
            }
            if (request.getHttpURI().hasViolations()) {
                return plain(request, response, callback, HttpStatus.BAD_REQUEST_400, "bad request\n");
            }
            String path = Request.getPathInContext(request);
            if (ServedPath.resolve(realRoot, path).isEmpty()) {
                return plain(request, response, callback, HttpStatus.NOT_FOUND_404, "not found\n");
            }
            // versions.json changes with every publish; a blob or tables file never changes.
            response.getHeaders().put(HttpHeader.CACHE_CONTROL,
                    path.endsWith(".json") ? "no-cache" : "public, max-age=86400");
            if (!super.handle(request, response, callback)) {
                return plain(request, response, callback, HttpStatus.NOT_FOUND_404, "not found\n");
            }
            return true;
        }

        private static boolean plain(Request request, Response response, Callback callback, int status, String body) {
            byte[] bytes = body.getBytes(StandardCharsets.US_ASCII);
            response.setStatus(status);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain");
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
            response.write(true, HttpMethod.HEAD.is(request.getMethod()) ? null : ByteBuffer.wrap(bytes), callback);
            return true;
        }
    }

    /** One line per request, whatever answered it. */
    private static final class AccessLog implements RequestLog {
        private final Consumer<String> sink;

        AccessLog(Consumer<String> sink) {
            this.sink = sink;
        }

        @Override
        public void log(Request request, Response response) {
            String path = request.getHttpURI().getPath();
            // A HEAD response carries no body whatever the resource service wrote for it.
            long bytes = HttpMethod.HEAD.is(request.getMethod()) ? 0 : Response.getContentBytesWritten(response);
            sink.accept(Instant.now().truncatedTo(ChronoUnit.MILLIS) + " " + Request.getRemoteAddr(request) + " "
                    + TerminalText.of(request.getMethod()) + " " + (path == null ? "-" : TerminalText.of(path)) + " " + response.getStatus() + " " + bytes);
        }
    }
}
