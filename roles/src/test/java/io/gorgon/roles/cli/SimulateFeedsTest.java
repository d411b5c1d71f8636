package io.gorgon.roles.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.gorgon.bus.Admin;
import io.gorgon.bus.InstanceInfo;
import io.gorgon.bus.redis.LocalRedis;
import io.gorgon.bus.testing.Await;
import io.gorgon.bus.testing.ChildJvm;
import io.gorgon.roles.config.ConfigLoader;
import io.gorgon.simulator.Chaos;
import io.gorgon.simulator.FeedSimulation;
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
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gorgon simulate --feeds} on real processes: a mesh under 'gorgon up' with two provider instances, a few
 * dozen simulated feeds (some slow, failing or hostile), and SIGKILLs of provider instances while entries are
 * published. The simulation's Jepsen-style check must pass (every entry exactly once, every webhook event at least
 * once), and the feeds with more followers must have been polled more often.
 */
class SimulateFeedsTest {
    @TempDir
    Path dir;

    @Test
    void feedsArriveExactlyOnceThroughProviderKillsAndPollingFollowsFollowers() throws Exception {
        MongoServer mongo = new MongoServer(new MemoryBackend());
        InetSocketAddress m = mongo.bind();
        try (LocalRedis redis = LocalRedis.builder().dir(dir.resolve("redis")).build().start()) {
            String ns = "feedsim";
            Path config = dir.resolve("gorgon.json");
            // Intervals 0.5-8 s by followers (8 followers: 1 s, 1 follower: 8 s); entries every 20 s per feed on average,
            // so the observed rate (polled at half the gap) does not override the followers' weighting.
            Files.writeString(config, """
                    {"namespace": "%s",
                     "redis": {"uri": "%s", "embedded": false},
                     "mongo": {"uri": "mongodb://127.0.0.1:%d", "embedded": false},
                     "instances": {"web": 1, "auth": 1, "app": 1, "store": 1, "provider": 2, "notify": 1, "stats": 0},
                     "web": {"port": %d}, "stats": {"port": %d}, "notify": {"port": %d},
                     "auth": {"pbkdf2Iterations": 1000, "loginAttemptsPerMinute": 1000, "registrationsPerMinute": 1000, "principalKey": "feeds-sim-key"},
                     "bus": {"heartbeatMs": 500, "takeoverAfterMs": 2000, "requestTimeoutMs": 8000},
                     "provider": {"plugins": [], "feeds": {"allowPrivate": true, "minIntervalMs": 500, "maxIntervalMs": 8000,
                                  "maxBackoffMs": 4000, "timeoutMs": 4000, "leaseMs": 5000},
                                  "webhooks": {"allowPrivate": true, "retryBaseMs": 200}},
                     "logs": {"dir": "%s"}}
                    """.formatted(ns, redis.uri(), m.getPort(), LocalRedis.freePort(), LocalRedis.freePort(), LocalRedis.freePort(),
                    dir.resolve("logs")));
            ChildJvm up = ChildJvm.start(Gorgon.class, List.of("up", "--config", config.toString()), Map.of("GORGON_DETACHED", "1"),
                    dir.resolve("up.log"));
            try {
                SupervisorChaos supervisor = new SupervisorChaos(ConfigLoader.load(config, List.of(), Map.of()));
                Admin admin = Admin.connect(redis.uri(), ns, Duration.ofMillis(500), Duration.ofSeconds(2));
                Await.until(Duration.ofSeconds(120), () -> "web, auth, app, store, notify and 2 providers live; " + up.logText(), () -> {
                    List<InstanceInfo> live = admin.instances().stream().filter(i -> i.status().equals("live")).toList();
                    return live.stream().map(InstanceInfo::role).collect(Collectors.toSet()).containsAll(Set.of("web", "auth", "app", "store", "notify"))
                            && live.stream().filter(i -> i.role().equals("provider")).count() == 2;
                });
                KillLog chaos = new KillLog(supervisor);
                FeedSimulation sim = new FeedSimulation(36, 8, Duration.ofSeconds(24), Duration.ofSeconds(20), true, Duration.ofSeconds(9),
                        Duration.ofSeconds(40), redis.uri(), ns);
                ByteArrayOutputStream buf = new ByteArrayOutputStream();
                FeedSimulation.Report r = sim.execute(chaos, () -> false, new PrintStream(buf, true, StandardCharsets.UTF_8));
                String out = buf.toString(StandardCharsets.UTF_8);
                System.out.println(out);

                assertTrue(chaos.killed.size() >= 2 && chaos.killed.stream().allMatch(n -> n.startsWith("provider-")),
                        "provider instances SIGKILLed during the run: " + chaos.killed);
                assertTrue(r.published() >= 15, "entries published: " + out);
                assertEquals(0, r.lost(), "every published entry is an item: " + out);
                assertEquals(0, r.duplicates(), "no entry is two items: " + out);
                assertTrue(r.webhookChecked() > 0, "the webhook covers feeds with items: " + out);
                assertEquals(0, r.webhookMissing(), "every item event reached the webhook: " + out);
                assertTrue(r.ok(), out);

                // Weighting: the 8-follower feed every ~1 s, the 1-follower feeds every ~8 s (polls in the load window).
                double top = r.pollsByFollowers().get(8)[1], two = r.pollsByFollowers().get(2)[1], one = r.pollsByFollowers().get(1)[1];
                assertTrue(top >= 3 * one, "8 followers polled at least 3x as often as 1: " + out);
                assertTrue(two > one && top > two, "more followers, more polls: " + out);
            } finally {
                up.terminate(60);
                up.close();
            }
        } finally {
            mongo.shutdownNow();
        }
    }

    /** The supervisor's kills, recorded. */
    static final class KillLog implements Chaos {
        private final Chaos real;
        final List<String> killed = new ArrayList<>();

        KillLog(Chaos real) {
            this.real = real;
        }

        @Override
        public List<String> instances() {
            return real.instances();
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
