package io.gorgon.roles.supervisor;

import static io.gorgon.roles.supervisor.Hosts.gorgon;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.gorgon.bus.redis.LocalRedis;
import io.gorgon.bus.testing.Await;
import io.gorgon.bus.testing.ChildJvm;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13's multi-host drill, all real processes on this machine: one external redis-server and one MongoDB, two
 * supervisors ("hosts" alpha on 127.0.0.2 and beta on 127.0.0.3, the same web port on each). {@code scale web=4}
 * spreads the webs over both; then beta dies whole (its supervisor and every child SIGKILLed) and alpha starts
 * what beta ran; {@code status} groups the instances by host.
 */
class MultiHostDrillTest {
    private static final Duration LIMIT = Duration.ofSeconds(45);

    @TempDir Path tmp;

    @Test
    void scaleSpreadsOverHostsAndAKilledHostsInstancesComeBackOnTheOther() throws Exception {
        MongoServer mongo = new MongoServer(new MemoryBackend());
        InetSocketAddress m = mongo.bind();
        try (LocalRedis redis = LocalRedis.builder().dir(tmp.resolve("redis")).build().start();
             Hosts hosts = new Hosts(tmp, "multihost", "{\"uri\": \"" + redis.uri() + "\", \"embedded\": false}", m.getPort(), LocalRedis.freePort())) {
            int webPort = hosts.webPort();
            Path alphaConfig = hosts.config("alpha", "127.0.0.2");
            Path betaConfig = hosts.config("beta", "127.0.0.3");
            ChildJvm alpha = hosts.up(alphaConfig, "alpha");
            long started = System.nanoTime();
            Await.until(LIMIT, () -> "alpha runs web-1; " + hosts.statuses() + "\n" + alpha.logText(),
                    () -> hosts.running("alpha").contains("web-1"));
            ChildJvm beta = hosts.up(betaConfig, "beta");
            Await.until(LIMIT, () -> "beta joins; " + hosts.statuses() + "\n" + beta.logText(), () -> hosts.statuses().containsKey("beta"));
            assertEquals(Set.of(), hosts.running("beta"), "a joining host takes nothing that runs elsewhere");

            // One mesh-wide count: the new webs go to the host with fewer, ties to the first name: 2 and 2.
            assertEquals("scaled web 1 -> 4\n", gorgon(0, "scale", "web=4", "--config", betaConfig.toString()));
            Await.until(LIMIT, () -> "webs spread; " + hosts.statuses(),
                    () -> hosts.running("alpha").equals(Set.of("web-1", "web-3")) && hosts.running("beta").equals(Set.of("web-2", "web-4")));
            hosts.assertOneHostPerSlot();
            // Each host's first web listens on the same port, on its own address.
            Await.until(LIMIT, "web on 127.0.0.3:" + webPort + " answers", () -> health("127.0.0.3", webPort) == 200);
            assertEquals(200, health("127.0.0.2", webPort));

            String status = gorgon(0, "status", "--config", alphaConfig.toString());
            assertTrue(status.contains("HOST alpha (127.0.0.2)") && status.contains("HOST beta (127.0.0.3)"), status);
            JsonArray statusHosts = JsonParser.parseString(gorgon(0, "status", "--json", "--config", alphaConfig.toString()))
                    .getAsJsonObject().getAsJsonArray("hosts");
            assertEquals(List.of("alpha", "beta"), statusHosts.asList().stream().map(h -> h.getAsJsonObject().get("host").getAsString()).toList());

            // beta dies whole: its supervisor and its children, SIGKILL, no goodbye.
            System.out.println("multihost drill: two hosts up and web=4 spread after " + (System.nanoTime() - started) / 1_000_000 + " ms");
            List<Long> betaPids = new ArrayList<>(List.of(beta.pid()));
            for (JsonElement c : hosts.statuses().get("beta").getAsJsonArray("children")) betaPids.add(c.getAsJsonObject().get("pid").getAsLong());
            long killedAt = System.nanoTime();
            betaPids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
            Await.until(LIMIT, () -> "alpha runs everything; " + hosts.statuses() + "\n" + alpha.logText(),
                    () -> hosts.running("alpha").equals(Set.of("web-1", "web-2", "web-3", "web-4")));
            long tookOverMs = (System.nanoTime() - killedAt) / 1_000_000;
            System.out.println("multihost drill: beta's web-2 and web-4 running again on alpha " + tookOverMs + " ms after the kill");
            assertTrue(tookOverMs < 20_000, "took over in " + tookOverMs + " ms");
            assertEquals(List.of("alpha"), List.copyOf(hosts.statuses().keySet()));
            String after = gorgon(0, "status", "--config", alphaConfig.toString());
            // beta's instances stay listed as gone under a host without supervisor until the registry forgets them.
            assertTrue(after.contains("HOST alpha (127.0.0.2)") && after.contains("HOST beta  no supervisor"), after);

            assertEquals(0, alpha.terminate(60), alpha.logText());
            assertTrue(hosts.nothingLeft(), "processes left running: " + hosts.pids());
        } finally {
            mongo.shutdownNow();
        }
    }

    static int health(String address, int port) {
        try {
            return new io.gorgon.roles.testing.Http().get("http://" + address + ":" + port + "/health", null).status();
        } catch (RuntimeException notYet) {
            return -1;
        }
    }
}
