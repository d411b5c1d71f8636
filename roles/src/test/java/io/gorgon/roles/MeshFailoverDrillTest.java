package io.gorgon.roles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.gorgon.bus.redis.LocalCluster;
import io.gorgon.bus.redis.LocalRedis;
import io.gorgon.bus.redis.LocalSentinel;
import io.gorgon.bus.testing.Await;
import io.gorgon.roles.cli.Gorgon;
import io.gorgon.roles.testing.Http;
import io.gorgon.roles.testing.Mesh;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The failover drill at the mesh level, on a Redis Cluster (3 primaries, 3 replicas) and on a Sentinel-watched
 * primary (one replica, three sentinels), both with {@code redis.replicaAcks: 1}: the roles run as OS processes
 * through the real CLI, load goes through web (creates and reads), and the Redis primary holding {@code store_put} is
 * SIGKILLed. Counted the Jepsen way: every create answered 201 must be stored afterwards (lost = 0); a title stored
 * under two ids is a duplicate; every HTTP request is answered 2xx or a clear 5xx ({@code {error, message}}), never a
 * hang or a 4xx; the mesh serves again by itself. The counts and the recovery times are printed for the README.
 */
class MeshFailoverDrillTest {
    private static final String ITEM = "{\"title\":\"%s\",\"body\":\"b\",\"keywords\":[\"k\"],\"location\":\"Oslo\"}";

    @TempDir
    Path dir;

    /** What the drill needs of a Redis topology; everything else is shared. */
    private interface Topology extends AutoCloseable {
        /** The mesh config's {@code redis.*} overrides. */
        Map<String, Object> config();

        /** host:port of every data node (not the sentinels): {@code status} must name one of them for each queue. */
        List<String> dataNodes();

        /** SIGKILLs the primary serving {@code key}; returns it, to be restarted (it comes back as a replica). */
        LocalRedis killPrimaryOf(String key);

        /** Waits until a replica has been promoted in the killed primary's place. */
        void awaitPromoted();

