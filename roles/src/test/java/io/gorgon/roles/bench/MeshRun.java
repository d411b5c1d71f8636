package io.gorgon.roles.bench;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import io.gorgon.bus.Admin;
import io.gorgon.bus.redis.LocalRedis;
import io.gorgon.bus.testing.ChildJvm;
import io.gorgon.roles.cli.Gorgon;
import io.gorgon.roles.config.GorgonConfig;
import io.gorgon.simulator.SimulatorOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import redis.clients.jedis.UnifiedJedis;

/**
 * One run of the mesh scenario (issue 5): {@code gorgon up} with embedded Redis (one server, or a local Redis Cluster
 * of 3 primaries + 3 replicas) and MongoDB and one instance of every role, the provider inserting at its rate; seeded,
 * then loaded by the simulator while every process's CPU and memory are sampled, then the capacity model's check
 * ({@link ModelCheck}). The full run (plain {@code scripts/bench mesh}) adds latency at a few clients with the
 * per-hop breakdown, the probes with the provider off ({@link MeshProbes}) and the same read without the bus
 * ({@link DirectRun}). Results go into {@link #json()}.
 */
final class MeshRun {
    static final String NS = "bench";

    /** What the capacity table needs from a run. */
    record ModelInputs(Map<String, Double> cpuUsPerInfo, Map<String, Double> cpuUsPerInsert, String hotQueue, double hotShare,
                       double storeCeiling) {}

    private final MeshArgs a;
    private final boolean cluster;
    private final boolean full;
    private final JsonObject json = new JsonObject();
    private ModelInputs inputs;

    /**
     * @param cluster on the embedded 3+3 Redis Cluster instead of one redis-server
     * @param full    also the low-concurrency latency, the provider-off probes and the no-bus comparison
     */
    MeshRun(MeshArgs a, boolean cluster, boolean full) {
        this.a = a;
        this.cluster = cluster;
        this.full = full;
    }

    JsonObject json() {
        return json;
    }

    ModelInputs inputs() {
        return inputs;
    }

