package io.gorgon.roles.testing;

import com.google.gson.JsonObject;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.gorgon.bus.redis.LocalRedis;
import io.gorgon.bus.testing.Await;
import io.gorgon.bus.testing.ChildJvm;
import io.gorgon.roles.cli.Gorgon;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A whole mesh for a test: a real redis-server, a real mongo-java-server, and each role as its own OS process run
 * through the real CLI ({@code gorgon role NAME --config FILE}), on free ports. Roles can be SIGKILLed and restarted.
 * Closing it kills everything it started.
 */
public final class Mesh implements AutoCloseable {
    private static final com.google.gson.Gson GSON = new com.google.gson.Gson();
    private final Path dir;
    private final LocalRedis redis;
    private final MongoServer mongo;
    private final String mongoUri;
    private final Path configFile;
    private final JsonObject config;
    private final Map<String, ChildJvm> roles = new LinkedHashMap<>();
    private final List<ChildJvm> all = new ArrayList<>();
    private final Http http = new Http();
    private int generation;
    private List<String> roleJvmArgs = List.of();

    public Mesh(Path dir, Map<String, Object> overrides) throws IOException {
        this.dir = dir;
        this.redis = LocalRedis.builder().dir(dir.resolve("redis")).build().start();
        this.mongo = new MongoServer(new MemoryBackend());
        InetSocketAddress a = mongo.bind();
        this.mongoUri = "mongodb://127.0.0.1:" + a.getPort();
        this.config = new JsonObject();
        config.addProperty("namespace", "e2e" + UUID.randomUUID().toString().substring(0, 6));
        config.add("redis", obj("uri", redis.uri(), "embedded", false));
        config.add("mongo", obj("uri", mongoUri, "database", "gorgon", "embedded", false));
        config.add("web", obj("port", LocalRedis.freePort()));
        config.add("notify", obj("port", LocalRedis.freePort()));
        config.add("stats", obj("port", LocalRedis.freePort()));
        // Tests don't need 210,000 PBKDF2 iterations per login; the hasher's own test covers the default.
        config.add("auth", obj("pbkdf2Iterations", 1000, "loginAttemptsPerMinute", 12, "registrationsPerMinute", 100,
                "principalKey", "e2e-mesh-key")); // every hop signs and checks
        config.add("bus", obj("heartbeatMs", 500, "takeoverAfterMs", 2000, "requestTimeoutMs", 5000));
        overrides.forEach((path, value) -> set(path, value));
        this.configFile = dir.resolve("gorgon.json");
        Files.writeString(configFile, config.toString());
    }

    private void set(String path, Object value) {
        String[] parts = path.split("\\.");
        JsonObject o = config;
        for (int i = 0; i < parts.length - 1; i++) {
            if (!o.has(parts[i])) o.add(parts[i], new JsonObject());
            o = o.getAsJsonObject(parts[i]);
        }
        o.add(parts[parts.length - 1], GSON.toJsonTree(value));
    }

    private static JsonObject obj(Object... kv) {
        JsonObject o = new JsonObject();
        for (int i = 0; i < kv.length; i += 2) o.add((String) kv[i], GSON.toJsonTree(kv[i + 1]));
        return o;
    }

    /** JVM flags for the role processes started from now on, e.g. the supervisor's production heap ({@code -Xmx160m}). */
    public Mesh withRoleJvmArgs(String... flags) {
        roleJvmArgs = List.of(flags);
        return this;
    }

    /** Starts a role process; {@code name} is its instance name (e.g. "store-1"), the role is the part before '-'. */
    public ChildJvm start(String name, String... extraArgs) {
        String role = name.contains("-") ? name.substring(0, name.indexOf('-')) : name;
        List<String> args = new ArrayList<>(List.of("role", role, "--config", configFile.toString()));
        args.addAll(List.of(extraArgs));
        ChildJvm p = ChildJvm.start(Gorgon.class, roleJvmArgs, args, Map.of("GORGON_INSTANCE_NAME", name),
                dir.resolve("logs").resolve(name + "." + (generation++) + ".log"));
        roles.put(name, p);
        all.add(p);
        return p;
    }

    public void startAll(String... names) {
        for (String n : names) start(n);
    }

    public void kill(String name) {
        roles.get(name).kill();
    }

    public ChildJvm process(String name) {
        return roles.get(name);
    }

    /** Waits until every started role process has logged that it started (its consumers are registered). */
    public void awaitReady(Duration limit) {
        Await.until(limit, () -> "all roles started; logs:\n" + logs(), () -> {
            for (var e : roles.entrySet()) {
                if (!e.getValue().isAlive()) throw new AssertionError(e.getKey() + " exited; logs:\n" + logs());
            }
            return roles.values().stream().allMatch(p -> p.logText().contains("event=role_started"));
        });
    }

    /** Waits until the named (re)started role process is up. */
    public void awaitStarted(String name, Duration limit) {
        Await.until(limit, () -> name + " started; logs:\n" + logs(), () -> roles.get(name).logText().contains("event=role_started"));
    }

    public String webUrl() {
        return "http://127.0.0.1:" + config.getAsJsonObject("web").get("port").getAsInt();
    }

    public int notifyPort() {
        return config.getAsJsonObject("notify").get("port").getAsInt();
    }

    public int statsPort() {
        return config.getAsJsonObject("stats").get("port").getAsInt();
    }

    public Http http() {
        return http;
    }

    public LocalRedis redis() {
        return redis;
    }

    public String mongoUri() {
        return mongoUri;
    }

    public String namespace() {
        return config.get("namespace").getAsString();
    }

    public Path configFile() {
        return configFile;
    }

    public String logs() {
        StringBuilder b = new StringBuilder();
        for (var e : roles.entrySet()) {
            String t = e.getValue().logText();
            b.append("---- ").append(e.getKey()).append('\n').append(t.length() > 3000 ? t.substring(t.length() - 3000) : t);
        }
        return b.toString();
    }

    @Override
    public void close() {
        all.forEach(ChildJvm::close);
        mongo.shutdownNow();
        redis.close();
    }
}
