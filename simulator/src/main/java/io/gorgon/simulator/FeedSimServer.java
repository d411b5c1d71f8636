package io.gorgon.simulator;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The simulator's own third parties on one local HTTP server: {@code /feed/<i>} serves N synthetic RSS feeds whose
 * entries appear over time (conditional GET with ETags; some feeds slow, some failing with Retry-After, some
 * hostile), and {@code /hook} is a webhook receiver that records every event id and item id it is sent. Tests use
 * its named feeds, {@code /named/<name>}: entries a test puts and changes, a {@link Mode} (failing with Retry-After,
 * hostile, slow first answer), 304s on conditional GETs, and the most requests for one feed ever in flight at once.
 */
public final class FeedSimServer implements AutoCloseable {
    static final int WINDOW = 100; // entries a feed document keeps, newest first
    enum Kind { NORMAL, SLOW, FAILING, HOSTILE }

    /** One synthetic feed: what it published (guid → publish ms), what it served. */
    static final class Feed {
        final int index;
        final Kind kind;
        final ArrayDeque<String[]> window = new ArrayDeque<>(); // guid, title, pubDate
        final Map<String, Long> published = new ConcurrentHashMap<>();
        final AtomicInteger requests = new AtomicInteger(), notModified = new AtomicInteger(), failed = new AtomicInteger();
        volatile String etag = "\"0\"";
        volatile String body;
        int followers;
        String feedId;

        Feed(int index, Kind kind) {
            this.index = index;
            this.kind = kind;
            render();
        }

        synchronized void publish(long now) {
            String guid = "sim-" + index + "-" + published.size();
            String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.ofInstant(java.time.Instant.ofEpochMilli(now), ZoneOffset.UTC));
            window.addFirst(new String[] {guid, "entry " + published.size() + " of feed " + index, date});
            while (window.size() > WINDOW) window.removeLast();
            published.put(guid, now);
            render();
        }

