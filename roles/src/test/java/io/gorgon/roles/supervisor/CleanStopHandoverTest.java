package io.gorgon.roles.supervisor;

import static io.gorgon.roles.supervisor.Hosts.gorgon;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.gorgon.bus.redis.LocalRedis;
import io.gorgon.bus.redis.LocalSentinel;
import io.gorgon.bus.testing.Await;
import io.gorgon.bus.testing.ChildJvm;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Supervisors on several hosts over a Sentinel-watched Redis (primary, replica, three sentinels; external
 * infrastructure), and the clean stop of a host: alpha (127.0.0.2) and beta (127.0.0.3) share the webs; the Redis
 * primary fails over under them and no slot moves; beta stopped with SIGTERM (an orchestrator), then again with SIGINT
 * to the process group of its {@code gorgon up} (a terminal's Ctrl-C) hands its web to alpha, which starts it. After
 * each stop every slot is owned once, by a live host, and the slot count is unchanged. The handover times are printed.
 */
class CleanStopHandoverTest {
    private static final Duration LIMIT = Duration.ofSeconds(45);

    @TempDir Path tmp;

    @Test
    void aCleanlyStoppedHostHandsItsSlotsToTheOtherOnSentinel() throws Exception {
        long began = System.nanoTime();
        MongoServer mongo = new MongoServer(new MemoryBackend());
        InetSocketAddress m = mongo.bind();
        try (LocalSentinel sentinel = LocalSentinel.start();
             Hosts hosts = new Hosts(tmp, "handover", redisJson(sentinel), m.getPort(), LocalRedis.freePort())) {
            Path alphaConfig = hosts.config("alpha", "127.0.0.2");
            Path betaConfig = hosts.config("beta", "127.0.0.3");
            // alpha founds the mesh and runs web-1 before beta starts: started together, either could found it.
            ChildJvm alpha = hosts.up(alphaConfig, "alpha");
            Await.until(LIMIT, () -> "alpha up, running web-1; " + hosts.statuses() + "\n" + alpha.logText(),
                    () -> hosts.running("alpha").contains("web-1"));
            ChildJvm beta = hosts.up(betaConfig, "beta");
            Await.until(LIMIT, () -> "beta joins; " + hosts.statuses() + "\n" + beta.logText(), () -> hosts.statuses().containsKey("beta"));
            assertEquals("scaled web 1 -> 2\n", gorgon(0, "scale", "web=2", "--config", alphaConfig.toString()));
            Await.until(LIMIT, () -> "beta runs web-2; " + hosts.statuses(), () -> hosts.running("beta").equals(Set.of("web-2")));

            // The Redis primary fails over under the supervisors: they follow it, no heartbeat lapses, nothing moves.
            Map<String, String> before = hosts.slots();
            LocalRedis primary = sentinel.killCurrentPrimary();
            sentinel.awaitPromotedOver(primary, Duration.ofSeconds(30));
            primary.start(); // the sentinels turn it into the new primary's replica
            Await.pause(Duration.ofMillis(Supervisor.HEARTBEAT_TTL.toMillis() + 1000)); // a lapsed heartbeat would show now
            assertEquals(List.of("alpha", "beta"), hosts.liveHosts(), () -> "after the failover: " + hosts.statuses());
            assertEquals(before, hosts.slots(), "no slot moved because of the failover");

            // SIGTERM to beta's supervisor: it gives web-2 back before draining, alpha claims and starts it.
            long stoppedAt = System.nanoTime();
            ProcessHandle.of(beta.pid()).orElseThrow().destroy();
            Await.until(LIMIT, () -> "alpha claims web-2; " + hosts.slots(), () -> "alpha".equals(hosts.slots().get("web-2")));
            long claimedMs = (System.nanoTime() - stoppedAt) / 1_000_000;
            Await.until(LIMIT, () -> "alpha runs web-2; " + hosts.statuses() + "\n" + alpha.logText(),
                    () -> hosts.running("alpha").equals(Set.of("web-1", "web-2")));
            long runningMs = (System.nanoTime() - stoppedAt) / 1_000_000;
            assertEquals(0, beta.terminate(40), beta.logText());
            assertHandedOver(hosts, Map.of("web-1", "alpha", "web-2", "alpha"));
            System.out.printf("handover: signal=SIGTERM slotClaimedAfterMs=%d runningOnAlphaAfterMs=%d%n", claimedMs, runningMs);

            // beta again, as typed in a terminal; the new web goes to it; Ctrl-C (SIGINT to the launcher's group).
            Process terminal = hosts.upInTerminal(betaConfig, "beta");
            Await.until(LIMIT, () -> "beta rejoins; " + hosts.statuses() + "\n" + log(tmp, "beta"), () -> hosts.statuses().containsKey("beta"));
            assertEquals("scaled web 2 -> 3\n", gorgon(0, "scale", "web=3", "--config", alphaConfig.toString()));
            Await.until(LIMIT, () -> "beta runs web-3; " + hosts.statuses(), () -> hosts.running("beta").equals(Set.of("web-3")));
            long group = Hosts.processGroup(terminal.pid());
            assertEquals(terminal.pid(), group, "the launcher leads its own process group");
            stoppedAt = System.nanoTime();
            Hosts.signalGroup("INT", group);
            Await.until(LIMIT, () -> "alpha claims web-3; " + hosts.slots(), () -> "alpha".equals(hosts.slots().get("web-3")));
            claimedMs = (System.nanoTime() - stoppedAt) / 1_000_000;
            Await.until(LIMIT, () -> "alpha runs web-3; " + hosts.statuses() + "\n" + alpha.logText(),
                    () -> hosts.running("alpha").equals(Set.of("web-1", "web-2", "web-3")));
            runningMs = (System.nanoTime() - stoppedAt) / 1_000_000;
            assertTrue(terminal.waitFor(40, TimeUnit.SECONDS), "gorgon up exits after Ctrl-C: " + log(tmp, "beta"));
            assertEquals(0, terminal.exitValue(), () -> log(tmp, "beta"));
            assertTrue(log(tmp, "beta").contains("stopped; nothing left running"), () -> log(tmp, "beta"));
            assertHandedOver(hosts, Map.of("web-1", "alpha", "web-2", "alpha", "web-3", "alpha"));
            System.out.printf("handover: signal=SIGINT-to-group slotClaimedAfterMs=%d runningOnAlphaAfterMs=%d test=%.0fs%n",
                    claimedMs, runningMs, (System.nanoTime() - began) / 1e9);

            assertEquals(0, alpha.terminate(60), alpha.logText());
            Await.until(Duration.ofSeconds(10), () -> "nothing left running: " + hosts.pids(), hosts::nothingLeft);
        } finally {
            mongo.shutdownNow();
        }
    }

    /** The mesh's slots are exactly {@code expected}, alpha is the only live host, and no slot runs twice. */
    private static void assertHandedOver(Hosts hosts, Map<String, String> expected) {
        assertEquals(expected, hosts.slots(), "every slot owned once, by the host left");
        assertEquals(List.of("alpha"), hosts.liveHosts());
        hosts.assertOneHostPerSlot();
    }

    private static String redisJson(LocalSentinel s) {
        return "{\"mode\": \"sentinel\", \"embedded\": false, \"masterName\": \"" + LocalSentinel.MASTER_NAME + "\", \"nodes\": [\""
                + String.join("\", \"", s.sentinels()) + "\"]}";
    }

    private static String log(Path tmp, String host) {
        try {
            Path p = tmp.resolve("terminal-" + host + ".log");
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }
}
