package io.gorgon.roles.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.gorgon.bus.redis.LocalRedis;
import io.gorgon.bus.testing.Await;
import io.gorgon.bus.testing.ChildJvm;
import io.gorgon.roles.config.GorgonConfig;
import io.gorgon.simulator.Chaos;
import io.gorgon.simulator.Simulator;
import io.gorgon.simulator.SimulatorOptions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 5's drill: a mesh under 'gorgon up', the simulator's load, and a SIGKILL of an instance of each of web, auth,
 * app and store (the supervisor restarts each). The Jepsen-style check must find nothing lost and every request
 * answered (a success or a clear error).
 */
class ChaosDrillTest {
    @TempDir
    Path dir;

    @Test
    void killingWebAuthAppAndStoreUnderLoadLosesNothingAndLeavesNoRequestUnanswered() throws Exception {
        MongoServer mongo = new MongoServer(new MemoryBackend());
        InetSocketAddress m = mongo.bind();
        try (LocalRedis redis = LocalRedis.builder().dir(dir.resolve("redis")).build().start()) {
            String ns = "chaos";
            Path config = dir.resolve("gorgon.json");
            Files.writeString(config, """
                    {"namespace": "%s",
                     "redis": {"uri": "%s", "embedded": false},
                     "mongo": {"uri": "mongodb://127.0.0.1:%d", "embedded": false},
                     "instances": {"web": 2, "auth": 1, "app": 1, "store": 1, "provider": 0, "notify": 0, "stats": 0},
                     "web": {"port": %d}, "stats": {"port": %d}, "notify": {"port": %d},
                     "auth": {"pbkdf2Iterations": 1000, "principalKey": "chaos-drill-key"},
                     "bus": {"heartbeatMs": 500, "takeoverAfterMs": 2000, "requestTimeoutMs": 8000},
                     "logs": {"dir": "%s"}}
                    """.formatted(ns, redis.uri(), m.getPort(), LocalRedis.freePort(), LocalRedis.freePort(), LocalRedis.freePort(),
                    dir.resolve("logs")));
            ChildJvm up = ChildJvm.start(Gorgon.class, List.of("up", "--config", config.toString()), Map.of("GORGON_DETACHED", "1"),
                    dir.resolve("up.log"));
            try {
                GorgonConfig cfg = io.gorgon.roles.config.ConfigLoader.load(config, List.of(), Map.of());
                SupervisorChaos supervisor = new SupervisorChaos(cfg);
                Await.until(Duration.ofSeconds(90), () -> "5 instances running; " + up.logText(),
                        () -> supervisor.instances().size() == 5 && allStarted(dir.resolve("logs")));
                RotatingChaos chaos = new RotatingChaos(supervisor, List.of("web-1", "auth-1", "app-1", "store-1"));
                SimulatorOptions options = SimulatorOptions.defaults().withScale(50, 500)
                        .withLoad(8, 100, Duration.ofSeconds(24))
                        .withChaos(true, Duration.ofSeconds(5), false)
                        .withMesh(redis.uri(), ns, "mongodb://127.0.0.1:" + m.getPort(), "gorgon")
                        .withTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(60))
                        .withReport(dir.resolve("report.json"));
                ByteArrayOutputStream buf = new ByteArrayOutputStream();
                int code = new Simulator().run(options, chaos, new PrintStream(buf, true, StandardCharsets.UTF_8));
                String out = buf.toString(StandardCharsets.UTF_8);
                System.out.println(out);
                JsonObject report = JsonParser.parseString(Files.readString(dir.resolve("report.json"))).getAsJsonObject();
                JsonObject check = report.getAsJsonObject("check");
                assertEquals(List.of("web-1", "auth-1", "app-1", "store-1"), chaos.killed, "one kill of each role");
                assertTrue(check.get("acknowledged").getAsLong() > 500, check.toString());
                assertEquals(0, check.get("lost").getAsLong(), "lost: " + check);
                assertEquals(0, check.get("duplicates").getAsLong(), "duplicates: " + check);
                assertEquals(0, report.get("unanswered").getAsLong(), "unanswered: " + out);
                assertEquals(0, code, out);
                assertTrue(out.contains("lost=0 duplicates=0 unanswered=0"), out);

                // Scaling out: 'gorgon scale web=3' adds an instance on its own port that serves requests.
                java.io.StringWriter so = new java.io.StringWriter(), se = new java.io.StringWriter();
                assertEquals(0, Gorgon.execute(new String[] {"scale", "web=3", "--config", config.toString()},
                        new java.io.PrintWriter(so), new java.io.PrintWriter(se), Map.of()), se::toString);
                io.gorgon.bus.Admin admin = io.gorgon.bus.Admin.connect(redis.uri(), ns, Duration.ofMillis(500), Duration.ofSeconds(2));
                Await.until(Duration.ofSeconds(60), "web-3 live in the registry, advertising its port", () -> admin.instances().stream()
                        .anyMatch(i -> i.id().startsWith("web-3-") && i.status().equals("live") && i.ports().containsKey("http")));
                int port = admin.instances().stream().filter(i -> i.id().startsWith("web-3-")).findFirst().orElseThrow().ports().get("http");
                var health = new io.gorgon.roles.testing.Http().get("http://127.0.0.1:" + port + "/health", null);
                assertEquals(200, health.status(), health::toString);
                assertTrue(health.json().get("instance").getAsString().startsWith("web-3-"), health.toString());
                var info = new io.gorgon.roles.testing.Http().get("http://127.0.0.1:" + port + "/info/1", "bad-token");
                assertEquals(401, info.status(), "web-3 reaches auth through the bus: " + info);
            } finally {
                up.terminate(60);
                up.close();
            }
        } finally {
            mongo.shutdownNow();
        }
    }

    private static boolean allStarted(Path logs) {
        try (var files = Files.list(logs)) {
            List<Path> roleLogs = files.filter(p -> p.getFileName().toString().matches("(web|auth|app|store)-\\d\\.log")).toList();
            if (roleLogs.size() < 5) return false;
            for (Path p : roleLogs) if (!Files.readString(p).contains("event=role_started")) return false;
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** Offers one victim at a time, in order, so every role is killed at least once whatever the monkey's dice say. */
    static final class RotatingChaos implements Chaos {
        private final Chaos real;
        private final List<String> order;
        final List<String> killed = new ArrayList<>();

        RotatingChaos(Chaos real, List<String> order) {
            this.real = real;
            this.order = order;
        }

        @Override
        public synchronized List<String> instances() {
            if (killed.size() >= order.size()) return List.of();
            String next = order.get(killed.size());
            return real.instances().contains(next) ? List.of(next) : List.of();
        }

        @Override
        public synchronized void kill(String name) {
            real.kill(name);
            killed.add(name);
        }

        @Override
        public void restartRedis() {
            real.restartRedis();
        }
    }
}
