package io.gorgon.roles.stats;

import io.gorgon.roles.testing.TestRedis;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import io.gorgon.bus.testing.Await;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

class StatsServerTest {
    private static TestRedis redisServer;
    private static RedisClient redis;
    private static StatsServer server;
    private static final SyntheticMesh mesh = new SyntheticMesh();
    /**
     * HTTP/1.1, as a browser's EventSource speaks to this server: the JDK client's default h2c upgrade attempt once
     * left a stream request waiting for headers that never came (CI hung ten minutes in
     * liveStreamsAreCappedAndTheDashboardIsLoopbackByDefault).
     */
    private static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() {
        redisServer = new TestRedis();
        redis = redisServer.client;
        Clock clock = Clock.systemUTC();
        StatsAggregator aggregator = new StatsAggregator(redis, "t", clock);
        long second = clock.millis() / 1000 * 1000;
        for (int s = 1; s <= 20; s++) mesh.second(second - s * 1000L).forEach(aggregator::onSnapshot);
        server = new StatsServer("127.0.0.1", 0, new StatsReader(redis, "t", clock), mesh, clock).start();
    }

    @AfterAll
    static void stop() {
        if (server != null) server.stop();
        if (redisServer != null) redisServer.close();
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    private static HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
        return http.send(b.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    private static JsonObject jsonError(HttpResponse<String> r, int status, String code) {
        assertEquals(status, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("application/json"));
        JsonObject o = JsonParser.parseString(r.body()).getAsJsonObject();
        assertEquals(code, o.get("error").getAsString());
        assertTrue(o.get("message").getAsString().length() > 5);
        return o;
    }

    @Test
    void badWindowIs400Json() throws Exception {
        JsonObject o = jsonError(get("/api/stats?window=2h"), 400, "bad_window");
        assertEquals("window must be one of 5m, 1h, 24h, 30d; got \"2h\"", o.get("message").getAsString());
        jsonError(get("/api/stats?window="), 400, "bad_window");
    }

    @Test
    void unknownPathIs404AndWrongMethodIs405() throws Exception {
        jsonError(get("/nope"), 404, "not_found");
        jsonError(get("/api/stats/extra"), 404, "not_found");
        HttpResponse<String> post = send(HttpRequest.newBuilder(uri("/api/stats")).POST(HttpRequest.BodyPublishers.ofString("{}")));
        jsonError(post, 405, "method_not_allowed");
        assertEquals("GET", post.headers().firstValue("allow").orElse(""));
        jsonError(send(HttpRequest.newBuilder(uri("/metrics")).DELETE()), 405, "method_not_allowed");
    }

    @Test
    void statsOfEachWindow() throws Exception {
        HttpResponse<String> r = get("/api/stats?window=5m");
        assertEquals(200, r.statusCode(), r.body());
        JsonObject o = JsonParser.parseString(r.body()).getAsJsonObject();
        assertEquals("sec", o.get("resolution").getAsString());
        assertEquals(300, o.getAsJsonArray("times").size());
        JsonObject http = o.getAsJsonObject("heatmap").getAsJsonObject("http");
        assertTrue(http.getAsJsonArray("cells").size() > 20, "20 seconds of http latencies");
        assertEquals(LatencyBuckets.COUNT, http.getAsJsonArray("buckets").size());
        assertTrue(o.getAsJsonObject("heatmap").has("queue:store_put"));
        JsonObject storePut = o.getAsJsonObject("series").getAsJsonObject("throughput").getAsJsonObject("store_put");
        long processed = 0;
        for (var v : storePut.getAsJsonArray("processed")) processed += v.getAsLong();
        assertTrue(processed > 0);
        assertEquals(mesh.members.size(), o.getAsJsonArray("instances").size());
        assertEquals("late", o.getAsJsonArray("instances").get(4).getAsJsonObject().get("status").getAsString());
        assertEquals(SyntheticMesh.QUEUES.size(), o.getAsJsonArray("queues").size());
        assertEquals(3, o.getAsJsonObject("deadLetters").get("store_put").getAsLong());

        JsonObject month = JsonParser.parseString(get("/api/stats?window=30d").body()).getAsJsonObject();
        assertEquals("hour", month.get("resolution").getAsString());
        assertEquals(720, month.getAsJsonArray("times").size());
        assertTrue(month.getAsJsonObject("heatmap").getAsJsonObject("http").getAsJsonArray("cells").size() > 0);
        assertEquals(60, JsonParser.parseString(get("/api/stats?window=1h").body()).getAsJsonObject().getAsJsonArray("times").size());
        assertEquals(1440, JsonParser.parseString(get("/api/stats?window=24h").body()).getAsJsonObject().getAsJsonArray("times").size());
    }

    @Test
    void metricsIsPrometheusText() throws Exception {
        HttpResponse<String> r = get("/metrics");
        assertEquals(200, r.statusCode());
        assertEquals(PrometheusText.CONTENT_TYPE, r.headers().firstValue("content-type").orElse(""));
        PrometheusParser p = PrometheusParser.parse(r.body());
        assertTrue(p.value("gorgon_queue_processed_total", "queue", "auth_check") > 0);
        assertTrue(p.value("gorgon_latency_seconds_count", "series", "http") > 0);
    }

    @Test
    void pageAndEchartsComeFromTheClasspath() throws Exception {
        HttpResponse<String> page = get("/");
        assertEquals(200, page.statusCode());
        assertTrue(page.headers().firstValue("content-type").orElse("").startsWith("text/html"));
        assertTrue(page.body().contains("data-testid=\"latency-heatmap\""));
        assertTrue(page.body().contains("/assets/echarts.min.js"));
        HttpResponse<String> echarts = get("/assets/echarts.min.js");
        assertEquals(200, echarts.statusCode());
        assertTrue(echarts.body().length() > 500_000 && echarts.body().contains("echarts"));
        assertEquals(200, get("/assets/stats.js").statusCode());
        assertEquals(200, get("/assets/stats.css").statusCode());
    }

    @Test
    void streamPushesTheLatestSecondsEverySecond() throws Exception {
        HttpResponse<Stream<String>> r = http.send(HttpRequest.newBuilder(uri("/api/stream")).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("text/event-stream"));
        try (Stream<String> lines = r.body()) {
            var events = lines.filter(l -> l.startsWith("data:")).limit(2).iterator();
            String first = CompletableFuture.supplyAsync(events::next).get(5, TimeUnit.SECONDS);
            JsonObject o = JsonParser.parseString(first.substring(5).trim()).getAsJsonObject();
            assertTrue(o.get("delta").getAsBoolean());
            assertEquals(StatsServer.STREAM_SECONDS, o.getAsJsonArray("times").size());
            assertEquals(mesh.members.size(), o.getAsJsonArray("instances").size());
            String second = CompletableFuture.supplyAsync(events::next).get(5, TimeUnit.SECONDS);
            long t1 = o.get("generatedAt").getAsLong();
            long t2 = JsonParser.parseString(second.substring(5).trim()).getAsJsonObject().get("generatedAt").getAsLong();
            assertTrue(t2 - t1 >= 500 && t2 - t1 <= 1500, "about a second apart: " + (t2 - t1));
        }
    }

    @Test
    void redisDownIs503Json() throws Exception {
        try (TestRedis other = new TestRedis()) {
            RedisClient client = other.client;
            StatsServer s = new StatsServer("127.0.0.1", 0, new StatsReader(client, "t", Clock.systemUTC()), mesh, Clock.systemUTC()).start();
            try {
                other.server.kill();
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + "/api/stats"))
                        .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
                jsonError(r, 503, "unavailable");
            } finally {
                s.stop();
            }
        }
    }

