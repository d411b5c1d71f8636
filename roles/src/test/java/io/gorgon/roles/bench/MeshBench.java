package io.gorgon.roles.bench;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.gorgon.bus.Admin;
import io.gorgon.bus.Ids;
import io.gorgon.bus.redis.LocalRedis;
import io.gorgon.bus.testing.Await;
import io.gorgon.bus.testing.ChildJvm;
import io.gorgon.roles.auth.TokenService;
import io.gorgon.roles.cli.Gorgon;
import io.gorgon.roles.config.GorgonConfig;
import io.gorgon.protocol.Item;
import io.gorgon.roles.store.StoreService;
import io.gorgon.roles.supervisor.ControlClient;
import io.gorgon.roles.supervisor.Reply;
import io.gorgon.simulator.Simulator;
import io.gorgon.simulator.SimulatorOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import redis.clients.jedis.RedisClient;

/**
 * {@code scripts/bench mesh} (issue 5): the whole mesh on this machine — {@code gorgon up} with embedded Redis and
 * MongoDB and one instance of every role, the provider inserting at its rate — seeded and then loaded by the
 * simulator; then the same {@code GET /info/{uid}} served in this JVM straight from the store code, without the bus
 * ({@link DirectInfoServer}), at the same concurrency and duration and the same insert rate, to show what the bus
 * costs. Peak resident memory and CPU of every process are read from /proc during the mesh's load.
 *
 * <p>Writes {@code target/bench/mesh.json}. Usage: {@code MeshBench [--items N] [--users N] [--clients N]
 * [--seconds N] [--warmup N] [--rate N] [--latency-clients N] [--only-mesh] [--keep]}; defaults 1,000,000 items, 10,000 users, 64 clients,
 * 60 s of load of which the first 30 s are warm-up. The warm-up is long on purpose: on 2 cores, the C2 compiler
 * threads of the nine JVMs still took 35-54% of each role's CPU between 10 and 30 s into the load (perf). Then 20 s
 * at {@code --latency-clients} (default 4) closed-loop clients, for latency at low concurrency.
 */
public final class MeshBench {
    private static final String NS = "bench";

    private record Args(long items, int users, int clients, int seconds, int warmup, int rate, boolean onlyMesh, boolean keep,
                        int latencyClients) {
        static Args parse(String[] a) {
            long items = 1_000_000;
            int users = 10_000, clients = 64, seconds = 60, warmup = 30, rate = 1000;
            boolean onlyMesh = false, keep = false;
            int latencyClients = 4;
            for (int i = 0; i < a.length; i++) {
                String v = i + 1 < a.length ? a[i + 1] : null;
                switch (a[i]) {
                    case "--items" -> items = Long.parseLong(a[++i]);
                    case "--users" -> users = Integer.parseInt(a[++i]);
                    case "--clients" -> clients = Integer.parseInt(a[++i]);
                    case "--seconds" -> seconds = Integer.parseInt(a[++i]);
                    case "--warmup" -> warmup = Integer.parseInt(a[++i]);
                    case "--rate" -> rate = Integer.parseInt(a[++i]);
                    case "--only-mesh" -> onlyMesh = true;
                    case "--keep" -> keep = true;
                    case "--latency-clients" -> latencyClients = Integer.parseInt(a[++i]);
                    default -> throw new IllegalArgumentException("unknown option " + a[i] + (v == null ? "" : " " + v));
                }
            }
            if (items < 0 || users < 1 || clients < 1 || seconds <= warmup || warmup < 0 || rate < 0) {
                throw new IllegalArgumentException("need items >= 0, users >= 1, clients >= 1, seconds > warmup >= 0, rate >= 0");
            }
            return new Args(items, users, clients, seconds, warmup, rate, onlyMesh, keep, latencyClients);
        }
    }

    public static void main(String[] argv) throws Exception {
        Args args;
        try {
            args = Args.parse(argv);
        } catch (RuntimeException e) {
            System.err.println("mesh bench: " + e.getMessage());
            System.err.println("usage: scripts/bench mesh [--items N] [--users N] [--clients N] [--seconds N] [--warmup N] [--rate N] [--latency-clients N] [--only-mesh] [--keep]");
            System.exit(2);
            return;
        }
        System.exit(new MeshBench().run(args));
    }

