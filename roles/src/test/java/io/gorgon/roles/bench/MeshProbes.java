package io.gorgon.roles.bench;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import io.gorgon.bus.Admin;
import io.gorgon.bus.QueueInfo;
import io.gorgon.bus.testing.Await;
import io.gorgon.bus.testing.RedisCommandCount;
import io.gorgon.protocol.Protocol;
import io.gorgon.roles.config.GorgonConfig;
import io.gorgon.roles.supervisor.ControlClient;
import io.gorgon.roles.supervisor.Reply;
import io.gorgon.simulator.SimulatorOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The mesh bench's measurements with the provider off: Redis commands per {@code GET /info} (MONITOR on the request
 * path's keys) at a few clients and at the full client count, and read latency at a few clients with and without a
 * flood of inserts beside it (reads must not wait behind writes). Results go into the bench's JSON.
 */
final class MeshProbes {
    /** The GET /info path's keys: its three queues (and consumer sets), the reply lists, the token, the user cache. */
    private static final List<String> QUEUES = List.of(":q:{auth_get}", ":q:{app_get}", ":q:{store_get}");
    private static final List<String> PATH = List.of(":q:{auth_get}", ":q:{app_get}", ":q:{store_get}", ":r:{", ":token:", ":u:{");

    private final JsonObject json;
    private final GorgonConfig cfg;
    private final SimulatorOptions base;
    private final int users, fewClients, clients;
    private final Admin admin;
    private String hotQueue = "?";
    private double hotShare;

    MeshProbes(JsonObject json, GorgonConfig cfg, SimulatorOptions base, int users, int fewClients, int clients) {
        this.json = json;
        this.cfg = cfg;
        this.base = base;
        this.users = users;
        this.fewClients = fewClients;
        this.clients = clients;
        this.admin = Admin.connect(cfg.redis().busUri(), cfg.namespace(), Duration.ofSeconds(1), Duration.ofSeconds(3));
    }

    /** Scales the provider to 0 and waits until store_put has drained what it left (its cache writes touch the path's keys). */
    void providerOff() throws Exception {
        JsonObject counts = new JsonObject();
        counts.addProperty("provider", 0);
        JsonObject args = new JsonObject();
        args.add("counts", counts);
        Reply r = new ControlClient(cfg).send("scale", args, Duration.ofSeconds(30));
        if (!r.ok()) throw new IllegalStateException("scale provider=0 failed: " + r.message());
        Await.until(Duration.ofSeconds(60), () -> "provider stopped",
                () -> admin.instances().stream().noneMatch(i -> i.role().equals("provider") && i.status().equals("live")));
        awaitStorePutDrained();
    }

    private void awaitStorePutDrained() {
        Await.until(Duration.ofSeconds(300), () -> "store_put drained: " + storePut(), () -> {
            QueueInfo q = storePut();
            return q == null || (q.backlog() == 0 && q.pending() == 0);
        });
    }

    private QueueInfo storePut() {
        return admin.queues().stream().filter(q -> q.name().equals(Protocol.STORE_PUT)).findFirst().orElse(null);
    }

    /** Commands per GET /info at a few clients: {@code redis_cmds_per_info}. */
    void countCommands() throws Exception {
        count(fewClients, "");
    }

    /** The same at the full client count, where reads batch: what the capacity model uses, with the hottest queue's share. */
    void countCommandsAtLoad() throws Exception {
        RedisCommandCount.Counts c = count(clients, "_at_load");
        long onPath = c.executedByFilter().values().stream().mapToLong(Long::longValue).sum();
        for (String q : QUEUES) {
            double share = c.executedByFilter().getOrDefault(q, 0L) / (double) Math.max(1, onPath);
            if (share > hotShare) {
                hotShare = share;
                hotQueue = q.substring(4, q.length() - 1);
            }
        }
        json.add("redis_executed_by_key_at_load", new GsonBuilder().create().toJsonTree(c.executedByFilter()));
    }

    String hotQueue() {
        return hotQueue;
    }

    double hotShare() {
        return hotShare;
    }

