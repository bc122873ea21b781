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
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.DateGenerator;
import org.eclipse.jetty.http.DateParser;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.RequestLog;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import org.iotasign.EnvironmentException;
import org.iotasign.Hint;
import org.iotasign.UsageException;
import org.iotasign.io.TerminalText;

/**
 * Serves a site read-only over HTTP/1.1 with Jetty: GET and HEAD of the files
 * {@link ServedPath} allows, with Content-Length, Content-Type, ETag, Last-Modified,
 * If-None-Match, If-Modified-Since and one byte range (with If-Range); 404 for every other
 * path, 405 for other methods, 400 for ambiguous or escaping URIs and {@code ;} parameters,
 * 500 without detail for a fault of the server. Every file is opened per request and
 * streamed from that open handle through pooled buffers, never cached or memory mapped, so
 * memory does not grow with file size or client count and a publish is visible on the next
 * request.
 * One access-log line per request: time, client, method, path, status, body bytes.
 */
public final class SiteServer implements AutoCloseable {
    /** Requests never block a thread on the network (writes are asynchronous), so a few suffice. */
    private static final int MAX_THREADS = 16;
    private static final int IDLE_TIMEOUT_MS = 30_000;

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
            throw new UsageException(port + " is not a TCP port: give 0-65535 (0 picks a free port)", Hint.SERVE_PORT);
        }
        InetAddress address;
        try {
            address = InetAddress.getByName(bind);
        } catch (UnknownHostException e) {
            throw new UsageException(bind + " is not an address of this machine: give an IP address such as 127.0.0.1", Hint.SERVE_ADDRESS);
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
        // Let ambiguous URIs (%2e%2e, %2f, ;, //, NUL ...) reach SiteHandler, which answers
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
        server.setHandler(new SiteHandler(realRoot));
        // Errors Jetty answers itself (e.g. a URI it cannot parse): the status line only, no detail.
        server.setErrorHandler((request, response, callback) -> {
            String reason = HttpStatus.getMessage(response.getStatus());
            return plain(request, response, callback, response.getStatus(), response.getStatus() + " " + (reason == null ? "" : reason) + "\n");
        });
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
            throw new EnvironmentException("cannot listen on " + bind + ":" + port + ": " + e.getMessage(), Hint.SERVE_PORT_TAKEN);
        }
        return new SiteServer(server, connector, address.getHostAddress());
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

    /**
     * Answers every request: method and URI checks, then the allow-listed file, opened first
     * and sent only from that open handle (see {@link ServedPath}).
     */
    private static final class SiteHandler extends Handler.Abstract {
        /** Buffers for streaming a file; a blob is sent in pieces of this size, never read whole. */
        private static final int BUFFER = 32 * 1024;
        private final Path realRoot;

        SiteHandler(Path realRoot) {
            // Local file reads do not wait on the network: run on the selector's thread, as Jetty's own file service does.
            super(InvocationType.NON_BLOCKING);
            this.realRoot = realRoot;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            try {
                return answer(request, response, callback);
            } catch (Throwable t) {
                // A fault of the server (the site folder gone, an unreadable file): no detail leaves it.
                if (!response.isCommitted()) {
                    response.reset();
                    return plain(request, response, callback, HttpStatus.INTERNAL_SERVER_ERROR_500, "internal error\n");
                }
                callback.failed(t);
                return true;
            }
        }

        private boolean answer(Request request, Response response, Callback callback) throws IOException {
            String method = request.getMethod();
            if (!HttpMethod.GET.is(method) && !HttpMethod.HEAD.is(method)) {
                response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
                return plain(request, response, callback, HttpStatus.METHOD_NOT_ALLOWED_405, "method not allowed\n");
            }
            HttpURI uri = request.getHttpURI();
            if (uri.hasViolations() || uri.getPath() == null || uri.getPath().indexOf(';') >= 0) {
                return plain(request, response, callback, HttpStatus.BAD_REQUEST_400, "bad request\n");
            }
            String path = Request.getPathInContext(request);
            Optional<ServedPath.Opened> found = ServedPath.open(realRoot, path);
            if (found.isEmpty()) {
                return plain(request, response, callback, HttpStatus.NOT_FOUND_404, "not found\n");
            }
            ServedPath.Opened file = found.get();
            boolean sending = false;
            try {
                sending = send(request, response, callback, path, file);
                return true;
            } finally {
                if (!sending) {
                    closeQuietly(file); // the answer may be complete already: a close failure must not answer again
                }
            }
        }

        /** @return true when the file is being streamed (its channel is closed when that ends) */
        private boolean send(Request request, Response response, Callback callback, String path, ServedPath.Opened file) throws IOException {
            HttpFields.Mutable headers = response.getHeaders();
            long size = file.size();
            long modified = file.attributes().lastModifiedTime().toMillis();
            String etag = etag(file);
            headers.put(HttpHeader.ETAG, etag);
            headers.put(HttpHeader.LAST_MODIFIED, DateGenerator.formatDate(modified));
            // versions.json changes with every publish; a blob or tables file never changes.
            headers.put(HttpHeader.CACHE_CONTROL, path.endsWith(".json") ? "no-cache" : "public, max-age=86400");
            headers.put(HttpHeader.ACCEPT_RANGES, "bytes");
            if (notModified(request.getHeaders(), etag, modified)) {
                response.setStatus(HttpStatus.NOT_MODIFIED_304);
                response.write(true, null, callback);
                return false;
            }
            headers.put(HttpHeader.CONTENT_TYPE, ServedPath.contentType(path));
            long from = 0;
            long length = size;
            Optional<long[]> range = HttpMethod.GET.is(request.getMethod()) && ifRangeHolds(request.getHeaders(), etag, modified)
                    ? range(request.getHeaders().get(HttpHeader.RANGE), size) : Optional.empty();
            if (range.isPresent()) {
                if (range.get().length == 0) {
                    headers.put(HttpHeader.CONTENT_RANGE, "bytes */" + size);
                    headers.remove(HttpHeader.CONTENT_TYPE);
                    plain(request, response, callback, HttpStatus.RANGE_NOT_SATISFIABLE_416, "range not satisfiable\n");
                    return false;
                }
                from = range.get()[0];
                length = range.get()[1] - from + 1;
                response.setStatus(HttpStatus.PARTIAL_CONTENT_206);
                headers.put(HttpHeader.CONTENT_RANGE, "bytes " + from + "-" + range.get()[1] + "/" + size);
            } else {
                response.setStatus(HttpStatus.OK_200);
            }
            headers.put(HttpHeader.CONTENT_LENGTH, length);
            if (HttpMethod.HEAD.is(request.getMethod()) || length == 0) {
                response.write(true, null, callback);
                return false;
            }
            if (length <= BUFFER) {
                // versions.json and tables: headers and body in one write, the handle closed before it goes.
                ByteBuffer body = ByteBuffer.allocate((int) length);
                file.channel().position(from);
                while (body.hasRemaining() && file.channel().read(body) >= 0) {
                    // read until full
                }
                if (body.hasRemaining()) {
                    throw new IOException("the file became shorter while being read");
                }
                response.write(true, body.flip(), callback);
                return false;
            }
            ByteBufferPool.Sized pool = new ByteBufferPool.Sized(request.getComponents().getByteBufferPool(), true, BUFFER);
            Content.Source source = Content.Source.from(pool, file.channel(), from, length);
            // The handle is closed however the copy ends, a client hanging up included.
            Content.copy(source, response, Callback.from(() -> {
                closeQuietly(file);
                callback.succeeded();
            }, failure -> {
                closeQuietly(file);
                callback.failed(failure);
            }));
            return true;
        }

        private static void closeQuietly(ServedPath.Opened file) {
            try {
                file.close();
            } catch (IOException ignored) {
                // Opened for reading only: nothing is lost.
            }
        }

        /** Strong: a published name is replaced only by rename, which changes the time and usually the size. */
        private static String etag(ServedPath.Opened file) {
            long nanos = file.attributes().lastModifiedTime().to(TimeUnit.NANOSECONDS);
            return "\"" + Long.toHexString(nanos) + "-" + Long.toHexString(file.size()) + "\"";
        }

        private static boolean notModified(HttpFields request, String etag, long modified) {
            String none = request.get(HttpHeader.IF_NONE_MATCH);
            if (none != null) {
                for (String tag : none.split(",")) {
                    String t = tag.trim();
                    if (t.equals("*") || (t.startsWith("W/") ? t.substring(2) : t).equals(etag)) {
                        return true;
                    }
                }
                return false;
            }
            long since = parseDate(request.get(HttpHeader.IF_MODIFIED_SINCE));
            return since >= 0 && modified / 1000 <= since / 1000;
        }

        /** A Range applies only when If-Range, if sent, names this very file (strong ETag or its exact date). */
        private static boolean ifRangeHolds(HttpFields request, String etag, long modified) {
            String ifRange = request.get(HttpHeader.IF_RANGE);
            if (ifRange == null) {
                return true;
            }
            String v = ifRange.trim();
            if (v.startsWith("\"")) {
                return v.equals(etag);
            }
            long date = parseDate(v);
            return date >= 0 && date / 1000 == modified / 1000;
        }

        private static long parseDate(String value) {
            return value == null ? -1 : DateParser.parseDate(value.trim());
        }

        /**
         * One byte range as {first, last}; an empty array when it cannot be satisfied (416).
         * Empty (send the whole file) when there is no Range, it is not understood, or it asks
         * for several ranges: the answer is then never larger than the file.
         */
        static Optional<long[]> range(String header, long size) {
            if (header == null) {
                return Optional.empty();
            }
            String h = header.trim();
            if (!h.regionMatches(true, 0, "bytes=", 0, 6) || h.indexOf(',') >= 0) {
                return Optional.empty();
            }
            java.util.regex.Matcher m = RANGE.matcher(h.substring(6).trim());
            if (!m.matches() || m.group(1).isEmpty() && m.group(2).isEmpty()) {
                return Optional.empty();
            }
            try {
                if (m.group(1).isEmpty()) {
                    long suffix = Long.parseLong(m.group(2));
                    if (suffix == 0 || size == 0) {
                        return Optional.of(new long[0]);
                    }
                    return Optional.of(new long[] {Math.max(0, size - suffix), size - 1});
                }
                long first = Long.parseLong(m.group(1));
                long last = m.group(2).isEmpty() ? size - 1 : Math.min(Long.parseLong(m.group(2)), size - 1);
                if (m.group(2).length() > 0 && Long.parseLong(m.group(2)) < first) {
                    return Optional.empty(); // invalid: ignored, as RFC 9110 asks
                }
                return first >= size ? Optional.of(new long[0]) : Optional.of(new long[] {first, last});
            } catch (NumberFormatException tooLong) {
                return Optional.empty();
            }
        }

        private static final Pattern RANGE = Pattern.compile("(\\d{0,18})-(\\d{0,18})");
    }

    private static boolean plain(Request request, Response response, Callback callback, int status, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.US_ASCII);
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
        response.write(true, HttpMethod.HEAD.is(request.getMethod()) ? null : ByteBuffer.wrap(bytes), callback);
        return true;
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
