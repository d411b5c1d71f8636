package io.gorgon.roles.stats;

import io.gorgon.roles.config.GorgonConfig;
import io.gorgon.roles.http.HttpLimits;
import io.undertow.Undertow;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.sse.ServerSentEventConnection;
import io.undertow.server.handlers.sse.ServerSentEventHandler;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stats role's HTTP face: the dashboard page, {@code /api/stats?window=5m|1h|24h|30d}, the live
 * {@code /api/stream} (Server-Sent Events, one event a second with the last few seconds), and Prometheus
 * {@code /metrics}. Everything is served from the classpath, echarts from its webjar: the page works offline.
 * Errors are JSON {error, message}: 400 bad window, 404 unknown path, 405 wrong method, 503 Redis unreachable.
 */
public final class StatsServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StatsServer.class);
    /** Config {@code stats.port} when absent. */
    public static final int DEFAULT_PORT = 8081;
    static final String ECHARTS = "META-INF/resources/webjars/echarts/5.5.0/echarts.min.js";
    /** Seconds in each stream event: a second may still grow after it was first sent (late snapshots). */
    static final int STREAM_SECONDS = 5;

    private static final Map<String, Asset> ASSETS = Map.of(
            "/", new Asset("stats/index.html", "text/html; charset=utf-8"),
            "/assets/stats.js", new Asset("stats/stats.js", "text/javascript; charset=utf-8"),
            "/assets/stats.css", new Asset("stats/stats.css", "text/css; charset=utf-8"),
            "/assets/ops.js", new Asset("stats/ops.js", "text/javascript; charset=utf-8"),
            "/assets/echarts.min.js", new Asset(ECHARTS, "text/javascript; charset=utf-8"));

    private final String host;
    private final int requestedPort;
    private final StatsReader reader;
    private final MeshView mesh;
    private final Clock clock;
    private final WindowCache windows;
    private GorgonConfig.Http http = GorgonConfig.Http.DEFAULT;
    private int maxSseClients = GorgonConfig.Stats.DEFAULT.maxSseClients();
    private final ServerSentEventHandler sse = new ServerSentEventHandler();
    /** Live-update streams open or being opened. */
    private final AtomicInteger streams = new AtomicInteger();
    private volatile OpsApi ops;
    private Undertow undertow;
    private ScheduledExecutorService ticker;
    private int port;

    /**
     * @param host bind address ("0.0.0.0" for Prometheus scrapes from elsewhere, "127.0.0.1" for local only)
     * @param port config {@code stats.port} (default 8081); 0 picks a free port, see {@link #port()}
     */
    public StatsServer(String host, int port, StatsReader reader, MeshView mesh, Clock clock) {
        this.host = host;
        this.requestedPort = port;
        this.reader = reader;
        this.mesh = mesh;
        this.clock = clock;
        this.windows = new WindowCache(clock, reader::window);
    }

    /** The listener's limits ({@code http.*}) and the cap on live-update streams ({@code stats.maxSseClients}). */
    public synchronized StatsServer limits(GorgonConfig.Http http, int maxSseClients) {
        this.http = http;
        this.maxSseClients = maxSseClients;
        return this;
    }

    /** Enables the operator API under /api/ops/ (without it those paths are 404 and the page stays read-only). */
    StatsServer withOps(OpsApi ops) {
        this.ops = ops;
        return this;
    }

    public synchronized StatsServer start() {
        if (undertow != null) return this;
        undertow = HttpLimits.builder(http, true).addHttpListener(requestedPort, host).setHandler(this::route).build();
        undertow.start();
        port = ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
        ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "stats-stream");
            t.setDaemon(true);
            return t;
        });
        // A little after each second begins, so the previous second's snapshots have mostly arrived.
        long delay = 1300 - Math.floorMod(clock.millis(), 1000L);
        ticker.scheduleAtFixedRate(this::tick, delay, 1000, TimeUnit.MILLISECONDS);
        log.debug("event=stats_server_started host={} port={}", host, port);
        return this;
    }

    /** The bound port (the free one chosen when constructed with 0). */
    public int port() {
        return port;
    }

    public synchronized void stop() {
        if (undertow == null) return;
        ticker.shutdownNow();
        for (ServerSentEventConnection c : sse.getConnections()) c.shutdown();
        undertow.stop();
        undertow = null;
        log.info("event=stats_server_stopped port={}", port);
    }

    @Override
    public void close() {
        stop();
    }

    private void route(HttpServerExchange ex) throws Exception {
        String path = ex.getRelativePath();
        if (path.startsWith("/api/ops/") && ops != null) {
            if (ex.isInIoThread()) {
                ex.dispatch(this::route);
                return;
            }
            try {
                ops.handle(ex, path);
            } catch (RuntimeException e) {
                log.warn("event=ops_request_failed path={} error=\"{}\"", path, e.toString());
                json(ex, 503, StatsJson.error("unavailable", "mesh unavailable: " + e.getMessage()));
            }
            return;
        }
        Asset asset = ASSETS.get(path);
        boolean known = asset != null || path.equals("/api/stats") || path.equals("/api/stream") || path.equals("/metrics");
        if (!known) {
            json(ex, 404, StatsJson.error("not_found", "no such path: " + path));
            return;
        }
        if (!ex.getRequestMethod().equals(Methods.GET)) {
            ex.getResponseHeaders().put(Headers.ALLOW, "GET");
            json(ex, 405, StatsJson.error("method_not_allowed", ex.getRequestMethod() + " is not allowed on " + path + "; use GET"));
            return;
        }
        if (asset != null) {
            ex.getResponseHeaders().put(Headers.CONTENT_TYPE, asset.contentType);
            ex.getResponseHeaders().put(Headers.CACHE_CONTROL, path.equals("/assets/echarts.min.js") ? "max-age=86400" : "no-cache");
            ex.getResponseSender().send(ByteBuffer.wrap(asset.bytes()));
            return;
        }
        if (path.equals("/api/stream")) {
            // Counted here, not from sse.getConnections(): a stream joins that set only after its headers are out, so
            // two requests close together both saw room, and a second stream was opened past the cap.
            if (streams.incrementAndGet() > maxSseClients) {
                streams.decrementAndGet();
                json(ex, 503, StatsJson.error("unavailable", "too many live streams (" + maxSseClients + "); poll /api/stats instead"));
                return;
            }
            ex.addExchangeCompleteListener((done, next) -> {
                streams.decrementAndGet(); // the stream's connection closed
                next.proceed();
            });
            ex.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-cache");
            ex.getResponseHeaders().put(new HttpString("X-Accel-Buffering"), "no");
            sse.handleRequest(ex);
            return;
        }
        if (ex.isInIoThread()) {
            ex.dispatch(this::route); // Redis and the mesh block: leave the IO thread
            return;
        }
        try {
            if (path.equals("/api/stats")) apiStats(ex);
            else metrics(ex);
        } catch (RuntimeException e) {
            log.warn("event=stats_request_failed path={} error=\"{}\"", path, e.toString());
            json(ex, 503, StatsJson.error("unavailable", "stats store unavailable: " + e.getMessage()));
        }
    }

    private void apiStats(HttpServerExchange ex) {
        Deque<String> w = ex.getQueryParameters().get("window");
        String label = w == null || w.isEmpty() ? "5m" : w.getFirst();
        StatsWindow window;
        try {
            window = StatsWindow.parse(label);
        } catch (IllegalArgumentException e) {
            json(ex, 400, StatsJson.error("bad_window", e.getMessage()));
            return;
        }
        json(ex, 200, StatsJson.payload(window.label(), windows.get(window), false, mesh, clock.millis()));
    }

    private void metrics(HttpServerExchange ex) {
        Map<String, Long> totals = reader.totals();
        PrometheusText.MeshSnapshot m;
        try {
            m = PrometheusText.MeshSnapshot.read(mesh);
        } catch (RuntimeException e) {
            log.warn("event=stats_mesh_unavailable error=\"{}\"", e.toString());
            m = null;
        }
        ex.setStatusCode(200);
        ex.getResponseHeaders().put(Headers.CONTENT_TYPE, PrometheusText.CONTENT_TYPE);
        ex.getResponseSender().send(PrometheusText.render(totals, m), StandardCharsets.UTF_8);
    }

    private void tick() {
        try {
            if (sse.getConnections().isEmpty()) return;
            String event = StatsJson.payload(StatsWindow.FIVE_MINUTES.label(),
                    reader.latest(Resolution.SECOND, STREAM_SECONDS), true, mesh, clock.millis());
            for (ServerSentEventConnection c : sse.getConnections()) c.send(event);
        } catch (RuntimeException e) {
            log.warn("event=stats_stream_tick_failed error=\"{}\"", e.toString());
        }
    }

    static void json(HttpServerExchange ex, int status, String body) {
        ex.setStatusCode(status);
        ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json; charset=utf-8");
        ex.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
        ex.getResponseSender().send(body, StandardCharsets.UTF_8);
    }

    /** A classpath file, read once on first use. */
    private static final class Asset {
        private final String resource;
        final String contentType;
        private volatile byte[] bytes;

        Asset(String resource, String contentType) {
            this.resource = resource;
            this.contentType = contentType;
        }

        byte[] bytes() {
            byte[] b = bytes;
            if (b == null) {
                try (InputStream in = StatsServer.class.getClassLoader().getResourceAsStream(resource)) {
                    if (in == null) throw new IllegalStateException("missing classpath resource " + resource);
                    bytes = b = in.readAllBytes();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return b;
        }
    }
}
