package io.gorgon.roles.bench;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import io.gorgon.bus.Admin;
import io.gorgon.bus.redis.LocalRedis;
import io.gorgon.bus.testing.ChildJvm;
import io.gorgon.roles.cli.Gorgon;
import io.gorgon.simulator.FeedSimulation;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import redis.clients.jedis.RedisClient;

/**
 * {@code scripts/bench feeds} (issue 14): how many feeds one provider instance keeps fresh, at what CPU cost. The
 * mesh under {@code gorgon up} (embedded Redis and MongoDB, one instance of each role but stats, one provider), and
 * the feed simulation in this JVM with its own local feed server: N well-behaved feeds, a small share of them
 * publishing, the rest unchanged (a 304 on every poll). After every feed was polled once, a load window of
 * {@code --seconds}: polls/s, the provider's CPU per poll (utime + stime from /proc), the share of 304s, freshness
 * (entry published → item.added on a WebSocket, p50/p99) and polls per feed against followers; then the simulation's
 * check (every entry stored exactly once). Writes {@code target/bench/feeds.json}.
 *
 * <p>Usage: {@code FeedBench [--feeds N] [--users N] [--seconds N] [--changing SHARE] [--gap SECONDS]
 * [--max-interval MS] [--min-interval MS] [--pollers N] [--keep]}; defaults 10,000 feeds, 100 users (Zipf followers:
 * the top feed has 100), 60 s, 1% changing with an entry every 10 s on average, intervals 1-60 s, 64 pollers.
 */
public final class FeedBench {
    private static final String NS = "feedbench";

    private record Args(int feeds, int users, int seconds, double changing, int gap, long maxInterval, long minInterval,
                        int pollers, boolean keep) {
        static Args parse(String[] a) {
            int feeds = 10_000, users = 100, seconds = 60, gap = 10, pollers = 64;
            double changing = 0.01;
            long maxInterval = 60_000, minInterval = 1000;
            boolean keep = false;
            for (int i = 0; i < a.length; i++) {
                switch (a[i]) {
                    case "--feeds" -> feeds = Integer.parseInt(a[++i]);
                    case "--users" -> users = Integer.parseInt(a[++i]);
                    case "--seconds" -> seconds = Integer.parseInt(a[++i]);
                    case "--changing" -> changing = Double.parseDouble(a[++i]);
                    case "--gap" -> gap = Integer.parseInt(a[++i]);
                    case "--max-interval" -> maxInterval = Long.parseLong(a[++i]);
                    case "--min-interval" -> minInterval = Long.parseLong(a[++i]);
                    case "--pollers" -> pollers = Integer.parseInt(a[++i]);
                    case "--keep" -> keep = true;
                    default -> throw new IllegalArgumentException("unknown option " + a[i]);
                }
            }
            if (feeds < 1 || users < 1 || seconds < 1 || gap < 1 || pollers < 1 || minInterval < 1 || maxInterval < minInterval) {
                throw new IllegalArgumentException("need feeds, users, seconds, gap, pollers >= 1 and 1 <= min-interval <= max-interval");
            }
            // POST /feeds allows 1,000 feeds per user; the Zipf spread gives each user about feeds/users of them.
            if (feeds / users > 900) throw new IllegalArgumentException("--users must be at least feeds/900 (users follow at most 1,000 feeds)");
            return new Args(feeds, users, seconds, changing, gap, maxInterval, minInterval, pollers, keep);
        }
    }

    public static void main(String[] argv) throws Exception {
        Args args;
        try {
            args = Args.parse(argv);
        } catch (RuntimeException e) {
            System.err.println("feeds bench: " + e.getMessage());
            System.err.println("usage: scripts/bench feeds [--feeds N] [--users N] [--seconds N] [--changing SHARE] [--gap SECONDS] "
                    + "[--max-interval MS] [--min-interval MS] [--pollers N] [--keep]");
            System.exit(2);
            return;
        }
        System.exit(new FeedBench().run(args));
    }

    private final JsonObject json = new JsonObject();

