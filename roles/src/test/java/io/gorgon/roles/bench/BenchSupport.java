package io.gorgon.roles.bench;

import io.gorgon.bus.Admin;
import io.gorgon.bus.InstanceInfo;
import io.gorgon.bus.testing.Await;
import io.gorgon.bus.testing.ChildJvm;
import io.gorgon.roles.config.ConfigLoader;
import io.gorgon.roles.config.EmbeddedSecrets;
import io.gorgon.roles.config.GorgonConfig;
import redis.clients.jedis.RedisClient;

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
