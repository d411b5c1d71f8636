package io.gorgon.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.gorgon.bus.testing.RedisTestBase;
import io.gorgon.simulator.testing.TestMongo;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP side of the load: discovery through the real registry, one load user registered and logged in, reads of
 * random users' notes with its token, and every outcome classified. The web role lives in another module, so a JDK
 * HttpServer speaking the web API's contract stands in for it (the lead's end-to-end drill runs the real one).
 */
class SimHttpLoadTest extends RedisTestBase {
    TestMongo mongo;
    HttpServer web;
    final AtomicLong infoRequests = new AtomicLong();
    final AtomicLong unauthorized = new AtomicLong();
    final Set<String> uidsRead = ConcurrentHashMap.newKeySet();
    volatile boolean unclearErrors;
    @TempDir
    Path dir;

    @BeforeEach
    void setUp() throws IOException {
        mongo = new TestMongo();
        for (long id = 1; id <= 3; id++) {
            mongo.client().getDatabase(buses.namespace()).getCollection("users").insertOne(new Document("_id", id).append("name", "u" + id));
        }
        web = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        web.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        web.createContext("/auth/register", ex -> answer(ex, 201, "{\"id\":\"9\",\"name\":\"n\",\"email\":\"e\"}"));
        web.createContext("/auth/login", ex -> answer(ex, 200, "{\"token\":\"tok\",\"expiresAt\":1}"));
        web.createContext("/info/", this::info);
        web.start();
        buses.bus(buses.options("web").withPorts(Map.of("http", web.getAddress().getPort())));
    }

    private void info(HttpExchange ex) throws IOException {
        if (!"Bearer tok".equals(ex.getRequestHeaders().getFirst("Authorization"))) {
            unauthorized.incrementAndGet();
            answer(ex, 401, "{\"error\":\"unauthorized\",\"message\":\"no token\"}");
            return;
        }
        uidsRead.add(ex.getRequestURI().getPath().substring("/info/".length()));
        long n = infoRequests.incrementAndGet();
        if (n % 10 == 0) {
            answer(ex, 503, "{\"error\":\"unavailable\",\"message\":\"store is busy\"}");
        } else if (unclearErrors && n % 25 == 1) {
            answer(ex, 502, "<html>bad gateway</html>");
        } else {
            answer(ex, 200, "{\"items\":[]}");
        }
    }

    private static void answer(HttpExchange ex, int status, String body) throws IOException {
        ex.getRequestBody().readAllBytes();
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
        ex.close();
    }

    @AfterEach
    void tearDown() {
        web.stop(0);
        mongo.close();
    }

    private int run(SimulatorOptions o, StringBuilder out) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int exit = new Simulator().run(o, null, new PrintStream(buf, true, StandardCharsets.UTF_8));
        out.append(buf.toString(StandardCharsets.UTF_8));
        System.out.println(out);
        return exit;
    }

    private SimulatorOptions options(Path report) {
        return SimulatorOptions.defaults().withMesh(redis.uri(), buses.namespace(), mongo.uri(), buses.namespace())
                .withScale(3, 0).withPhases(false, true).withLoad(4, 0, Duration.ofSeconds(2)).withReport(report);
    }

    @Test
    void readsRandomUsersWithTheLoadUsersTokenAndCountsClearErrors() throws Exception {
        Path report = dir.resolve("r.json");
        StringBuilder out = new StringBuilder();
        assertEquals(0, run(options(report).withLoad(4, 0, Duration.ofSeconds(3)).withWarmup(Duration.ofSeconds(1)), out),
                out.toString());

        assertEquals(0, unauthorized.get(), "every read carried the load user's token");
        assertEquals(Set.of("1", "2", "3"), uidsRead, "reads spread over the stored users");
        JsonObject json = JsonParser.parseString(Files.readString(report)).getAsJsonObject();
        long ok = json.get("info_ok").getAsLong();
        long errors503 = json.getAsJsonObject("info_errors").get("http_503").getAsLong();
        assertEquals(infoRequests.get(), ok + errors503, "every request has exactly one outcome");
        assertTrue(ok > 50, "4 clients for 2 s on a local server: " + ok);
        assertTrue(json.get("info_p50_ms").getAsDouble() > 0);
        assertEquals(0, json.get("unanswered").getAsLong());
        assertEquals(3, json.getAsJsonArray("timeline").size(), "every second is shown, warm-up too");
        double measured = json.get("measured_seconds").getAsDouble();
        assertTrue(measured > 1.8 && measured < 2.5, "the warm-up second is not measured: " + measured);
        assertTrue(json.get("info_per_s").getAsDouble() * measured < ok, "throughput counts only measured reads");
        assertTrue(out.toString().contains("warm-up over"), out.toString());
        assertTrue(out.toString().contains("web=1"), out.toString());
    }

    @Test
    void anErrorThatDoesNotSayWhatWentWrongCountsAsUnanswered() {
        unclearErrors = true;
        StringBuilder out = new StringBuilder();
        assertEquals(1, run(options(null), out), out.toString());
        assertTrue(out.toString().contains("http_502_unclear"), out.toString());
        assertTrue(out.toString().matches("(?s).*lost=0 duplicates=0 unanswered=[1-9].*"), out.toString());
    }
}