    private final JsonObject json = new JsonObject();
    private final List<String[]> rows = new ArrayList<>();

    private int run(Args a) throws Exception {
        long started = System.nanoTime();
        Path dir = Files.createTempDirectory("gorgon-meshbench");
        int redisPort = LocalRedis.freePort(), mongoPort = LocalRedis.freePort(), webPort = LocalRedis.freePort();
        String redisUri = "redis://127.0.0.1:" + redisPort, mongoUri = "mongodb://127.0.0.1:" + mongoPort;
        Path config = dir.resolve("gorgon.json");
        Files.writeString(config, """
                {"namespace": "%s",
                 "redis": {"uri": "%s", "embedded": true, "dir": "%s"},
                 "mongo": {"uri": "%s", "embedded": true, "dir": "%s"},
                 "instances": {"web": 1, "auth": 1, "app": 1, "store": 1, "provider": 1, "notify": 1, "stats": 1},
                 "web": {"port": %d}, "stats": {"port": %d}, "notify": {"port": %d},
                 "provider": {"ratePerSecond": %d},
                 "logs": {"dir": "%s"}}
                """.formatted(NS, redisUri, dir.resolve("redis"), mongoUri, dir.resolve("mongo"), webPort,
                LocalRedis.freePort(), LocalRedis.freePort(), a.rate(), dir.resolve("logs")));
        GorgonConfig cfg = BenchSupport.meshConfig(config);
        String busUri = cfg.redis().busUri(); // with the generated password

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
        System.out.printf(Locale.ROOT, "mesh bench: %d cores, load %s, items=%d users=%d clients=%d load=%ds (warm-up %ds) provider=%d/s, dir %s%n",
                Runtime.getRuntime().availableProcessors(), BenchSupport.loadAverage(), a.items(), a.users(), a.clients(), a.seconds(),
                a.warmup(), a.rate(), dir);

        ChildJvm up = ChildJvm.start(Gorgon.class, List.of("up", "--config", config.toString()), Map.of("GORGON_DETACHED", "1"),
                dir.resolve("up.log"));
        int exit = 0;
        try (RedisClient redis = BenchSupport.awaitRedis(busUri, up)) {
            Admin admin = Admin.connect(busUri, NS, Duration.ofSeconds(1), Duration.ofSeconds(3));
            Set<String> roles = Set.of("web", "auth", "app", "store", "provider", "notify", "stats");
            BenchSupport.awaitLive(admin, roles, up);
            System.out.println("mesh bench: every role is live");

            // (b) seed
            SimulatorOptions base = SimulatorOptions.defaults().withMesh(busUri, NS, mongoUri, cfg.mongo().database())
                    .withTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(900));
            // Sampled: CPU per insert of each process (the seeder's notes and the provider's, which runs meanwhile).
            ProcSampler seedProcs = new ProcSampler(redis, NS);
            seedProcs.begin();
            JsonObject seed = simulate(base.withScale(a.users(), a.items()).withPhases(true, false), dir.resolve("seed.json"));
            seedProcs.end();
            double seedInserts = a.items() + a.rate() * seedProcs.seconds();
            Map<String, Double> perInsert = new java.util.TreeMap<>();
            seedProcs.cpuSeconds().forEach((k, v) -> perInsert.put(k, (double) Math.round(v * 1e6 / Math.max(1, seedInserts))));
            json.add("cpu_us_per_insert", new GsonBuilder().create().toJsonTree(perInsert));
            double ingest = seed.get("ingest_per_s").getAsDouble();
            json.addProperty("ingest_per_s", Math.round(ingest));
            // The embedded store's own ceiling, right after, the provider still inserting as during the seeding.
            double ceiling = IngestCeiling.measure(mongoUri, cfg.mongo().database(), (int) Math.max(5_000, Math.min(20_000, a.items() / 2)));
            json.addProperty("store_bulk_ceiling_per_s", Math.round(ceiling));
            json.addProperty("ingest_share_of_ceiling", Math.round(100 * ingest / ceiling) / 100.0);
            System.out.printf(Locale.ROOT, "mesh bench: ingest through store_put %.0f/s; the embedded store's own bulk ceiling %.0f/s (no bus); share %.2f%n",
                    ingest, ceiling, ingest / ceiling);

            // (c) the mesh under load, processes sampled
            ProcSampler procs = new ProcSampler(redis, NS);
            long selfTicks0 = ProcSampler.cpuTicks(ProcessHandle.current().pid());
            procs.begin();
            JsonObject mesh = simulate(base.withScale(a.users(), 0).withPhases(false, true)
                    .withLoad(a.clients(), 0, Duration.ofSeconds(a.seconds())).withWarmup(Duration.ofSeconds(a.warmup())),
                    dir.resolve("load.json"));
            procs.end();
            double selfCpuSeconds = (ProcSampler.cpuTicks(ProcessHandle.current().pid()) - selfTicks0) / 100.0;
            double selfCpu = selfCpuSeconds / a.seconds();
            json.addProperty("info_per_s", Math.round(mesh.get("info_per_s").getAsDouble()));
            json.addProperty("info_p50_ms", mesh.get("info_p50_ms").getAsDouble());
            json.addProperty("info_p99_ms", mesh.get("info_p99_ms").getAsDouble());
            json.addProperty("info_errors", mesh.getAsJsonObject("info_errors").toString());
            Map<String, Double> rss = procs.peakRssMb();
            double maxRole = rss.entrySet().stream().filter(e -> !e.getKey().equals("redis") && !e.getKey().equals("mongo"))
                    .mapToDouble(Map.Entry::getValue).max().orElse(0);
            json.addProperty("max_role_rss_mb", maxRole);
            json.add("rss_mb", new GsonBuilder().create().toJsonTree(rss));
            Map<String, Double> cpu = new java.util.TreeMap<>(procs.cpuPercent());
            cpu.put("bench-jvm (simulator)", Math.round(1000 * selfCpu) / 10.0);
            json.add("cpu_pct_of_one_core", new GsonBuilder().create().toJsonTree(cpu));
            // CPU per answered request over the whole load (warm-up included: info_ok counts every request), everything
            // the mesh ran (not the client): steadier than the rates on a shared machine.
            double requests = Math.max(1, mesh.get("info_ok").getAsDouble());
            Map<String, Double> perReq = new java.util.TreeMap<>();
            double total = 0;
            for (var e : procs.cpuSeconds().entrySet()) {
                double us = e.getValue() * 1e6 / requests;
                perReq.put(e.getKey(), (double) Math.round(us));
                total += us;
            }
            // The same, the provider's inserts during the load (its rate × the window) taken out at their CPU per insert.
            Map<String, Double> readsOnly = new java.util.TreeMap<>();
            double loadInserts = a.rate() * procs.seconds();
            procs.cpuSeconds().forEach((k, v) -> readsOnly.put(k,
                    (double) Math.max(0, Math.round((v * 1e6 - perInsert.getOrDefault(k, 0.0) * loadInserts) / requests))));
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
            json.addProperty("load_during_mesh", BenchSupport.loadAverage());
            System.out.println("mesh bench: peak RSS MB " + rss);
            System.out.println("mesh bench: CPU % of one core during the load " + cpu);
            Map<String, Double> warmReadsOnly = modelCheck(a, base, redis, perInsert, dir);

            // Latency at low concurrency: with 64 closed-loop clients, Little's law ties p50 to 64 / throughput (3,000
            // req/s means ~21 ms on average), so the p50 <= 3 ms can only be read at a few clients.
            if (a.latencyClients() > 0) {
                long lowFrom = System.currentTimeMillis() + 5000; // after the warm-up
                JsonObject low = simulate(base.withScale(a.users(), 0).withPhases(false, true)
                        .withLoad(a.latencyClients(), 0, Duration.ofSeconds(20)).withWarmup(Duration.ofSeconds(5)), dir.resolve("low.json"));
                JsonObject hops = HopBreakdown.read(redis, NS, lowFrom, System.currentTimeMillis());
                json.add("low_hops", hops);
                System.out.print("mesh bench: per hop at " + a.latencyClients() + " clients (wait = enqueue to handler start)\n" + HopBreakdown.format(hops));
                json.addProperty("low_concurrency_clients", a.latencyClients());
                json.addProperty("low_info_per_s", Math.round(low.get("info_per_s").getAsDouble()));
                json.addProperty("low_info_p50_ms", low.get("info_p50_ms").getAsDouble());
                json.addProperty("low_info_p99_ms", low.get("info_p99_ms").getAsDouble());
            }

            MeshProbes probes = new MeshProbes(json, cfg, base, a.users(), Math.max(1, a.latencyClients()), a.clients());
            probes.providerOff();
            probes.countCommands();
            probes.readsUnderInsertFlood(ingest);
            probes.countCommandsAtLoad();
            if (!a.onlyMesh()) direct(a, cfg, redis, busUri, mongoUri, dir.resolve("direct.json"));
            // The seed scenario's mix: the provider's 1,000 inserts/s beside the 3,000 GET /info/s the bench aims at.
            json.add("capacity", CapacityModel.table(warmReadsOnly, perInsert, probes.hotQueue(), probes.hotShare(), 1000.0 / 3000.0, ceiling));
        } catch (RuntimeException | AssertionError e) {
            System.err.println("mesh bench failed: " + e);
            exit = 1;
        } finally {
            System.out.println("mesh bench: stopping gorgon up");
            up.terminate(60);
            up.close();
        }
        json.addProperty("load_after", BenchSupport.loadAverage());
        json.addProperty("total_seconds", Math.round((System.nanoTime() - started) / 1e9));
        if (exit == 0) {
            table(a);
            Path out = Path.of("target", "bench", "mesh.json");
            Files.createDirectories(out.getParent());
            Files.writeString(out, new GsonBuilder().setPrettyPrinting().create().toJson(json) + "\n", StandardCharsets.UTF_8);
            System.out.println("wrote " + out);
            if (a.keep()) System.out.println("mesh bench: kept " + dir);
            else BenchSupport.deleteTree(dir);
        } else {
            System.err.println("mesh bench: logs kept in " + dir.resolve("logs"));
        }
        return exit;
    }

    /**
     * The capacity model's check on this box, with the JIT warm: a calibration load run gives the CPU per info
     * (clients included: they share the cores), which predicts the throughput of the next run at the same
     * concurrency from the CPU this mesh could get in it: the cores minus what other processes used meanwhile. On a
     * shared box that tests that the CPU per request is stable and the mesh CPU-bound. Returns the calibration run's
     * CPU per info of each process without the provider's inserts, for the capacity table.
     */
    private Map<String, Double> modelCheck(Args a, SimulatorOptions base, RedisClient redis, Map<String, Double> perInsert, Path dir)
            throws Exception {
        Duration length = Duration.ofSeconds(Math.max(10, (a.seconds() - a.warmup()) / 2));
        double[] calib = new double[4]; // requests, our CPU seconds, machine busy seconds, wall seconds
        Map<String, Double> cpu = loadSampled(a, base, redis, length, dir.resolve("calibrate.json"), calib);
        Map<String, Double> readsOnly = new java.util.TreeMap<>();
        cpu.forEach((k, v) -> readsOnly.put(k, (double) Math.max(0,
                Math.round((v * 1e6 - perInsert.getOrDefault(k, 0.0) * a.rate() * calib[3]) / calib[0]))));
        json.add("cpu_us_per_info_warm_reads_only", new GsonBuilder().create().toJsonTree(readsOnly));
        double[] run = new double[4];
        loadSampled(a, base, redis, length, dir.resolve("check.json"), run);
        json.add("model_check", CapacityModel.selfCheck(Runtime.getRuntime().availableProcessors(), run[2], run[1], run[3],
                calib[1] * 1e6 / calib[0], run[0] / run[3]));
        return readsOnly;
    }

    /** A load run at the full client count, every process's CPU sampled; {@code out} gets requests, our CPU s, machine busy s, wall s. */
    private static Map<String, Double> loadSampled(Args a, SimulatorOptions base, RedisClient redis, Duration length, Path report,
                                                   double[] out) throws Exception {
        ProcSampler procs = new ProcSampler(redis, NS);
        long self0 = ProcSampler.cpuTicks(ProcessHandle.current().pid());
        procs.begin();
        JsonObject run = simulate(base.withScale(a.users(), 0).withPhases(false, true)
                .withLoad(a.clients(), 0, length).withWarmup(Duration.ZERO), report);
        procs.end();
        Map<String, Double> cpu = procs.cpuSeconds();
        cpu.put("bench-jvm (simulator)", (ProcSampler.cpuTicks(ProcessHandle.current().pid()) - self0) / 100.0);
        out[0] = Math.max(1, run.get("info_ok").getAsDouble());
        out[1] = cpu.values().stream().mapToDouble(Double::doubleValue).sum();
        out[2] = procs.machineBusySeconds();
        out[3] = procs.seconds();
        return cpu;
    }

    /** (d) every role scaled to 0; the same read served from this JVM with no bus, the same insert rate beside it. */
    private void direct(Args a, GorgonConfig cfg, RedisClient redis, String redisUri, String mongoUri, Path report) throws Exception {
        Reply r = new ControlClient(cfg).send("scale", scaleAllToZero(), Duration.ofSeconds(30));
        if (!r.ok()) throw new IllegalStateException("scale to 0 failed: " + r.message());
        Admin admin = Admin.connect(redisUri, NS, Duration.ofSeconds(1), Duration.ofSeconds(3));
        Await.until(Duration.ofSeconds(60), () -> "roles stopped",
                () -> admin.instances().stream().noneMatch(i -> i.status().equals("live")));
        System.out.println("mesh bench: every role scaled to 0; serving GET /info from this JVM without the bus");
        int port = LocalRedis.freePort();
        try (MongoClient mongo = MongoClients.create(mongoUri)) {
            StoreService store = new StoreService(mongo.getDatabase(cfg.mongo().database()), redis,
                    new StoreService.Options(NS, cfg.store().recentCacheSize(), Duration.ZERO));
            TokenService tokens = new TokenService(redis, NS, Duration.ofHours(1));
            Ids ids = Ids.fromRedis(redis, NS);
            java.util.concurrent.atomic.AtomicBoolean inserting = new java.util.concurrent.atomic.AtomicBoolean(true);
            Thread inserter = Thread.ofPlatform().daemon().name("direct-inserter").start(() -> insertAtRate(store, ids, a.rate(), inserting));
            try (DirectInfoServer server = new DirectInfoServer(store, tokens, port).start()) {
                JsonObject d = simulate(SimulatorOptions.defaults().withMesh(redisUri, NS, mongoUri, cfg.mongo().database())
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
    private static void insertAtRate(StoreService store, Ids ids, int rate, java.util.concurrent.atomic.AtomicBoolean running) {
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

    /** Runs the simulator in this JVM, its output prefixed; returns its JSON report. */
    static JsonObject simulate(SimulatorOptions o, Path file) throws IOException {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8) {
            @Override
            public void println(String x) {
                super.println("  sim | " + x);
            }
        };
        int code = new Simulator().run(o.withReport(file), null, out);
        JsonObject json = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
        if (code != 0) throw new IllegalStateException("the simulator failed (exit " + code + "): " + json.get("failures"));
        return json;
    }

    private void table(Args a) {
        row("info_per_s", "≥ 3000", json, "info_per_s", 3000, true);
        row("info_p50_ms", "≤ 3", json, "info_p50_ms", 3, false);
        row("info_p99_ms", "≤ 20", json, "info_p99_ms", 20, false);
        row("ingest_per_s", "≥ 10000", json, "ingest_per_s", 10000, true);
        row("max_role_rss_mb", "≤ 256", json, "max_role_rss_mb", 256, false);
        if (json.has("low_info_p50_ms")) {
            String at = "(" + json.get("low_concurrency_clients").getAsInt() + " clients)";
            rows.add(new String[] {"low_info_per_s", fmt(json.get("low_info_per_s").getAsDouble()), at, ""});
            row("low_info_p50_ms", "≤ 3", json, "low_info_p50_ms", 3, false);
            row("low_info_p99_ms", "≤ 20", json, "low_info_p99_ms", 20, false);
        }
        if (json.has("redis_cmds_per_info")) row("redis_cmds_per_info", "≤ 8", json, "redis_cmds_per_info", 8, false);
        if (json.has("redis_cmds_per_info_at_load")) {
            rows.add(new String[] {"redis_cmds_at_load", fmt(json.get("redis_cmds_per_info_at_load").getAsDouble()),
                    "(" + a.clients() + " clients)", ""});
        }
        row("mesh_cpu_us_per_info", "≤ 1200", json, "mesh_cpu_us_per_info", 1200, false);
        rows.add(new String[] {"  … without inserts", fmt(json.get("mesh_cpu_us_per_info_reads_only").getAsDouble()), "", ""});
        row("ingest_share_of_ceiling", "≥ 0.8", json, "ingest_share_of_ceiling", 0.8, true);
        if (json.has("low_info_p50_ms_no_inserts")) {
            rows.add(new String[] {"low_p50_no_inserts", fmt(json.get("low_info_p50_ms_no_inserts").getAsDouble()), "(ms)", ""});
            rows.add(new String[] {"low_p50_insert_flood", fmt(json.get("low_info_p50_ms_insert_flood").getAsDouble()), "(ms)",
                    "flood/none " + ratio(json.get("low_info_p50_ms_insert_flood").getAsDouble(), json.get("low_info_p50_ms_no_inserts").getAsDouble())});
        }
        JsonObject check = json.getAsJsonObject("model_check");
        rows.add(new String[] {"model_predicted/s", fmt(check.get("predicted_info_per_s").getAsDouble()), "±25%",
                "measured " + fmt(check.get("measured_info_per_s").getAsDouble()) + (check.get("within_25pct").getAsBoolean() ? " ok" : " MISSED")});
        if (json.has("direct_info_per_s")) {
            json.addProperty("mesh_direct_ratio", Math.round(100 * json.get("info_per_s").getAsDouble() / json.get("direct_info_per_s").getAsDouble()) / 100.0);
            rows.add(new String[] {"direct_info_per_s", fmt(json.get("direct_info_per_s").getAsDouble()), "(no bus)",
                    "mesh/direct " + ratio(json.get("info_per_s").getAsDouble(), json.get("direct_info_per_s").getAsDouble())});
            rows.add(new String[] {"direct_info_p50_ms", fmt(json.get("direct_info_p50_ms").getAsDouble()), "(no bus)",
                    "mesh/direct " + ratio(json.get("info_p50_ms").getAsDouble(), json.get("direct_info_p50_ms").getAsDouble())});
            rows.add(new String[] {"direct_info_p99_ms", fmt(json.get("direct_info_p99_ms").getAsDouble()), "(no bus)",
                    "mesh/direct " + ratio(json.get("info_p99_ms").getAsDouble(), json.get("direct_info_p99_ms").getAsDouble())});
        }
        System.out.printf(Locale.ROOT, "%nmesh bench — %d cores, items=%d, clients=%d, %ds load (%ds warm-up), provider %d/s; load average %s%n",
                Runtime.getRuntime().availableProcessors(), a.items(), a.clients(), a.seconds(), a.warmup(), a.rate(), json.get("load_after").getAsString());
        System.out.printf("%-20s %12s %10s  %s%n", "metric", "value", "target", "ratio");
        for (String[] r : rows) System.out.printf("%-20s %12s %10s  %s%n", (Object[]) r);
    }

    private void row(String name, String target, JsonObject j, String key, double goal, boolean higherIsBetter) {
        double v = j.get(key).getAsDouble();
        double ratio = higherIsBetter ? v / goal : goal / Math.max(v, 1e-9);
        rows.add(new String[] {name, fmt(v), target, String.format(Locale.ROOT, "%.2f%s", ratio, ratio >= 1 ? " ok" : " MISSED")});
    }

    private static String fmt(double v) {
        return v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String ratio(double a, double b) {
        return b == 0 ? "-" : String.format(Locale.ROOT, "%.2f", a / b);
    }
}