    @Test
    void liveStreamsAreCappedAndTheDashboardIsLoopbackByDefault() throws Exception {
        // Issue 12 #10: SSE clients were unbounded, and the page answered anyone on all interfaces.
        assertEquals("127.0.0.1", io.gorgon.roles.config.GorgonConfig.defaults().stats().host());
        Clock clock = Clock.systemUTC();
        try (StatsServer capped = new StatsServer("127.0.0.1", 0, new StatsReader(redis, "t", clock), mesh, clock)
                .limits(io.gorgon.roles.config.GorgonConfig.Http.DEFAULT, 1).start()) {
            URI stream = URI.create("http://127.0.0.1:" + capped.port() + "/api/stream");
            HttpResponse<java.io.InputStream> first = http.send(HttpRequest.newBuilder(stream).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            try (java.io.InputStream open = first.body()) {
                assertEquals(200, first.statusCode());
                // Right after the first stream's headers: a cap counted from the open connections let this one through.
                HttpResponse<String> second = http.sendAsync(HttpRequest.newBuilder(stream).timeout(Duration.ofSeconds(10)).build(),
                        HttpResponse.BodyHandlers.ofString()).get(10, TimeUnit.SECONDS);
                jsonError(second, 503, "unavailable");
            }
            // The closed stream gives its place back.
            Await.until(Duration.ofSeconds(10), "a stream once the first closed", () -> {
                try {
                    HttpResponse<java.io.InputStream> again = http.send(HttpRequest.newBuilder(stream).timeout(Duration.ofSeconds(10)).build(),
                            HttpResponse.BodyHandlers.ofInputStream());
                    again.body().close();
                    return again.statusCode() == 200;
                } catch (java.io.IOException | InterruptedException e) {
                    return false;
                }
            });
        }
    }
}
