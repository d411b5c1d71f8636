package io.gorgon.roles.bench;

import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.gorgon.bus.Admin;
import io.gorgon.bus.Ids;
import io.gorgon.bus.redis.LocalRedis;
import io.gorgon.bus.testing.Await;
import io.gorgon.protocol.Item;
import io.gorgon.roles.auth.TokenService;
import io.gorgon.roles.config.GorgonConfig;
import io.gorgon.roles.store.StoreService;
import io.gorgon.roles.supervisor.ControlClient;
import io.gorgon.roles.supervisor.Reply;
import io.gorgon.simulator.SimulatorOptions;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import redis.clients.jedis.UnifiedJedis;

/**
 * The mesh bench's step (d): every role scaled to 0, then the same {@code GET /info} served from this JVM with no bus
 * ({@link DirectInfoServer}), at the same concurrency and duration, with the same insert rate beside it, to show
 * what the bus costs. Results ({@code direct_info_*}) go into the bench's JSON.
 */
final class DirectRun {
    private DirectRun() {}

    static void run(MeshArgs a, GorgonConfig cfg, UnifiedJedis redis, String redisUri, String mongoUri, Path report, JsonObject json)
            throws Exception {
        Reply r = new ControlClient(cfg).send("scale", scaleAllToZero(), Duration.ofSeconds(30));
        if (!r.ok()) throw new IllegalStateException("scale to 0 failed: " + r.message());
        Admin admin = Admin.connect(redisUri, MeshRun.NS, Duration.ofSeconds(1), Duration.ofSeconds(3));
        Await.until(Duration.ofSeconds(60), () -> "roles stopped",
                () -> admin.instances().stream().noneMatch(i -> i.status().equals("live")));
        System.out.println("mesh bench: every role scaled to 0; serving GET /info from this JVM without the bus");
        int port = LocalRedis.freePort();
        try (MongoClient mongo = MongoClients.create(mongoUri)) {
            StoreService store = new StoreService(mongo.getDatabase(cfg.mongo().database()), redis,
                    new StoreService.Options(MeshRun.NS, cfg.store().recentCacheSize(), Duration.ZERO));
            TokenService tokens = new TokenService(redis, MeshRun.NS, Duration.ofHours(1));
            Ids ids = Ids.fromRedis(redis, MeshRun.NS);
            AtomicBoolean inserting = new AtomicBoolean(true);
            Thread inserter = Thread.ofPlatform().daemon().name("direct-inserter").start(() -> insertAtRate(store, ids, a.rate(), inserting));
            try (DirectInfoServer server = new DirectInfoServer(store, tokens, port).start()) {
                JsonObject d = BenchSupport.simulate(SimulatorOptions.defaults().withMesh(redisUri, MeshRun.NS, mongoUri, cfg.mongo().database())
                        .withScale(a.users(), 0).withPhases(false, true)
                        .withLoad(a.clients(), 0, Duration.ofSeconds(a.seconds())).withWarmup(Duration.ofSeconds(a.warmup()))
                        .withWebHosts(List.of(URI.create("http://127.0.0.1:" + port))), report);
                json.addProperty("direct_info_per_s", Math.round(d.get("info_per_s").getAsDouble()));
                json.addProperty("direct_info_p50_ms", d.get("info_p50_ms").getAsDouble());
                json.addProperty("direct_info_p99_ms", d.get("info_p99_ms").getAsDouble());
                json.addProperty("load_during_direct", BenchSupport.loadAverage());
            } finally {
                inserting.set(false);
                inserter.join();
            }
        }
    }

    /** What the provider does, minus the bus: {@code rate} random notes per second, in 10 ms ticks, written through. */
    private static void insertAtRate(StoreService store, Ids ids, int rate, AtomicBoolean running) {
        double credit = 0;
        long tick = System.nanoTime();
        while (running.get()) {
            credit += rate / 100.0;
            List<Item> batch = new ArrayList<>();
            for (; credit >= 1; credit--) {
                ThreadLocalRandom r = ThreadLocalRandom.current();
                long id = ids.next();
                batch.add(new Item(id, 1 + r.nextInt(1000), "direct note " + id, "a note written without the bus", null,
                        System.currentTimeMillis(), new JsonPrimitive("here"), List.of("direct"), new JsonObject()));
            }
            if (!batch.isEmpty()) store.putAll(batch);
            tick += 10_000_000L;
            long wait = tick - System.nanoTime();
            if (wait > 0) {
                try {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private static JsonObject scaleAllToZero() {
        JsonObject counts = new JsonObject();
        for (String role : List.of("web", "auth", "app", "store", "provider", "notify", "stats")) counts.addProperty(role, 0);
        JsonObject args = new JsonObject();
        args.add("counts", counts);
        return args;
    }
}
