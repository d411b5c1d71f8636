package io.gorgon.bus.testing;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisMonitor;

/**
 * Counts the Redis commands issued during a window, two ways: what clients send (MONITOR lines; a script call is one
 * command) and everything Redis executes ({@code INFO commandstats}: also each command a script runs), with Redis's
 * own time spent in them. MONITOR costs Redis CPU, so a counting window measures counts, not latency.
 */
public final class RedisCommandCount implements AutoCloseable {
    /** Counts of one window. {@code client} by command name; {@code executed} and {@code usec} from commandstats. */
    public record Counts(Map<String, Long> client, Map<String, Long> executed, long usec, double seconds, Map<String, Long> executedOnKeys,
                         Map<String, Long> executedByFilter) {
        public long clientTotal() {
            return client.values().stream().mapToLong(Long::longValue).sum();
        }

        public long executedTotal() {
            return executed.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private final Jedis redis;
    private final Jedis monitor;
    private final Map<String, LongAdder> sent = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> onKeys = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> byFilter = new ConcurrentHashMap<>();
    private final List<String> keyFilter;
    private final Thread thread;
    private final long started = System.nanoTime();

    /** Resets commandstats and starts counting. */
    public RedisCommandCount(String uri) {
        this(uri, List.of());
    }

    /**
     * Counts only commands whose line names one of {@code keyFilter} (substrings of key names; empty = all), so the
     * count is a request path's own, whatever else runs meanwhile. With a filter, {@link Counts#executedOnKeys} also
     * counts the commands scripts run on those keys.
     */
    public RedisCommandCount(String uri, List<String> keyFilter) {
        this.keyFilter = List.copyOf(keyFilter);
        URI u = URI.create(uri);
        this.redis = new Jedis(u); // the URI's credentials too: an embedded Redis has a generated password
        redis.configResetStat();
        this.monitor = new Jedis(u);
        this.thread = Thread.ofPlatform().daemon().name("bench-monitor").start(() -> {
            try {
                monitor.monitor(new JedisMonitor() {
                    @Override
                    public void onCommand(String line) {
                        // 1700000000.123456 [0 127.0.0.1:1234] "xadd" …   — or [0 lua] for a script's own commands
                        int b = line.indexOf("] \"");
                        if (b < 0) return;
                        int end = line.indexOf('"', b + 3);
                        if (end < 0) return;
                        if (!keyFilter.isEmpty() && keyFilter.stream().noneMatch(line::contains)) return;
                        for (String f : keyFilter) if (line.contains(f)) byFilter.computeIfAbsent(f, x -> new LongAdder()).increment();
                        String name = line.substring(b + 3, end).toLowerCase(java.util.Locale.ROOT);
                        onKeys.computeIfAbsent(name, k -> new LongAdder()).increment();
                        if (line.regionMatches(b - 3, "lua", 0, 3)) return;
                        sent.computeIfAbsent(name, k -> new LongAdder()).increment();
                    }
                });
            } catch (RuntimeException closed) {
                // close() cut the connection: counting is over
            }
        });
        try {
            Thread.sleep(200); // MONITOR is in place before the counted window begins
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops counting and returns what was counted since the start. */
    public Counts stop() {
        double seconds = (System.nanoTime() - started) / 1e9;
        Map<String, Long> executed = new TreeMap<>();
        long usec = 0;
        for (String line : redis.info("commandstats").split("\r?\n")) {
            // cmdstat_xadd:calls=12,usec=80,usec_per_call=6.67,…
            if (!line.startsWith("cmdstat_")) continue;
            String name = line.substring(8, line.indexOf(':'));
            if (name.startsWith("info") || name.startsWith("config") || name.equals("monitor")) continue; // the bench's own
            long calls = 0, us = 0;
            for (String kv : line.substring(line.indexOf(':') + 1).split(",")) {
                if (kv.startsWith("calls=")) calls = Long.parseLong(kv.substring(6));
                if (kv.startsWith("usec=")) us = Long.parseLong(kv.substring(5));
            }
            executed.put(name, calls);
            usec += us;
        }
        close();
        Map<String, Long> c = new TreeMap<>();
        sent.forEach((k, v) -> {
            if (!k.equals("info") && !k.equals("config") && !k.equals("monitor")) c.put(k, v.sum());
        });
        Map<String, Long> k = new TreeMap<>();
        onKeys.forEach((name, v) -> k.put(name, v.sum()));
        Map<String, Long> f = new TreeMap<>();
        byFilter.forEach((name, v) -> f.put(name, v.sum()));
        return new Counts(c, executed, usec, seconds, k, f);
    }

    @Override
    public void close() {
        redis.close();
        try {
            monitor.getConnection().forceDisconnect();
        } catch (Exception ignored) {
            // already closed
        }
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Per-request counts: the load window minus the idle window's background, scaled to the load window's length. */
    public static Map<String, Double> perRequest(Map<String, Long> load, double loadSeconds, Map<String, Long> idle, double idleSeconds, double requests) {
        Map<String, Double> out = new TreeMap<>();
        load.forEach((k, v) -> {
            double bg = idle.getOrDefault(k, 0L) * loadSeconds / Math.max(idleSeconds, 1e-9);
            double per = (v - bg) / Math.max(1, requests);
            if (per >= 0.05) out.put(k, Math.round(per * 100) / 100.0);
        });
        return out;
    }
}
