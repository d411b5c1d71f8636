package io.gorgon.bus.bench;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import io.gorgon.bus.Bus;
import io.gorgon.bus.BusOptions;
import io.gorgon.bus.ConsumerOptions;
import io.gorgon.bus.redis.LocalCluster;
import io.gorgon.bus.redis.LocalRedis;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import redis.clients.jedis.Jedis;

/**
 * {@code scripts/bench bus --cluster}: the same two scenarios on one redis-server and on a local Redis Cluster of 3
 * primaries + 3 replicas, in one run: one-way sends over 6 queues (so they spread over the primaries) and
 * request/reply with 32 callers. Prints each rate, the cluster/single ratio, and the Redis commands each cluster
 * primary served (is the load spread?). Writes target/bench/bus-cluster.json. On 2 cores a cluster is not faster:
 * this measures what it costs.
 */
public final class ClusterBench {
    private static final int QUEUES = 6;
    private static final int WINDOW = 2000;
    private static final int CALLERS = 32;

    public static void main(String[] args) throws Exception {
        int seconds = 10;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--seconds") && i + 1 < args.length && args[i + 1].matches("[1-9][0-9]{0,3}")) {
                seconds = Integer.parseInt(args[++i]);
            } else if (!args[i].equals("--cluster")) {
                System.err.println("usage: scripts/bench bus --cluster [--seconds N]");
                System.exit(2);
            }
        }
        JsonObject json = new JsonObject();
        json.addProperty("cores", Runtime.getRuntime().availableProcessors());
        json.addProperty("seconds_per_scenario", seconds);
        Map<String, Double> single;
        try (LocalRedis r = LocalRedis.builder().build().start()) {
            single = scenarios(r.uri(), seconds);
        }
        Map<String, Double> cluster;
        Map<String, Long> perNode = new LinkedHashMap<>();
        try (LocalCluster c = LocalCluster.start()) {
            Map<String, Long> before = commandsPerPrimary(c);
            cluster = scenarios("redis+cluster://" + String.join(",", c.seeds()), seconds);
            commandsPerPrimary(c).forEach((node, n) -> perNode.put(node, n - before.getOrDefault(node, 0L)));
        }
        System.out.printf(Locale.ROOT, "bus bench --cluster: %d cores, %d s per scenario, cluster = 3 primaries + 3 replicas, no replica acks%n",
                Runtime.getRuntime().availableProcessors(), seconds);
        System.out.printf(Locale.ROOT, "  %-24s %14s %14s %8s%n", "scenario", "single redis", "cluster", "ratio");
        for (String k : single.keySet()) {
            double ratio = cluster.get(k) / single.get(k);
            System.out.printf(Locale.ROOT, "  %-24s %14.0f %14.0f %8.2f%n", k, single.get(k), cluster.get(k), ratio);
            JsonObject o = new JsonObject();
            o.addProperty("single_per_s", Math.round(single.get(k)));
            o.addProperty("cluster_per_s", Math.round(cluster.get(k)));
            o.addProperty("ratio", Math.round(ratio * 100) / 100.0);
            json.add(k, o);
        }
        long total = perNode.values().stream().mapToLong(Long::longValue).sum();
        JsonObject nodes = new JsonObject();
        System.out.println("  redis commands per cluster primary (both scenarios):");
        perNode.forEach((node, n) -> {
            System.out.printf(Locale.ROOT, "    %-18s %10d  %5.1f %%%n", node, n, 100.0 * n / Math.max(1, total));
            nodes.addProperty(node, n);
        });
        json.add("commands_per_primary", nodes);
        Path out = Path.of("target", "bench", "bus-cluster.json");
        Files.createDirectories(out.getParent());
        Files.writeString(out, new GsonBuilder().setPrettyPrinting().create().toJson(json) + "\n", StandardCharsets.UTF_8);
        System.out.println("wrote " + out.toAbsolutePath());
        System.exit(0);
    }

    private static Map<String, Double> scenarios(String uri, int seconds) throws Exception {
        Map<String, Double> out = new LinkedHashMap<>();
        List<Bus> buses = new ArrayList<>();
        try {
            Bus producer = connect(uri, "producer", buses);
            Bus worker = connect(uri, "worker", buses);
            LongAdder processed = new LongAdder();
            for (int q = 0; q < QUEUES; q++) worker.consume("bench.q" + q, ConsumerOptions.defaults(), m -> processed.increment());
            worker.consume("bench.echo", ConsumerOptions.defaults(), m -> m.reply(Map.of("ok", 1)));

            Semaphore window = new Semaphore(WINDOW);
            AtomicBoolean on = new AtomicBoolean(true);
            Thread load = Thread.ofPlatform().start(() -> {
                for (long i = 0; on.get(); i++) {
                    window.acquireUninterruptibly();
                    producer.sendAsync("bench.q" + (i % QUEUES), "x", Map.of("n", i)).whenComplete((v, e) -> window.release());
                }
            });
            out.put("oneway msg/s", rate(processed, seconds));
            on.set(false);
            load.join();

            LongAdder answered = new LongAdder();
            AtomicBoolean calling = new AtomicBoolean(true);
            List<Thread> callers = new ArrayList<>();
            for (int c = 0; c < CALLERS; c++) {
                callers.add(Thread.ofVirtual().start(() -> {
                    while (calling.get()) {
                        try {
                            producer.request("bench.echo", "x", Map.of(), Duration.ofSeconds(5)).join();
                            answered.increment();
                        } catch (RuntimeException e) {
                            // counted by its absence
                        }
                    }
                }));
            }
            out.put("request/reply rt/s", rate(answered, seconds));
            calling.set(false);
            for (Thread t : callers) t.join();
        } finally {
            for (Bus b : buses) b.close(Duration.ofSeconds(3));
        }
        return out;
    }

    /** Warm up a third of the time, then the rate over {@code seconds}. */
    private static double rate(LongAdder counter, int seconds) throws InterruptedException {
        Thread.sleep(Math.max(2, seconds / 3) * 1000L);
        long from = counter.sum(), t0 = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        return (counter.sum() - from) / ((System.nanoTime() - t0) / 1e9);
    }

    private static Bus connect(String uri, String role, List<Bus> buses) {
        Bus b = Bus.connect(BusOptions.of(uri, role).withNamespace("bench"));
        buses.add(b);
        return b;
    }

    private static Map<String, Long> commandsPerPrimary(LocalCluster c) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (LocalRedis r : c.nodes()) {
            try (Jedis j = new Jedis("127.0.0.1", r.port())) {
                if (!j.info("replication").contains("role:master")) continue;
                String stats = j.info("stats");
                long n = stats.lines().filter(l -> l.startsWith("total_commands_processed:"))
                        .mapToLong(l -> Long.parseLong(l.substring(l.indexOf(':') + 1).trim())).findFirst().orElse(0);
                out.put("127.0.0.1:" + r.port(), n);
            }
        }
        return out;
    }
}
