package io.gorgon.roles.supervisor;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.gorgon.bus.redis.LocalRedis;
import io.gorgon.bus.testing.Await;
import io.gorgon.bus.testing.ChildJvm;
import io.gorgon.roles.cli.Gorgon;
import io.gorgon.roles.config.ConfigLoader;
import io.gorgon.roles.config.EmbeddedSecrets;
import io.gorgon.roles.config.GorgonConfig;
import io.gorgon.roles.infra.Ports;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code gorgon up} as a real process, with real role processes (the RoleMain stub: it just blocks until SIGTERM). */
class SupervisorTest {
    private static final Duration LIMIT = Duration.ofSeconds(40);
    private static final String NS = "suptest";

    @TempDir Path tmp;
    private final List<ChildJvm> jvms = new ArrayList<>();
    private final List<Long> pids = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        jvms.forEach(ChildJvm::close);
        // Whatever the supervisor left behind if a test failed half-way.
        pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    }

    /** A config with an embedded redis on a free port, only the given roles, everything under the temp dir. */
    private Path config(int redisPort, int webPort, String mongo, Map<String, Integer> instances) throws IOException {
        JsonObject counts = new JsonObject();
        for (String role : GorgonConfig.ROLES) counts.addProperty(role, instances.getOrDefault(role, 0));
        String json = """
                {"namespace": "%s",
                 "redis": {"uri": "redis://127.0.0.1:%d", "embedded": true, "dir": "%s"},
                 "mongo": %s,
                 "instances": %s,
                 "web": {"port": %d}, "stats": {"port": 0}, "notify": {"port": 0},
                 "logs": {"dir": "%s"}}
                """.formatted(NS, redisPort, tmp.resolve("redis"), mongo, counts, webPort, tmp.resolve("logs"));
        return Files.writeString(tmp.resolve("gorgon.json"), json);
    }

    private ChildJvm up(Path config, Map<String, String> env) {
        ChildJvm up = ChildJvm.start(Gorgon.class, List.of("up", "--config", config.toString()), env, tmp.resolve("up.log"));
        jvms.add(up);
        return up;
    }

    /** The (one) supervisor's status document, or null while there is none. */
    private JsonObject status(int redisPort) {
        String uri = "redis://:" + java.net.URLEncoder.encode(redisPassword(), java.nio.charset.StandardCharsets.UTF_8)
                + "@127.0.0.1:" + redisPort;
        try (redis.clients.jedis.UnifiedJedis j = io.gorgon.roles.infra.RedisConnections.client(uri)) {
            Map<String, String> all = new MeshState(NS).statuses(j);
            return all.isEmpty() ? null : JsonParser.parseString(all.values().iterator().next()).getAsJsonObject();
        } catch (RuntimeException notUpYet) {
            return null;
        }
    }

    /** A connection to the embedded redis, with the password 'up' generated into its data directory. */
    private Jedis jedis(int redisPort) {
        Jedis j = new Jedis("127.0.0.1", redisPort);
        j.auth(redisPassword());
        return j;
    }

    private String redisPassword() {
        java.util.Properties secrets = new java.util.Properties();
        try (var in = Files.newBufferedReader(tmp.resolve("redis").resolve(EmbeddedSecrets.FILE))) {
            secrets.load(in);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return secrets.getProperty("redis.password");
    }

    /** Live children by name, from the status document. */
    private Map<String, JsonObject> children(int redisPort) {
        Map<String, JsonObject> out = new TreeMap<>();
        JsonObject s = status(redisPort);
        if (s == null) return out;
        for (JsonElement e : s.getAsJsonArray("children")) {
            JsonObject c = e.getAsJsonObject();
            out.put(c.get("name").getAsString(), c);
            if (c.get("pid").getAsLong() > 0) pids.add(c.get("pid").getAsLong());
        }
        return out;
    }

    private boolean running(int redisPort, String name, long notPid, int restarts) {
        JsonObject c = children(redisPort).get(name);
        return c != null && c.get("state").getAsString().equals("running") && c.get("pid").getAsLong() > 0
                && c.get("pid").getAsLong() != notPid && c.get("restarts").getAsInt() == restarts;
    }

    private static long pid(Map<String, JsonObject> children, String name) {
        return children.get(name).get("pid").getAsLong();
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static boolean dead(long pid) {
        return ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true);
    }

    private static String[] cli(Path config, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--config", config.toString()));
        return all.toArray(String[]::new);
    }

    private static String gorgon(int expectedCode, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Gorgon.execute(args, new PrintWriter(out), new PrintWriter(err), Map.of());
        assertEquals(expectedCode, code, () -> String.join(" ", args) + " -> stdout: " + out + " stderr: " + err);
        return expectedCode == 0 ? out.toString() : err.toString();
    }

    @Test
    void restartsCrashesObeysScaleStopKillAndStopsEverything() throws IOException {
        int redisPort = LocalRedis.freePort();
        int webPort = LocalRedis.freePort();
        Path config = config(redisPort, webPort, "{\"embedded\": false, \"uri\": \"mongodb://127.0.0.1:1\"}",
                Map.of("store", 1, "web", 1));
        ChildJvm up = up(config, Map.of("GORGON_DETACHED", "1"));
        Await.until(LIMIT, () -> "store-1 and web-1 running; status " + status(redisPort) + "\n" + up.logText(),
                () -> running(redisPort, "store-1", -1, 0) && running(redisPort, "web-1", -1, 0));
        JsonObject supervisor = status(redisPort);
        pids.add(supervisor.get("pid").getAsLong());
        pids.add(supervisor.getAsJsonObject("infra").getAsJsonObject("redis").get("pid").getAsLong());
        assertEquals(webPort, children(redisPort).get("web-1").get("port").getAsInt());

        // A crash (SIGKILL from outside) is restarted.
        long store1 = pid(children(redisPort), "store-1");
        ProcessHandle.of(store1).orElseThrow().destroyForcibly();
        Await.until(LIMIT, () -> "store-1 restarted; status " + status(redisPort), () -> running(redisPort, "store-1", store1, 1));

        // gorgon kill: the same, on command.
        long store1again = pid(children(redisPort), "store-1");
        assertTrue(gorgon(0, cli(config, "kill", "store-1")).startsWith("killed store-1 (pid " + store1again));
        Await.until(LIMIT, () -> "store-1 restarted again; status " + status(redisPort), () -> running(redisPort, "store-1", store1again, 2));
        long store1third = pid(children(redisPort), "store-1");

        // gorgon scale: up and down; a second web instance gets its own port.
        assertEquals("scaled web 1 -> 2, store 1 -> 0\n", gorgon(0, cli(config, "scale", "web=2", "store=0")));
        Await.until(LIMIT, () -> "web-2 up, store gone; status " + status(redisPort) + "\n" + up.logText(),
                () -> running(redisPort, "web-2", -1, 0) && !children(redisPort).containsKey("store-1"));
        Map<String, JsonObject> now = children(redisPort);
        assertEquals(List.of("web-1", "web-2"), List.copyOf(now.keySet()));
        int web2Port = now.get("web-2").get("port").getAsInt();
        assertTrue(web2Port > webPort, "web-2 port " + web2Port);
        Await.until(LIMIT, "the retired store-1 process exits", () -> dead(store1third));
        Await.until(LIMIT, "web-2 logs to its own file", () -> read(tmp.resolve("logs/web-2.log")).contains("event=role_started role=web"));

        // gorgon stop INSTANCE, and a bad target.
        long web2 = pid(now, "web-2");
        assertTrue(gorgon(0, cli(config, "stop", "web-2")).startsWith("stopping web-2"));
        Await.until(LIMIT, () -> "web-2 gone; status " + status(redisPort), () -> !children(redisPort).containsKey("web-2") && dead(web2));
        assertTrue(gorgon(2, cli(config, "kill", "web-9")).startsWith("gorgon: kill: no instance 'web-9'; instances: web-1"));

        // gorgon stop: everything, then the supervisor exits 0.
        long web1 = pid(children(redisPort), "web-1");
        assertTrue(gorgon(0, cli(config, "stop")).startsWith("supervisor pid "));
        Await.until(LIMIT, () -> "supervisor exits\n" + up.logText(), () -> !up.isAlive());
        assertEquals(0, up.terminate(1), up.logText());
        assertTrue(dead(web1), "web-1 stopped");
        assertTrue(Ports.isFree(redisPort), "embedded redis stopped");
    }

    @Test
    void sigtermDrainsChildrenThenInfrastructureThroughTheDetachedLauncher() throws IOException {
        int redisPort = LocalRedis.freePort();
        int mongoPort = LocalRedis.freePort();
        String mongo = "{\"embedded\": true, \"uri\": \"mongodb://127.0.0.1:%d\", \"dir\": \"%s\"}".formatted(mongoPort, tmp.resolve("mongo"));
        Path config = config(redisPort, 0, mongo, Map.of("app", 1));
        ChildJvm up = up(config, Map.of());
        Await.until(LIMIT, () -> "app-1 running; status " + status(redisPort) + "\n" + up.logText(), () -> running(redisPort, "app-1", -1, 0));
        JsonObject s = status(redisPort);
        long supervisorPid = s.get("pid").getAsLong();
        long mongoPid = s.getAsJsonObject("infra").getAsJsonObject("mongo").get("pid").getAsLong();
        long redisPid = s.getAsJsonObject("infra").getAsJsonObject("redis").get("pid").getAsLong();
        long app1 = pid(children(redisPort), "app-1");
        pids.addAll(List.of(supervisorPid, mongoPid, redisPid));
        assertNotEquals(up.pid(), supervisorPid, "the supervisor runs detached from the launcher");

        // The effective config is published; the embedded mongo answers the real driver.
        // Secrets (the generated Redis password and principal key) are masked in it.
        try (Jedis j = jedis(redisPort)) {
            String doc = j.get(new ControlKeys(NS).config());
            GorgonConfig own = EmbeddedSecrets.apply(ConfigLoader.load(config, List.of(), Map.of()), false);
            assertEquals(GorgonConfig.parse(own.toRedactedJson()), GorgonConfig.parse(doc));
            assertFalse(doc.contains(own.redis().password()) || doc.contains(own.auth().principalKey()), doc);
        }
        try (MongoClient client = MongoClients.create("mongodb://127.0.0.1:" + mongoPort + "/?serverSelectionTimeoutMS=3000")) {
            client.getDatabase("gorgon").getCollection("probe").insertOne(new Document("_id", 1));
            assertEquals(1, client.getDatabase("gorgon").getCollection("probe").countDocuments());
        }

        assertEquals(0, up.terminate(60), up.logText());
        for (long pid : List.of(supervisorPid, app1, mongoPid, redisPid)) assertTrue(dead(pid), "pid " + pid + " still running");
        assertTrue(Ports.isFree(redisPort) && Ports.isFree(mongoPort), "ports released");
        String log = up.logText();
        int roleStopped = log.indexOf("instance stopped name=app-1");
        int mongoStopped = log.indexOf("mongo stopped");
        int redisStopped = log.indexOf("redis stopped");
        assertTrue(roleStopped >= 0 && roleStopped < mongoStopped && mongoStopped < redisStopped,
                "roles drain first, then mongo, then redis stop:\n" + log);
        assertFalse(log.contains("Exception"), log);
    }
}
