package io.gorgon.roles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.gorgon.bus.redis.LocalCluster;
import io.gorgon.bus.redis.LocalRedis;
import io.gorgon.bus.testing.Await;
import io.gorgon.roles.cli.Gorgon;
import io.gorgon.roles.testing.Http;
import io.gorgon.roles.testing.Mesh;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mesh (role processes through the real CLI) on a local Redis Cluster of 3 primaries and 3 replicas with
 * replica acks: the HTTP API works, {@code status --json} names the node of each queue and the queues spread over
 * the primaries, and after a SIGKILL of the primary holding {@code store_get} every request is answered (200 or a
 * clear 5xx), the mesh recovers by itself, and nothing written before the kill is lost.
 */
class MeshOnClusterTest {
    @TempDir
    Path dir;

    @Test
    void theMeshRunsOnAClusterAndRidesOutAPrimaryFailover() throws Exception {
        try (LocalCluster cluster = LocalCluster.start();
             Mesh mesh = new Mesh(dir, Map.of("redis.mode", "cluster", "redis.nodes", cluster.seeds(), "redis.replicaAcks", 1))) {
            mesh.startAll("store-1", "auth-1", "app-1", "web-1");
            mesh.awaitReady(Duration.ofSeconds(90));
            Http http = mesh.http();
            String web = mesh.webUrl();
            Http.Response reg = http.post(web + "/auth/register", null, "{\"name\":\"Ada\",\"email\":\"ada@example.com\",\"password\":\"correct horse\"}");
            assertEquals(201, reg.status(), () -> reg + "\n" + mesh.logs());
            String uid = reg.json().get("id").getAsString();
            Http.Response login = http.post(web + "/auth/login", null, "{\"email\":\"ada@example.com\",\"password\":\"correct horse\"}");
            assertEquals(200, login.status(), login::toString);
            String token = login.json().get("token").getAsString();
            for (int i = 0; i < 20; i++) {
                Http.Response r = http.post(web + "/items", token, "{\"title\":\"n" + i + "\",\"body\":\"b\",\"keywords\":[\"k\"],\"location\":\"Oslo\"}");
                assertEquals(201, r.status(), r::toString);
            }
            assertEquals(200, http.get(web + "/info/" + uid, token).status());

            JsonObject status = JsonParser.parseString(cli("status", "--json", "--config", mesh.configFile().toString())).getAsJsonObject();
            Set<String> nodes = new HashSet<>();
            for (JsonElement q : status.getAsJsonArray("queues")) {
                String node = q.getAsJsonObject().get("node").getAsString();
                assertTrue(cluster.seeds().contains(node), "a cluster node holds " + q + ": " + node);
                nodes.add(node);
            }
            assertTrue(nodes.size() >= 2, "queues spread over the primaries: " + nodes);

            // SIGKILL the primary of store_get; its replica takes over; the old primary returns as a replica.
            LocalRedis victim = cluster.primaryFor(mesh.namespace() + ":q:{store_get}");
            victim.kill();
            int ok = 0, errors = 0;
            long until = System.nanoTime() + Duration.ofSeconds(6).toNanos();
            while (System.nanoTime() < until) {
                Http.Response r = http.get(web + "/info/" + uid, token); // answered or a clear error; never a hang
                if (r.status() == 200) ok++; else {
                    errors++;
                    assertTrue(r.status() >= 500 && r.json().has("error"), r::toString);
                }
            }
            cluster.awaitHealthy(Duration.ofSeconds(30));
            victim.start();
            Await.until(Duration.ofSeconds(30), "GET /info answered again after the failover",
                    () -> http.get(web + "/info/" + uid, token).status() == 200);
            Http.Response after = http.get(web + "/info/" + uid + "?lim=50", token);
            assertEquals(200, after.status(), after::toString);
            assertEquals(20, after.json().getAsJsonArray("items").size(), () -> "the notes written before the kill are all there: " + after);
            Http.Response write = http.post(web + "/items", token, "{\"title\":\"after\",\"body\":\"b\",\"keywords\":[\"k\"],\"location\":\"Oslo\"}");
            assertEquals(201, write.status(), write::toString);
            System.out.printf("mesh-failover: during-6s ok=%d errors=%d%n", ok, errors);
        }
    }

    private static String cli(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Gorgon.execute(args, new PrintWriter(out), new PrintWriter(err), Map.of());
        assertEquals(0, code, err::toString);
        return out.toString();
    }
}
