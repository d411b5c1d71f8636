package io.gorgon.roles.provider;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP server of RSS feeds for tests, on a free port: each feed has entries that a test changes, answers
 * conditional GETs with 304, and can fail (with Retry-After), stall or serve hostile XML. It counts what it saw:
 * requests, 304s, and the most requests for one feed ever in flight at once (must stay 1: no feed polled twice).
 */
final class FeedServer implements AutoCloseable {
    enum Mode { OK, FAIL_503, HOSTILE, SLOW_FIRST }

    static final class Feed {
        final List<String[]> entries = new ArrayList<>(); // guid, title, body
        volatile Mode mode = Mode.OK;
        final AtomicInteger requests = new AtomicInteger(), notModified = new AtomicInteger(), inFlight = new AtomicInteger();
        volatile int maxInFlight;

        synchronized void put(String guid, String title, String body) {
            entries.removeIf(e -> e[0].equals(guid));
            entries.add(0, new String[] {guid, title, body});
        }

        synchronized String xml() {
            StringBuilder b = new StringBuilder("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>t</title>"
                    + "<link>http://example.org/</link><description>d</description>");
            for (String[] e : entries) {
                b.append("<item><guid>").append(e[0]).append("</guid><title>").append(e[1]).append("</title><description>")
                        .append(e[2]).append("</description></item>");
            }
            return b.append("</channel></rss>").toString();
        }
    }

    private final HttpServer server;
    private final Map<String, Feed> feeds = new ConcurrentHashMap<>();

    FeedServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/feed/", this::serve);
        server.start();
    }

    Feed feed(String name) {
        return feeds.computeIfAbsent(name, n -> new Feed());
    }

    String url(String name) {
        feed(name);
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/feed/" + name;
    }

    int maxInFlight() {
        return feeds.values().stream().mapToInt(f -> f.maxInFlight).max().orElse(0);
    }

    private void serve(HttpExchange ex) throws IOException {
        Feed f = feeds.get(ex.getRequestURI().getPath().substring("/feed/".length()));
        if (f == null) {
            send(ex, 404, "no such feed", null);
            return;
        }
        int n = f.requests.incrementAndGet();
        int inFlight = f.inFlight.incrementAndGet();
        synchronized (f) {
            f.maxInFlight = Math.max(f.maxInFlight, inFlight);
        }
        try {
            switch (f.mode) {
                case FAIL_503 -> {
                    ex.getResponseHeaders().add("Retry-After", "2");
                    send(ex, 503, "busy", null);
                    return;
                }
                case HOSTILE -> {
                    send(ex, 200, "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                            + "<rss version=\"2.0\"><channel><title>&x;</title></channel></rss>", null);
                    return;
                }
                case SLOW_FIRST -> {
                    if (n == 1) sleep(3000);
                }
                case OK -> { }
            }
            String body = f.xml();
            String etag = "\"" + Integer.toHexString(body.hashCode()) + "\"";
            if (etag.equals(ex.getRequestHeaders().getFirst("If-None-Match"))) {
                f.notModified.incrementAndGet();
                ex.getResponseHeaders().add("ETag", etag);
                ex.sendResponseHeaders(304, -1);
                ex.close();
                return;
            }
            send(ex, 200, body, etag);
        } finally {
            f.inFlight.decrementAndGet();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void send(HttpExchange ex, int status, String body, String etag) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/rss+xml");
        if (etag != null) ex.getResponseHeaders().add("ETag", etag);
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