    private RedisCommandCount.Counts count(int n, String suffix) throws Exception {
        RedisCommandCount counter = new RedisCommandCount(cfg.redis().busUri(), PATH);
        JsonObject load = info(n, 10, "count" + suffix);
        RedisCommandCount.Counts busy = counter.stop();
        double requests = load.get("info_ok").getAsDouble();
        Map<String, Double> client = RedisCommandCount.perRequest(busy.client(), 1, Map.of(), 1, requests);
        Map<String, Double> executed = RedisCommandCount.perRequest(busy.executedOnKeys(), 1, Map.of(), 1, requests);
        double clientTotal = client.values().stream().mapToDouble(Double::doubleValue).sum();
        double executedTotal = executed.values().stream().mapToDouble(Double::doubleValue).sum();
        json.addProperty("redis_cmds_per_info" + suffix, Math.round(clientTotal * 10) / 10.0);
        json.addProperty("redis_cmds_per_info_incl_script_calls" + suffix, Math.round(executedTotal * 10) / 10.0);
        json.addProperty("redis_usec_per_info_incl_background" + suffix, Math.round(busy.usec() / Math.max(1, requests) * 10) / 10.0);
        json.add("redis_cmds_per_info_by_command" + suffix, new GsonBuilder().create().toJsonTree(client));
        json.add("redis_executed_per_info_by_command" + suffix, new GsonBuilder().create().toJsonTree(executed));
        System.out.printf(Locale.ROOT, "mesh bench: Redis commands per GET /info at %d clients (provider off, store_put drained, %.0f requests, on the path's keys):"
                + " sent by clients %.1f %s; executed incl. inside scripts %.1f %s%n", n, requests, clientTotal, client, executedTotal, executed);
        return busy;
    }

    /**
     * GET /info at a few clients, back to back: with no inserts, then beside a flood of inserts into store_put (the
     * simulator's seeder, as fast as the store takes them). Reads and writes have their own consumers and queues in
     * the store; what they share is the store's CPU, Redis and the one MongoDB.
     */
    void readsUnderInsertFlood(double ingestPerS) throws Exception {
        JsonObject quiet = info(fewClients, 15, "quiet");
        // Seeding rounds one after the other until the reads are done, so the flood lasts as long as they do.
        long floodItems = Math.max(2_000, Math.round(ingestPerS * 4));
        java.util.concurrent.atomic.AtomicBoolean readsDone = new java.util.concurrent.atomic.AtomicBoolean();
        CompletableFuture<double[]> flood = CompletableFuture.supplyAsync(() -> {
            long items = 0, t0 = System.nanoTime();
            try {
                do {
                    BenchSupport.simulate(base.withScale(10, floodItems).withPhases(true, false), tmp("flood"));
                    items += floodItems;
                } while (!readsDone.get());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return new double[] {items / ((System.nanoTime() - t0) / 1e9)};
        });
        Thread.sleep(3000); // the flood is under way (users created, notes streaming in)
        JsonObject busy = info(fewClients, 15, "flooded");
        readsDone.set(true);
        boolean floodStillOn = !flood.isDone();
        double floodRate = flood.join()[0];
        json.addProperty("low_info_p50_ms_no_inserts", quiet.get("info_p50_ms").getAsDouble());
        json.addProperty("low_info_p99_ms_no_inserts", quiet.get("info_p99_ms").getAsDouble());
        json.addProperty("low_info_p50_ms_insert_flood", busy.get("info_p50_ms").getAsDouble());
        json.addProperty("low_info_p99_ms_insert_flood", busy.get("info_p99_ms").getAsDouble());
        json.addProperty("insert_flood_per_s", Math.round(floodRate));
        json.addProperty("insert_flood_outlasted_reads", floodStillOn);
        System.out.printf(Locale.ROOT, "mesh bench: GET /info at %d clients, p50/p99: no inserts %.2f/%.1f ms; beside an insert flood of %.0f/s %.2f/%.1f ms%s%n",
                fewClients, quiet.get("info_p50_ms").getAsDouble(), quiet.get("info_p99_ms").getAsDouble(), floodRate,
                busy.get("info_p50_ms").getAsDouble(), busy.get("info_p99_ms").getAsDouble(), floodStillOn ? "" : " (the flood ended before the reads did)");
        awaitStorePutDrained();
    }

    private JsonObject info(int n, int seconds, String name) throws Exception {
        return BenchSupport.simulate(base.withScale(users, 0).withPhases(false, true)
                .withLoad(n, 0, Duration.ofSeconds(seconds)).withWarmup(Duration.ZERO), tmp(name));
    }

    private static Path tmp(String name) {
        return Path.of(System.getProperty("java.io.tmpdir"), "gorgon-meshbench-" + name + "-" + ProcessHandle.current().pid() + ".json");
    }
}