        private void render() {
            StringBuilder b = new StringBuilder("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>feed ").append(index)
                    .append("</title><link>http://sim.invalid/").append(index).append("</link><description>simulated</description>");
            for (String[] e : window) {
                b.append("<item><guid>").append(e[0]).append("</guid><title>").append(e[1]).append("</title><pubDate>").append(e[2])
                        .append("</pubDate><description>published by the simulator</description></item>");
            }
            body = b.append("</channel></rss>").toString();
            etag = "\"" + Integer.toHexString(body.hashCode()) + "-" + published.size() + "\"";
        }
    }

    record Hit(String eventId, String itemId, String userid) {}

    /** How a named feed answers. */
    public enum Mode { OK, FAIL_503, HOSTILE, SLOW_FIRST }

    /** A named feed whose entries a test sets; counts requests, 304s and concurrent requests (must stay 1). */
    public static final class Named {
        private final List<String[]> entries = new ArrayList<>(); // guid, title, body
        public volatile Mode mode = Mode.OK;
        public final AtomicInteger requests = new AtomicInteger(), notModified = new AtomicInteger();
        private final AtomicInteger inFlight = new AtomicInteger();
        private volatile int maxInFlight;

        /** Adds the entry, or replaces the one with this guid (an edit), newest first. */
        public synchronized void put(String guid, String title, String body) {
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

    private final Map<String, Named> named = new ConcurrentHashMap<>();

    private final HttpServer server;
    final Feed[] feeds;
    final Set<Hit> hooked = ConcurrentHashMap.newKeySet();
    final AtomicInteger hookRequests = new AtomicInteger();
    private final Random random = new Random(42);

    /** Which feeds publish at all (the rest stay unchanged: a 304 on every poll), spread evenly over the ranks. */
    private final boolean[] changing;

    /**
     * @param plain    all feeds well-behaved (no slow, failing or hostile ones: the benchmark's setting)
     * @param changing share of the feeds that publish entries (1 = all)
     */
    FeedSimServer(int n, boolean plain, double changing) throws IOException {
        feeds = new Feed[n];
        this.changing = new boolean[n];
        for (int i = 0; i < n; i++) {
            // Every 20th feed slow, every 25th failing half the time, every 50th hostile; never the most followed one.
            Kind k = plain || i == 0 ? Kind.NORMAL : i % 50 == 7 ? Kind.HOSTILE : i % 25 == 3 ? Kind.FAILING : i % 20 == 5 ? Kind.SLOW : Kind.NORMAL;
            feeds[i] = new Feed(i, k);
            // Fibonacci hashing spreads the publishing feeds over all follower ranks, not just the top ones.
            this.changing[i] = changing >= 1 || Math.floorMod(i * 2654435761L, 1L << 32) < changing * (1L << 32);
        }
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/feed/", this::serveFeed);
        server.createContext("/hook", this::serveHook);
        server.createContext("/named/", this::serveNamed);
        server.start();
    }

    /** A server with named feeds only (for tests). */
    public FeedSimServer() throws IOException {
        this(0, true, 1);
    }

    public Named named(String name) {
        return named.computeIfAbsent(name, n -> new Named());
    }

    public String namedUrl(String name) {
        named(name);
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/named/" + name;
    }

    /** The most requests for one named feed that were ever in flight at once. */
    public int maxInFlight() {
        return named.values().stream().mapToInt(f -> f.maxInFlight).max().orElse(0);
    }

    String url(int i) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/feed/" + i;
    }

    String hookUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    /** One tick of publishing: each publishing, non-hostile feed publishes with probability {@code p}. */
    void tick(double p, long now) {
        for (Feed f : feeds) if (f.kind != Kind.HOSTILE && changing[f.index] && random.nextDouble() < p) f.publish(now);
    }

    boolean changing(int i) {
        return changing[i];
    }

    /** Requests and 304s so far, all feeds together. */
    long[] totals() {
        long requests = 0, notModified = 0;
        for (Feed f : feeds) {
            requests += f.requests.get();
            notModified += f.notModified.get();
        }
        return new long[] {requests, notModified};
    }

    private void serveFeed(HttpExchange ex) throws IOException {
        int i;
        try {
            i = Integer.parseInt(ex.getRequestURI().getPath().substring("/feed/".length()));
        } catch (NumberFormatException e) {
            i = -1;
        }
        if (i < 0 || i >= feeds.length) {
            send(ex, 404, "no feed", null);
            return;
        }
        Feed f = feeds[i];
        f.requests.incrementAndGet();
        switch (f.kind) {
            case HOSTILE -> {
                send(ex, 200, "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;\">]>"
                        + "<rss version=\"2.0\"><channel><title>&b;</title></channel></rss>", null);
                return;
            }
            case FAILING -> {
                if (java.util.concurrent.ThreadLocalRandom.current().nextDouble() < 0.5) {
                    f.failed.incrementAndGet();
                    ex.getResponseHeaders().add("Retry-After", "3");
                    send(ex, 503, "try later", null);
                    return;
                }
            }
            case SLOW -> sleep(1500);
            case NORMAL -> { }
        }
        String etag = f.etag, body = f.body;
        sendConditional(ex, body, etag, f.notModified);
    }

    private void serveNamed(HttpExchange ex) throws IOException {
        Named f = named.get(ex.getRequestURI().getPath().substring("/named/".length()));
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
            sendConditional(ex, body, etag, f.notModified);
        } finally {
            f.inFlight.decrementAndGet();
        }
    }

    /** 304 (counted in {@code notModified}) when the client already holds {@code etag}, else the body. */
    private static void sendConditional(HttpExchange ex, String body, String etag, AtomicInteger notModified)
            throws IOException {
        if (etag.equals(ex.getRequestHeaders().getFirst("If-None-Match"))) {
            notModified.incrementAndGet();
            ex.getResponseHeaders().add("ETag", etag);
            ex.sendResponseHeaders(304, -1);
            ex.close();
            return;
        }
        send(ex, 200, body, etag);
    }

        private void serveHook(HttpExchange ex) throws IOException {
        hookRequests.incrementAndGet();
        try {
            JsonObject e = JsonParser.parseString(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)).getAsJsonObject();
            hooked.add(new Hit(e.get("id").getAsString(), e.getAsJsonObject("item").get("id").getAsString(), e.get("userid").getAsString()));
            ex.sendResponseHeaders(204, -1);
        } catch (RuntimeException bad) {
            ex.sendResponseHeaders(400, -1);
        }
        ex.close();
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
