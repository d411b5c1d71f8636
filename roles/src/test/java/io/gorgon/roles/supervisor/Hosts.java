package io.gorgon.roles.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.gorgon.bus.testing.ChildJvm;
import io.gorgon.roles.cli.Gorgon;
import io.gorgon.roles.config.ConfigLoader;
import io.gorgon.roles.config.GorgonConfig;
import io.gorgon.roles.infra.RedisConnections;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import redis.clients.jedis.UnifiedJedis;

/**
 * "Hosts" for the multi-host tests: one supervisor process ({@code gorgon up}) per host name and loopback address, all
 * on one external Redis (any topology, as its {@code redis} config section) and MongoDB. Remembers every process and
 * child pid it sees, and {@link #close()} kills whatever is left.
 */
final class Hosts implements AutoCloseable {
    private final Path tmp;
    private final String namespace;
    private final String redisJson;
    private final int mongoPort;
    private final int webPort;
    private final List<ChildJvm> jvms = new ArrayList<>();
    private final List<Process> launchers = new ArrayList<>();
    private final Set<Long> pids = new TreeSet<>();
    private Path anyConfig;

    /** @param redisJson the config's {@code "redis"} object, e.g. {@code {"uri": "redis://…", "embedded": false}} */
    Hosts(Path tmp, String namespace, String redisJson, int mongoPort, int webPort) {
        this.tmp = tmp;
        this.namespace = namespace;
        this.redisJson = redisJson;
        this.mongoPort = mongoPort;
        this.webPort = webPort;
    }

    int webPort() {
        return webPort;
    }

    /** Writes host's config (one web to start with, no other role) and returns its path. */
    Path config(String host, String address) throws IOException {
        String json = """
                {"namespace": "%s",
                 "host": {"name": "%s", "address": "%s"},
                 "redis": %s,
                 "mongo": {"uri": "mongodb://127.0.0.1:%d", "embedded": false},
                 "instances": {"web": 1, "auth": 0, "app": 0, "store": 0, "provider": 0, "notify": 0, "stats": 0},
                 "web": {"port": %d}, "stats": {"port": 0}, "notify": {"port": 0},
                 "bus": {"heartbeatMs": 500, "takeoverAfterMs": 2000},
                 "logs": {"dir": "%s"}}
                """.formatted(namespace, host, address, redisJson, mongoPort, webPort, tmp.resolve("logs-" + host));
        Path p = Files.writeString(tmp.resolve(host + ".json"), json);
        if (anyConfig == null) anyConfig = p;
        return p;
    }

    /** The supervisor itself ({@code up} told it is already detached), as an orchestrator would run it. */
    ChildJvm up(Path config, String host) {
        ChildJvm up = ChildJvm.start(Gorgon.class, List.of("up", "--config", config.toString()), Map.of("GORGON_DETACHED", "1"),
                tmp.resolve("up-" + host + ".log"));
        jvms.add(up);
        pids.add(up.pid());
        return up;
    }

    /**
     * {@code gorgon up} as typed in a terminal: the launcher in a process group of its own (so a group signal reaches
     * it and not this test), which runs the supervisor in another session. Returns the launcher.
     */
    Process upInTerminal(Path config, String host) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/setsid", Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                Gorgon.class.getName(), "up", "--config", config.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(tmp.resolve("terminal-" + host + ".log").toFile()));
        pb.environment().remove("GORGON_DETACHED");
        Process p = pb.start();
        launchers.add(p);
        pids.add(p.pid());
        return p;
    }

    /** The process group of {@code pid} (field 5 of /proc/PID/stat). */
    static long processGroup(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] after = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(after[2]);
    }

    /** Sends {@code signal} (e.g. "INT") to process group {@code pgid}, as a terminal's Ctrl-C does. */
    static void signalGroup(String signal, long pgid) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, "--", "-" + pgid).inheritIO().start();
        assertEquals(0, kill.waitFor(), "kill -" + signal + " -" + pgid);
    }

    private GorgonConfig loaded() {
        return ConfigLoader.load(anyConfig, List.of(), Map.of());
    }

    /** The live supervisors' statuses by host (every child pid seen is remembered for the clean-up). */
    Map<String, JsonObject> statuses() {
        Map<String, JsonObject> out = new TreeMap<>();
        try {
            for (JsonObject s : new ControlClient(loaded()).hosts()) {
                out.put(s.get("host").getAsString(), s);
                for (JsonElement c : s.getAsJsonArray("children")) {
                    long pid = c.getAsJsonObject().get("pid").getAsLong();
                    if (pid > 0) pids.add(pid);
                }
            }
        } catch (RuntimeException notYet) {
            // Redis not answering this instant
        }
        return out;
    }

    /** The names of a host's running children. */
    Set<String> running(String host) {
        JsonObject s = statuses().get(host);
        Set<String> out = new TreeSet<>();
        if (s == null) return out;
        for (JsonElement c : s.getAsJsonArray("children")) {
            JsonObject o = c.getAsJsonObject();
            if (o.get("state").getAsString().equals("running")) out.add(o.get("name").getAsString());
        }
        return out;
    }

    /** The mesh's slots (slot → owner host) and live hosts, read from Redis. */
    Map<String, String> slots() {
        try (UnifiedJedis redis = RedisConnections.client(loaded())) {
            return new MeshState(namespace).slots(redis);
        }
    }

    List<String> liveHosts() {
        try (UnifiedJedis redis = RedisConnections.client(loaded())) {
            return new MeshState(namespace).liveHosts(redis);
        }
    }

    /** No slot appears under two live supervisors. */
    void assertOneHostPerSlot() {
        Set<String> seen = new TreeSet<>();
        Map<String, JsonObject> all = statuses();
        for (JsonObject s : all.values()) {
            for (JsonElement c : s.getAsJsonArray("children")) {
                assertTrue(seen.add(c.getAsJsonObject().get("name").getAsString()), "a slot on two hosts: " + all);
            }
        }
    }

    /** True when no process this fixture saw is still running. */
    boolean nothingLeft() {
        return pids.stream().noneMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
    }

    Set<Long> pids() {
        return pids;
    }

    static String gorgon(int expectedCode, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Gorgon.execute(args, new PrintWriter(out), new PrintWriter(err), Map.of());
        assertEquals(expectedCode, code, () -> String.join(" ", args) + " -> stdout: " + out + " stderr: " + err);
        return expectedCode == 0 ? out.toString() : err.toString();
    }

    @Override
    public void close() {
        for (Process p : launchers) p.descendants().forEach(h -> pids.add(h.pid()));
        jvms.forEach(ChildJvm::close);
        launchers.forEach(Process::destroyForcibly);
        // Children a failed test left behind (they also leave by themselves once their supervisor is gone).
        pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    }
}