    private int run(Args a) throws Exception {
        long started = System.nanoTime();
        Path dir = Files.createTempDirectory("gorgon-feedbench");
        int redisPort = LocalRedis.freePort();
        String redisUri = "redis://127.0.0.1:" + redisPort;
        Path config = dir.resolve("gorgon.json");
        Files.writeString(config, """
                {"namespace": "%s",
                 "redis": {"uri": "%s", "embedded": true, "dir": "%s"},
                 "mongo": {"uri": "mongodb://127.0.0.1:%d", "embedded": true, "dir": "%s"},
                 "instances": {"web": 1, "auth": 1, "app": 1, "store": 1, "provider": 1, "notify": 1, "stats": 0},
                 "web": {"port": %d}, "stats": {"port": %d}, "notify": {"port": %d},
                 "auth": {"pbkdf2Iterations": 1000, "loginAttemptsPerMinute": 100000, "registrationsPerMinute": 100000, "principalKey": "feed-bench-key"},
                 "provider": {"plugins": [], "feeds": {"allowPrivate": true, "minIntervalMs": %d, "maxIntervalMs": %d, "pollers": %d},
                              "webhooks": {"allowPrivate": true}},
                 "logs": {"dir": "%s"}}
                """.formatted(NS, redisUri, dir.resolve("redis"), LocalRedis.freePort(), dir.resolve("mongo"), LocalRedis.freePort(),
                LocalRedis.freePort(), LocalRedis.freePort(), a.minInterval(), a.maxInterval(), a.pollers(), dir.resolve("logs")));
        String busUri = BenchSupport.meshConfig(config).redis().busUri(); // with the generated password
        json.addProperty("cores", Runtime.getRuntime().availableProcessors());
        json.addProperty("load_before", BenchSupport.loadAverage());
        json.addProperty("java", System.getProperty("java.version"));
        json.addProperty("feeds", a.feeds());
        json.addProperty("users", a.users());
        json.addProperty("load_seconds", a.seconds());
        json.addProperty("changing_share", a.changing());
        json.addProperty("mean_gap_s", a.gap());
        json.addProperty("min_interval_ms", a.minInterval());
        json.addProperty("max_interval_ms", a.maxInterval());
        json.addProperty("pollers", a.pollers());
        json.addProperty("role_java_opts", System.getenv().getOrDefault("GORGON_ROLE_JAVA_OPTS", ""));
        System.out.printf(Locale.ROOT, "feeds bench: %d cores, load %s, feeds=%d users=%d changing=%.3f gap=%ds intervals %d-%d ms, dir %s%n",
                Runtime.getRuntime().availableProcessors(), BenchSupport.loadAverage(), a.feeds(), a.users(), a.changing(), a.gap(),
                a.minInterval(), a.maxInterval(), dir);

        ChildJvm up = ChildJvm.start(Gorgon.class, List.of("up", "--config", config.toString()), Map.of("GORGON_DETACHED", "1"),
                dir.resolve("up.log"));
        int exit = 0;
        try (RedisClient redis = BenchSupport.awaitRedis(busUri, up)) {
            Admin admin = Admin.connect(busUri, NS, Duration.ofSeconds(1), Duration.ofSeconds(3));
            Set<String> roles = Set.of("web", "auth", "app", "store", "provider", "notify");
            BenchSupport.awaitLive(admin, roles, up);
            System.out.println("feeds bench: every role is live");
            long provider = admin.instances().stream().filter(i -> i.role().equals("provider")).findFirst().orElseThrow().pid();

            // The provider's CPU is sampled every second so the load window's share can be cut out afterwards.
            TreeMap<Long, Long> cpu = new TreeMap<>();
            Thread sampler = Thread.ofPlatform().daemon().name("cpu-sampler").start(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    long t = ProcSampler.cpuTicks(provider);
                    synchronized (cpu) {
                        if (t >= 0) cpu.put(System.currentTimeMillis(), t);
                    }
                    try {
                        Thread.sleep(1000);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            FeedSimulation sim = new FeedSimulation(a.feeds(), a.users(), Duration.ofSeconds(a.seconds()), Duration.ofSeconds(a.gap()),
                    false, Duration.ofHours(1), Duration.ofSeconds(120), busUri, NS, true, a.changing());
            FeedSimulation.Report r = sim.execute(null, () -> false, prefixed());
            sampler.interrupt();
            record(r, cpu);
            if (!r.ok()) throw new IllegalStateException("the feed check failed: lost=" + r.lost() + " duplicates=" + r.duplicates());
        } catch (RuntimeException | AssertionError e) {
            System.err.println("feeds bench failed: " + e);
            exit = 1;
        } finally {
            System.out.println("feeds bench: stopping gorgon up");
            up.terminate(60);
            up.close();
        }
        json.addProperty("load_after", BenchSupport.loadAverage());
        json.addProperty("total_seconds", Math.round((System.nanoTime() - started) / 1e9));
        if (exit != 0) {
            System.err.println("feeds bench: logs kept in " + dir.resolve("logs"));
            return exit;
        }
        Path out = Path.of("target", "bench", "feeds.json");
        Files.createDirectories(out.getParent());
        Files.writeString(out, new GsonBuilder().setPrettyPrinting().create().toJson(json) + "\n", StandardCharsets.UTF_8);
        System.out.println(new GsonBuilder().setPrettyPrinting().create().toJson(json));
        System.out.println("wrote " + out);
        if (!a.keep()) BenchSupport.deleteTree(dir);
        return 0;
    }

    private void record(FeedSimulation.Report r, TreeMap<Long, Long> cpu) {
        double seconds = (r.loadEndMs() - r.loadStartMs()) / 1000.0;
        double cpuSeconds;
        synchronized (cpu) {
            var from = cpu.ceilingEntry(r.loadStartMs());
            var to = cpu.floorEntry(r.loadEndMs());
            if (from == null || to == null || to.getKey() <= from.getKey()) throw new IllegalStateException("no CPU samples of the provider");
            cpuSeconds = (to.getValue() - from.getValue()) / 100.0 * seconds / ((to.getKey() - from.getKey()) / 1000.0);
        }
        double pollsPerS = r.loadPolls() / seconds;
        json.addProperty("polls_per_s", round1(pollsPerS));
        json.addProperty("provider_cpu_pct_of_one_core", round1(100 * cpuSeconds / seconds));
        json.addProperty("provider_cpu_us_per_poll", Math.round(cpuSeconds * 1e6 / Math.max(1, r.loadPolls())));
        json.addProperty("share_304_pct", round1(100.0 * r.loadNotModified() / Math.max(1, r.loadPolls())));
        json.addProperty("freshness_p50_ms", r.freshnessP50Ms());
        json.addProperty("freshness_p99_ms", r.freshnessP99Ms());
        json.addProperty("freshness_max_ms", r.freshnessMaxMs());
        json.addProperty("entries_published", r.published());
        json.addProperty("entries_seen_on_socket", r.freshnessCount());
        json.addProperty("lost", r.lost());
        json.addProperty("duplicates", r.duplicates());
        // Polls per minute per feed against its followers: the policy's weighting (maxInterval / followers).
        JsonObject weighting = new JsonObject();
        r.pollsByFollowers().forEach((followers, b) -> {
            JsonObject o = new JsonObject();
            o.addProperty("feeds", (long) b[0]);
            o.addProperty("polls_per_feed_per_min", round1(b[1] * 60 / seconds));
            o.addProperty("policy_per_min", round1(60_000.0 / Math.max(json.get("min_interval_ms").getAsLong(),
                    json.get("max_interval_ms").getAsLong() / followers)));
            weighting.add(Integer.toString(followers), o);
        });
        json.add("polls_by_followers", weighting);
    }

    private static double round1(double v) {
        return Math.round(v * 10) / 10.0;
    }

    private static PrintStream prefixed() {
        return new PrintStream(System.out, true, StandardCharsets.UTF_8) {
            @Override
            public PrintStream printf(String format, Object... args) {
                super.print("  sim | " + String.format(Locale.ROOT, format, args));
                return this;
            }

            @Override
            public void println(String x) {
                super.println("  sim | " + x);
            }
        };
    }
}
