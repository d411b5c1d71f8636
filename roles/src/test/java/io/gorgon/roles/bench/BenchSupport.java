package io.gorgon.roles.bench;

import io.gorgon.bus.Admin;
import io.gorgon.bus.InstanceInfo;
import io.gorgon.bus.testing.Await;
import io.gorgon.bus.testing.ChildJvm;
import io.gorgon.roles.config.ConfigLoader;
import io.gorgon.roles.config.EmbeddedSecrets;
import io.gorgon.roles.config.GorgonConfig;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.gorgon.bus.RedisTopology;
import io.gorgon.roles.infra.RedisConnections;
import io.gorgon.simulator.Simulator;
import io.gorgon.simulator.SimulatorOptions;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** What every bench that runs a whole mesh under {@code gorgon up} needs: waiting for it, the machine's load, cleanup. */
final class BenchSupport {
    private BenchSupport() {}

    /**
     * The bench's mesh config as {@code up} will run it: the embedded Redis password and principal key are generated
     * into its data directory now (up reuses them), so the bench's own clients can connect with {@code redis().busUri()}.
     */
    static GorgonConfig meshConfig(Path config) {
        return EmbeddedSecrets.apply(ConfigLoader.load(config, List.of(), Map.of()), true);
    }

    /** A client once {@code up}'s embedded redis accepts connections. */
    static RedisClient awaitRedis(String uri, ChildJvm up) {
        Await.until(Duration.ofSeconds(60), () -> "redis up; " + up.logText(), () -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", URI.create(uri).getPort()), 200);
                return true;
            } catch (IOException notYet) {
                return false;
            }
        });
        return RedisClient.create(URI.create(uri));
    }

    /**
     * A routing client (one Redis or a cluster) once every node of {@code busUri} accepts connections and, on a
     * cluster, the first node reports every slot served ({@code redis-cli --cluster create} has finished).
     */
    static UnifiedJedis awaitTopology(String busUri, ChildJvm up) {
        RedisTopology t = RedisTopology.parse(busUri);
        Await.until(Duration.ofSeconds(120), () -> "redis up; " + up.logText(), () -> {
            for (String node : t.nodes()) {
                try (Jedis j = node(node, t, 500)) {
                    if (t.mode() == RedisTopology.Mode.CLUSTER && !j.clusterInfo().contains("cluster_state:ok")) return false;
                } catch (RuntimeException notYet) {
                    return false;
                }
            }
            return true;
        });
        return RedisConnections.client(busUri);
    }

    /** A plain connection to one node of {@code t} ({@code host:port}), with its user and password if it has them. */
    static Jedis node(String address, RedisTopology t, int timeoutMs) {
        var b = redis.clients.jedis.DefaultJedisClientConfig.builder().resp2() // says so: no negotiation warning per connection
                .connectionTimeoutMillis(timeoutMs).socketTimeoutMillis(timeoutMs);
        if (t.user() != null && !t.user().isEmpty()) b.user(t.user());
        if (t.password() != null && !t.password().isEmpty()) b.password(t.password());
        return new Jedis(new redis.clients.jedis.HostAndPort(RedisTopology.host(address), RedisTopology.port(address)), b.build());
    }

    /** Runs the simulator in this JVM, its output prefixed; returns its JSON report. */
    static JsonObject simulate(SimulatorOptions o, Path file) throws IOException {
        return simulate(o, file, null);
    }

    /**
     * The same; {@code onMeasuring} (may be null) runs when the simulator's warm-up ends and its measured window
     * starts, so a sampler can cover the same window as the throughput it reports.
     */
    static JsonObject simulate(SimulatorOptions o, Path file, Runnable onMeasuring) throws IOException {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8) {
            @Override
            public void println(String x) {
                super.println("  sim | " + x);
                if (onMeasuring != null && x != null && x.startsWith("load: warm-up over")) onMeasuring.run();
            }
        };
        int code = new Simulator().run(o.withReport(file), null, out);
        JsonObject json = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
        if (code != 0) throw new IllegalStateException("the simulator failed (exit " + code + "): " + json.get("failures"));
        return json;
    }

    /** Waits until every one of {@code roles} has a live instance (a slow box takes minutes to start them). */
    static void awaitLive(Admin admin, Set<String> roles, ChildJvm up) {
        Await.until(Duration.ofSeconds(400), () -> "every role live; " + up.logText(),
                () -> admin.instances().stream().filter(i -> i.status().equals("live")).map(InstanceInfo::role)
                        .collect(Collectors.toSet()).containsAll(roles));
    }

    /** The 1, 5 and 15 minute load averages, as /proc/loadavg gives them. */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "?";
        }
    }

    static void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp dir left behind is harmless
        }
    }
}