    /** Runs the scenario; returns 0, or 1 when it failed (logs kept in the returned json's {@code dir}). */
    int run() throws Exception {
        long started = System.nanoTime();
        Path dir = Files.createTempDirectory("gorgon-meshbench");
        int mongoPort = LocalRedis.freePort(), webPort = LocalRedis.freePort();
        String mongoUri = "mongodb://127.0.0.1:" + mongoPort;
        Path config = dir.resolve("gorgon.json");
        Files.writeString(config, """
                {"namespace": "%s",
                 "redis": %s,
                 "mongo": {"uri": "%s", "embedded": true, "dir": "%s"},
                 "instances": {"web": 1, "auth": 1, "app": 1, "store": 1, "provider": 1, "notify": 1, "stats": 1},
                 "web": {"port": %d}, "stats": {"port": %d}, "notify": {"port": %d},
                 "provider": {"ratePerSecond": %d},
                 "logs": {"dir": "%s"}}
                """.formatted(NS, redisConfig(dir.resolve("redis")), mongoUri, dir.resolve("mongo"), webPort,
                LocalRedis.freePort(), LocalRedis.freePort(), a.rate(), dir.resolve("logs")));
        GorgonConfig cfg = BenchSupport.meshConfig(config);
        String busUri = cfg.redis().busUri(); // with the generated password

        json.addProperty("topology", cluster ? "cluster of 3 primaries + 3 replicas, replicaAcks=" + a.replicaAcks() : "one redis-server");
        json.addProperty("cores", Runtime.getRuntime().availableProcessors());
        json.addProperty("load_before", BenchSupport.loadAverage());
        json.addProperty("java", System.getProperty("java.version"));
        json.addProperty("items", a.items());
        json.addProperty("users", a.users());
        json.addProperty("clients", a.clients());
        json.addProperty("load_seconds", a.seconds());
        json.addProperty("warmup_seconds", a.warmup());
        json.addProperty("provider_rate_per_s", a.rate());
        json.addProperty("role_java_opts", System.getenv().getOrDefault("GORGON_ROLE_JAVA_OPTS", ""));
        System.out.printf(Locale.ROOT, "mesh bench: %s; %d cores, load %s, items=%d users=%d clients=%d load=%ds (warm-up %ds) provider=%d/s, dir %s%n",
                json.get("topology").getAsString(), Runtime.getRuntime().availableProcessors(), BenchSupport.loadAverage(), a.items(), a.users(),
                a.clients(), a.seconds(), a.warmup(), a.rate(), dir);

        ChildJvm up = ChildJvm.start(Gorgon.class, List.of("up", "--config", config.toString()), Map.of("GORGON_DETACHED", "1"),
                dir.resolve("up.log"));
        int exit = 0;
        try (UnifiedJedis redis = BenchSupport.awaitTopology(busUri, up)) {
            Admin admin = Admin.connect(busUri, NS, Duration.ofSeconds(1), Duration.ofSeconds(3));
            BenchSupport.awaitLive(admin, Set.of("web", "auth", "app", "store", "provider", "notify", "stats"), up);
            System.out.println("mesh bench: every role is live");
            SimulatorOptions base = SimulatorOptions.defaults().withMesh(busUri, NS, mongoUri, cfg.mongo().database())
                    .withTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(900));
            Map<String, Double> perInsert = seed(base, redis, mongoUri, cfg, dir);
            if (!a.onlyIngest()) reads(base, redis, busUri, mongoUri, cfg, admin, up, perInsert, dir);
        } catch (RuntimeException | AssertionError e) {
            System.err.println("mesh bench failed: " + e);
            exit = 1;
        } finally {
            System.out.println("mesh bench: stopping gorgon up");
            up.terminate(60);
            up.close();
        }
        return finish(exit, dir, started);
    }

    private int finish(int exit, Path dir, long started) {
        json.addProperty("load_after", BenchSupport.loadAverage());
        json.addProperty("total_seconds", Math.round((System.nanoTime() - started) / 1e9));
        if (exit == 0 && !a.keep()) BenchSupport.deleteTree(dir);
        else if (exit == 0) System.out.println("mesh bench: kept " + dir);
        else System.err.println("mesh bench: logs kept in " + dir.resolve("logs"));
        return exit;
    }

    /** (c)-(f): the load, the model check, the latency at a few clients and the probes; the direct run last. */
    private void reads(SimulatorOptions base, UnifiedJedis redis, String busUri, String mongoUri, GorgonConfig cfg, Admin admin,
                       ChildJvm up, Map<String, Double> perInsert, Path dir) throws Exception {
        mainLoad(base, redis, busUri, up.pid(), perInsert, dir);
        if (cluster) json.add("queue_nodes", new GsonBuilder().create().toJsonTree(RedisNodes.queueNodes(admin)));
        Map<String, Double> warmReadsOnly = new ModelCheck(a, base, redis, up.pid(), dir).run(json, perInsert);
        if (full) lowConcurrency(base, redis, dir);
        String hotQueue = "?";
        double hotShare = 0;
        if (!cluster) { // MONITOR sees one server only
            MeshProbes probes = new MeshProbes(json, cfg, base, a.users(), Math.max(1, a.latencyClients()), a.clients());
            probes.providerOff();
            if (full) {
                probes.countCommands();
                probes.readsUnderInsertFlood(json.get("ingest_per_s").getAsDouble());
            }
            probes.countCommandsAtLoad();
            hotQueue = probes.hotQueue();
            hotShare = probes.hotShare();
            if (full && !a.onlyMesh()) DirectRun.run(a, cfg, redis, busUri, mongoUri, dir.resolve("direct.json"), json);
        }
        inputs = new ModelInputs(warmReadsOnly, perInsert, hotQueue, hotShare, json.get("store_bulk_ceiling_per_s").getAsDouble());
    }

    /** Waits (up to 2 minutes) until no queue's oldest waiting or unacknowledged entry is a second old; returns the seconds. */
    private static double awaitCaughtUp(GorgonConfig cfg) {
        long t0 = System.nanoTime();
        Admin admin = Admin.connect(cfg.redis().busUri(), cfg.namespace(), Duration.ofSeconds(1), Duration.ofSeconds(3));
        try {
            long deadline = t0 + Duration.ofMinutes(2).toNanos();
            while (System.nanoTime() < deadline && admin.queues().stream().anyMatch(q -> q.oldestAgeMs() >= 1000)) Thread.sleep(250);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Math.round((System.nanoTime() - t0) / 1e8) / 10.0;
    }

    /** The config's redis section: one embedded server, or an embedded cluster on six free loopback ports. */
    private String redisConfig(Path dir) {
        if (!cluster) return "{\"uri\": \"redis://127.0.0.1:%d\", \"embedded\": true, \"dir\": \"%s\"}".formatted(LocalRedis.freePort(), dir);
        List<String> nodes = new ArrayList<>();
        for (int i = 0; i < 6; i++) nodes.add("\"127.0.0.1:" + LocalRedis.freePort() + "\"");
        return "{\"mode\": \"cluster\", \"embedded\": true, \"dir\": \"%s\", \"replicaAcks\": %d, \"nodes\": [%s]}"
                .formatted(dir, a.replicaAcks(), String.join(", ", nodes));
    }

    /** Timed seeding rounds after the warm-up half, each followed by a measure of the store's own ceiling. */
    private static final int ROUNDS = 3;

    /**
     * (b) seeds users and items: half to warm the mesh up, then the rest in {@link #ROUNDS} timed rounds, each compared
     * with the store's own ceiling measured right after it; returns each process's CPU µs per insert in the rounds.
     */
    private Map<String, Double> seed(SimulatorOptions base, UnifiedJedis redis, String mongoUri, GorgonConfig cfg, Path dir) throws Exception {
        // The first half warms the mesh up. Right after start, eight JVMs compile their hot paths (C2 threads took a
        // third of the roles' CPU in the first two minutes) while the store also works off the provider's backlog of
        // its start: a rate timed then says more about start-up than about ingest, and the ceiling it is compared
        // with is measured warm. Its rate is reported too.
        int coldUsers = a.users() - a.users() / 2;
        long coldItems = a.items() - a.items() / 2;
        JsonObject cold = BenchSupport.simulate(base.withScale(coldUsers, coldItems).withPhases(true, false), dir.resolve("seed-cold.json"));
        double coldIngest = cold.get("ingest_per_s").getAsDouble();
        json.addProperty("ingest_cold_per_s", Math.round(coldIngest));
        json.addProperty("seed_cold_catch_up_seconds", awaitCaughtUp(cfg));
        // Then rounds, each followed by the ceiling: a slow stretch of this shared box then weighs on both sides of
        // the ratio, not on one. The figures are over all rounds (items over the seconds they took, on each side).
        int users = a.users() - coldUsers;
        long items = a.items() - coldItems;
        Map<String, Double> cpu = new TreeMap<>();
        double sampledSeconds = 0, catchUp = 0;
        double ingestSeconds = 0, ceilingItems = 0, ceilingSeconds = 0;
        com.google.gson.JsonArray rounds = new com.google.gson.JsonArray();
        for (int r = 0; r < ROUNDS; r++) {
            int u = Math.max(1, users / ROUNDS + (r < users % ROUNDS ? 1 : 0));
            long n = items / ROUNDS + (r < items % ROUNDS ? 1 : 0);
            // Sampled: CPU per insert of each process (the seeder's notes and the provider's, which runs meanwhile).
            ProcSampler procs = new ProcSampler(redis, NS);
            procs.begin();
            JsonObject seed = BenchSupport.simulate(base.withScale(u, n).withPhases(true, false), dir.resolve("seed-" + r + ".json"));
            procs.end();
            procs.cpuSeconds().forEach((k, v) -> cpu.merge(k, v, Double::sum));
            sampledSeconds += procs.seconds();
            // The ceiling right after, the provider still inserting as during the seeding. Not before the mesh has
            // caught up (notify, stats and the provider still reading the round's store_notify events): that work
            // would take the ceiling's CPU, and more of it the slower the mesh.
            catchUp = Math.max(catchUp, awaitCaughtUp(cfg));
            double ingest = seed.get("ingest_per_s").getAsDouble();
            int ceilingRound = (int) Math.max(5_000, Math.min(20_000, n));
            double ceiling = IngestCeiling.measure(mongoUri, cfg.mongo().database(), ceilingRound);
            if (n > 0) ingestSeconds += n / ingest;
            ceilingItems += ceilingRound;
            ceilingSeconds += ceilingRound / ceiling;
            JsonObject round = new JsonObject();
            round.addProperty("ingest_per_s", Math.round(ingest));
            round.addProperty("ceiling_per_s", Math.round(ceiling));
            round.addProperty("share", Math.round(100 * ingest / ceiling) / 100.0);
            rounds.add(round);
            System.out.printf(Locale.ROOT, "mesh bench: ingest round %d: %.0f/s through store_put, the store's own ceiling %.0f/s, share %.2f%n",
                    r + 1, ingest, ceiling, ingest / ceiling);
        }
        double inserts = items + a.rate() * sampledSeconds;
        Map<String, Double> perInsert = new TreeMap<>();
        cpu.forEach((k, v) -> perInsert.put(k, (double) Math.round(v * 1e6 / Math.max(1, inserts))));
        json.add("cpu_us_per_insert", new GsonBuilder().create().toJsonTree(perInsert));
        double ingest = ingestSeconds > 0 ? items / ingestSeconds : 0, ceiling = ceilingItems / ceilingSeconds, share = ingest / ceiling;
        json.addProperty("ingest_per_s", Math.round(ingest));
        json.addProperty("seed_catch_up_seconds", catchUp);
        json.addProperty("store_bulk_ceiling_per_s", Math.round(ceiling));
        json.addProperty("ingest_share_of_ceiling", Math.round(100 * share) / 100.0);
        json.addProperty("ingest_cold_share_of_ceiling", Math.round(100 * coldIngest / ceiling) / 100.0);
        json.add("ingest_rounds", rounds);
        System.out.printf(Locale.ROOT, "mesh bench: ingest through store_put %.0f/s (%d rounds; the first half, from a cold start: %.0f/s);"
                + " the embedded store's own bulk ceiling %.0f/s (no bus, after each round); share %.2f (cold %.2f)%n",
                ingest, ROUNDS, coldIngest, ceiling, share, coldIngest / ceiling);
        return perInsert;
    }

    /** (c) the mesh under load, every process sampled, and each Redis node's commands counted. */
    private void mainLoad(SimulatorOptions base, UnifiedJedis redis, String busUri, long supervisorPid, Map<String, Double> perInsert, Path dir)
            throws Exception {
        ProcSampler procs = new ProcSampler(redis, NS).also("supervisor", supervisorPid);
        Map<String, RedisNodes.Node> nodes0 = RedisNodes.snapshot(busUri);
        long selfTicks0 = ProcSampler.cpuTicks(ProcessHandle.current().pid());
        procs.begin();
        JsonObject mesh = BenchSupport.simulate(base.withScale(a.users(), 0).withPhases(false, true)
                .withLoad(a.clients(), 0, Duration.ofSeconds(a.seconds())).withWarmup(Duration.ofSeconds(a.warmup())),
                dir.resolve("load.json"));
        procs.end();
        Map<String, RedisNodes.Node> nodes1 = RedisNodes.snapshot(busUri);
        double selfCpuSeconds = (ProcSampler.cpuTicks(ProcessHandle.current().pid()) - selfTicks0) / 100.0;
        json.addProperty("info_per_s", Math.round(mesh.get("info_per_s").getAsDouble()));
        json.addProperty("info_p50_ms", mesh.get("info_p50_ms").getAsDouble());
        json.addProperty("info_p99_ms", mesh.get("info_p99_ms").getAsDouble());
        json.addProperty("info_errors", mesh.getAsJsonObject("info_errors").toString());
        Map<String, Double> rss = procs.peakRssMb();
        double maxRole = rss.entrySet().stream().filter(e -> !e.getKey().startsWith("redis") && !e.getKey().equals("mongo")
                && !e.getKey().equals("supervisor")).mapToDouble(Map.Entry::getValue).max().orElse(0);
        json.addProperty("max_role_rss_mb", maxRole);
        json.add("rss_mb", new GsonBuilder().create().toJsonTree(rss));
        Map<String, Double> cpu = new TreeMap<>(procs.cpuPercent());
        cpu.put("bench-jvm (simulator)", Math.round(1000 * selfCpuSeconds / a.seconds()) / 10.0);
        json.add("cpu_pct_of_one_core", new GsonBuilder().create().toJsonTree(cpu));
        // CPU per answered request over the whole load (warm-up included: info_ok counts every request), everything
        // the mesh ran (not the client, nor the supervisor): steadier than the rates on a shared machine.
        double requests = Math.max(1, mesh.get("info_ok").getAsDouble());
        Map<String, Double> perReq = new TreeMap<>();
        double total = 0;
        for (var e : procs.cpuSeconds().entrySet()) {
            double us = e.getValue() * 1e6 / requests;
            perReq.put(e.getKey(), (double) Math.round(us));
            if (!e.getKey().equals("supervisor")) total += us;
        }
        // The same, the provider's inserts during the load (its rate × the window) taken out at their CPU per insert.
        Map<String, Double> readsOnly = new TreeMap<>();
        double loadInserts = a.rate() * procs.seconds();
        procs.cpuSeconds().forEach((k, v) -> {
            if (!k.equals("supervisor")) {
                readsOnly.put(k, (double) Math.max(0, Math.round((v * 1e6 - perInsert.getOrDefault(k, 0.0) * loadInserts) / requests)));
            }
        });
        json.add("cpu_us_per_info_reads_only", new GsonBuilder().create().toJsonTree(readsOnly));
        json.addProperty("mesh_cpu_us_per_info_reads_only", Math.round(readsOnly.values().stream().mapToDouble(Double::doubleValue).sum()));
        System.out.println("mesh bench: CPU µs per insert " + perInsert + "; per GET /info without the inserts " + readsOnly);
        perReq.put("bench-jvm (simulator)", (double) Math.round(selfCpuSeconds * 1e6 / requests));
        json.add("cpu_us_per_info", new GsonBuilder().create().toJsonTree(perReq));
        json.addProperty("mesh_cpu_us_per_info", Math.round(total));
        json.addProperty("simulator_cpu_us_per_info", Math.round(selfCpuSeconds * 1e6 / requests));
        System.out.println("mesh bench: CPU µs per GET /info (incl. the provider's inserts and background) " + perReq + " total=" + Math.round(total));
        json.add("kernel_share_of_cpu_pct", new GsonBuilder().create().toJsonTree(procs.systemShare()));
        System.out.println("mesh bench: share of each process's CPU spent in the kernel (%) " + procs.systemShare());
        // Commands each Redis node processed over the whole load, per answered request (background included).
        JsonObject perNode = RedisNodes.delta(nodes0, nodes1, requests, perReq);
        json.add("redis_nodes_during_load", perNode);
        System.out.println("mesh bench: Redis commands per GET /info during the load (sent by clients, background included) " + perNode);
        json.addProperty("load_during_mesh", BenchSupport.loadAverage());
        System.out.println("mesh bench: peak RSS MB " + rss);
        System.out.println("mesh bench: CPU % of one core during the load " + cpu);
    }

    /**
     * Latency at low concurrency: with 64 closed-loop clients, Little's law ties p50 to 64 / throughput (3,000 req/s
     * means ~21 ms on average), so the p50 <= 3 ms can only be read at a few clients.
     */
    private void lowConcurrency(SimulatorOptions base, UnifiedJedis redis, Path dir) throws Exception {
        if (a.latencyClients() <= 0) return;
        long lowFrom = System.currentTimeMillis() + 5000; // after the warm-up
        JsonObject low = BenchSupport.simulate(base.withScale(a.users(), 0).withPhases(false, true)
                .withLoad(a.latencyClients(), 0, Duration.ofSeconds(20)).withWarmup(Duration.ofSeconds(5)), dir.resolve("low.json"));
        JsonObject hops = HopBreakdown.read(redis, NS, lowFrom, System.currentTimeMillis());
        json.add("low_hops", hops);
        System.out.print("mesh bench: per hop at " + a.latencyClients() + " clients (wait = enqueue to handler start)\n" + HopBreakdown.format(hops));
        json.addProperty("low_concurrency_clients", a.latencyClients());
        json.addProperty("low_info_per_s", Math.round(low.get("info_per_s").getAsDouble()));
        json.addProperty("low_info_p50_ms", low.get("info_p50_ms").getAsDouble());
        json.addProperty("low_info_p99_ms", low.get("info_p99_ms").getAsDouble());
    }
}