        @Override
        void close();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"cluster", "sentinel"})
    void theMeshRidesOutAPrimaryFailoverWithoutLosingAnAcknowledgedCreate(String kind) throws Exception {
        long began = System.nanoTime();
        try (Topology topology = kind.equals("cluster") ? cluster() : sentinel();
             Mesh mesh = new Mesh(dir, topology.config())) {
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

            JsonObject status = JsonParser.parseString(cli("status", "--json", "--config", mesh.configFile().toString())).getAsJsonObject();
            Set<String> nodes = new HashSet<>();
            for (JsonElement q : status.getAsJsonArray("queues")) {
                String node = q.getAsJsonObject().get("node").getAsString();
                assertTrue(topology.dataNodes().contains(node), "a data node holds " + q + ": " + node);
                nodes.add(node);
            }
            if (kind.equals("cluster")) assertTrue(nodes.size() >= 2, "queues spread over the primaries: " + nodes);

            Load load = new Load(http, web, token, uid);
            load.start();
            Await.until(Duration.ofSeconds(30), () -> "load flowing: " + load.summary(), () -> load.createdAfter(0) >= 30);

            long killedAt = System.nanoTime();
            LocalRedis victim = topology.killPrimaryOf(mesh.namespace() + ":q:{store_put}");
            topology.awaitPromoted();
            long promotedAt = System.nanoTime();
            victim.start(); // replica acks need a replica again: the old primary returns as the promoted one's
            long restartedAt = System.nanoTime();
            Await.until(Duration.ofSeconds(60), () -> "creates acknowledged again after the failover: " + load.summary()
                    + "\n" + mesh.logs(), () -> load.createdAfter(restartedAt) >= 20 && load.readsOkAfter(restartedAt) >= 5);
            load.stop();

            Counts n = load.count(killedAt, items(http, web, token, uid));
            System.out.printf("mesh-failover-drill: setup=%s replicaAcks=1 creates=%d acknowledged=%d failed=%d lost=%d "
                            + "duplicates=%d reads=%d readsFailed=%d statuses=%s promotedAfter=%.1fs readsServedAfter=%.1fs "
                            + "createsServedAfter=%.1fs maxLatency=%.1fs test=%.0fs%n",
                    kind, n.creates, n.acked, n.createsFailed, n.lost, n.duplicates, n.reads, n.readsFailed, n.statuses,
                    (promotedAt - killedAt) / 1e9, n.readsRecovered, n.createsRecovered, n.maxLatency, (System.nanoTime() - began) / 1e9);
            assertEquals(List.of(), load.unclear, "every request answered 2xx or a clear 5xx");
            assertEquals(0, n.lost, () -> "acknowledged creates missing afterwards: " + n);
            assertEquals(0, n.duplicates, () -> "notes stored twice: " + n);
            Http.Response write = http.post(web + "/items", token, ITEM.formatted("after"));
            assertEquals(201, write.status(), write::toString);
        }
    }

    record Call(boolean create, long startNs, long endNs, int status, String title, String id) {
        boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    record Counts(int creates, int acked, int createsFailed, long lost, long duplicates, int reads, int readsFailed,
                  Map<Integer, Integer> statuses, double readsRecovered, double createsRecovered, double maxLatency) {}

    /** Two threads creating notes (unique titles) and one reading them, each one request at a time, all recorded. */
    private static final class Load {
        final ConcurrentLinkedQueue<Call> calls = new ConcurrentLinkedQueue<>();
        final List<String> unclear = java.util.Collections.synchronizedList(new ArrayList<>());
        private final Http http;
        private final String web, token, uid;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicInteger next = new AtomicInteger();
        private final List<Thread> threads = new ArrayList<>();

        Load(Http http, String web, String token, String uid) {
            this.http = http;
            this.web = web;
            this.token = token;
            this.uid = uid;
        }

        void start() {
            for (int t = 0; t < 2; t++) threads.add(Thread.ofPlatform().name("drill-create-" + t).start(() -> {
                while (running.get()) {
                    String title = "drill-" + next.getAndIncrement();
                    long s = System.nanoTime();
                    Http.Response r = http.post(web + "/items", token, ITEM.formatted(title));
                    note(new Call(true, s, System.nanoTime(), r.status(), title, r.status() == 201 ? r.json().get("id").getAsString() : null), r);
                }
            }));
            threads.add(Thread.ofPlatform().name("drill-read").start(() -> {
                while (running.get()) {
                    long s = System.nanoTime();
                    Http.Response r = http.get(web + "/info/" + uid + "?lim=20", token);
                    note(new Call(false, s, System.nanoTime(), r.status(), null, null), r);
                    Await.pause(Duration.ofMillis(20));
                }
            }));
        }

        private void note(Call c, Http.Response r) {
            calls.add(c);
            if (c.ok()) return;
            boolean clear = r.status() >= 500;
            try {
                clear &= r.json().has("error");
            } catch (RuntimeException notJson) {
                clear = false;
            }
            if (!clear) unclear.add((c.create ? "POST /items " : "GET /info ") + r);
        }

        long createdAfter(long ns) {
            return calls.stream().filter(c -> c.create && c.ok() && c.startNs >= ns).count();
        }

        long readsOkAfter(long ns) {
            return calls.stream().filter(c -> !c.create && c.ok() && c.startNs >= ns).count();
        }

        String summary() {
            Map<Integer, Integer> s = new TreeMap<>();
            calls.forEach(c -> s.merge(c.status, 1, Integer::sum));
            return "statuses " + s;
        }

        void stop() throws InterruptedException {
            running.set(false);
            for (Thread t : threads) t.join(30_000);
        }

        /** The Jepsen counts against what the user's listing holds afterwards (title → ids). */
        Counts count(long killedAt, Map<String, List<String>> stored) {
            Set<String> storedIds = new HashSet<>();
            stored.values().forEach(storedIds::addAll);
            int creates = 0, acked = 0, reads = 0, readsFailed = 0;
            long lost = 0;
            double maxLatency = 0;
            Map<Integer, Integer> statuses = new TreeMap<>();
            for (Call c : calls) {
                statuses.merge(c.status, 1, Integer::sum);
                maxLatency = Math.max(maxLatency, (c.endNs - c.startNs) / 1e9);
                if (c.create) {
                    creates++;
                    if (c.ok()) {
                        acked++;
                        if (!storedIds.contains(c.id)) lost++;
                    }
                } else {
                    reads++;
                    if (!c.ok()) readsFailed++;
                }
            }
            long duplicates = stored.values().stream().mapToLong(ids -> ids.size() - 1).sum();
            return new Counts(creates, acked, creates - acked, lost, duplicates, reads, readsFailed, statuses,
                    recovered(true, killedAt), recovered(false, killedAt), maxLatency);
        }

        /**
         * Seconds from the kill until the first success of that kind that began after its last failure (or after
         * the kill, when none failed): how long the mesh did not serve it.
         */
        private double recovered(boolean create, long killedAt) {
            long lastBad = killedAt;
            for (Call c : calls) if (c.create == create && !c.ok() && c.endNs > lastBad) lastBad = c.endNs;
            long first = Long.MAX_VALUE;
            for (Call c : calls) if (c.create == create && c.ok() && c.startNs >= lastBad) first = Math.min(first, c.endNs);
            return first == Long.MAX_VALUE ? Double.NaN : (first - killedAt) / 1e9;
        }
    }

    /** Every note of the user, paged through {@code GET /info}: title → the ids stored under it. */
    private static Map<String, List<String>> items(Http http, String web, String token, String uid) {
        Map<String, List<String>> out = new HashMap<>();
        for (int off = 0; ; off += 100) {
            Http.Response r = http.get(web + "/info/" + uid + "?lim=100&off=" + off, token);
            assertEquals(200, r.status(), r::toString);
            var page = r.json().getAsJsonArray("items");
            for (JsonElement e : page) {
                JsonObject o = e.getAsJsonObject();
                out.computeIfAbsent(o.get("title").getAsString(), t -> new ArrayList<>()).add(o.get("id").getAsString());
            }
            if (page.size() < 100) return out;
        }
    }

    private static Topology cluster() {
        LocalCluster c = LocalCluster.start();
        return new Topology() {
            public Map<String, Object> config() {
                return Map.of("redis.mode", "cluster", "redis.nodes", c.seeds(), "redis.replicaAcks", 1);
            }

            public List<String> dataNodes() {
                return c.seeds();
            }

            public LocalRedis killPrimaryOf(String key) {
                LocalRedis p = c.primaryFor(key);
                p.kill();
                return p;
            }

            public void awaitPromoted() {
                c.awaitHealthy(Duration.ofSeconds(30)); // every slot served again by a running node
            }

            public void close() {
                c.close();
            }
        };
    }

    private static Topology sentinel() {
        LocalSentinel s = LocalSentinel.start();
        return new Topology() {
            private LocalRedis killed;

            public Map<String, Object> config() {
                return Map.of("redis.mode", "sentinel", "redis.nodes", s.sentinels(), "redis.masterName", LocalSentinel.MASTER_NAME,
                        "redis.replicaAcks", 1);
            }

            public List<String> dataNodes() {
                return List.of("127.0.0.1:" + s.primary().port(), "127.0.0.1:" + s.replica().port());
            }

            public LocalRedis killPrimaryOf(String key) {
                return killed = s.killCurrentPrimary();
            }

            public void awaitPromoted() {
                s.awaitPromotedOver(killed, Duration.ofSeconds(30));
            }

            public void close() {
                s.close();
            }
        };
    }

    private static String cli(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Gorgon.execute(args, new PrintWriter(out), new PrintWriter(err), Map.of());
        assertEquals(0, code, err::toString);
        return out.toString();
    }
}
