package io.gorgon.bus.bench;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import io.gorgon.bus.Bus;
import io.gorgon.bus.BusOptions;
import io.gorgon.bus.ConsumerOptions;
import io.gorgon.bus.DeliveryOptions;
import io.gorgon.bus.redis.LocalRedis;
import io.gorgon.bus.testing.RedisCommandCount;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.util.KeyValue;

/**
 * {@code scripts/bench bus}: the bus's throughput and latency against a fresh local redis-server, in one process.
 * Redis runs without AOF or snapshots, so the numbers are the bus's (and Redis's) and not the disk's.
 *
 * <ol type="a">
 *   <li>one-way: 1 producer bus, 2 consumer bus instances; messages processed per second,</li>
 *   <li>paced 1,000 msg/s: end-to-end latency from the intended send time to the handler (coordinated omission:
 *       a late send still counts from when it should have left),</li>
 *   <li>request/reply against 2 responder instances at concurrency 1 and 64,</li>
 *   <li>the same round trip as bare Jedis LPUSH + BRPOP: the ceiling.</li>
 * </ol>
 * Writes {@code target/bench/bus.json}. Usage: {@code BusBench [--seconds N] [--only oneway|paced|rr|raw]} (measured
 * seconds per scenario, default 10; {@code --only} runs one scenario, for profiling, and writes only its keys).
 */
public final class BusBench {
    private static final String NS = "bench";
    private static final double MS = 1000.0;

    private final int seconds;
    private final String only;
    private final LocalRedis redis;
    private final List<Bus> buses = new ArrayList<>();
    private final JsonObject json = new JsonObject();
    private final List<String[]> rows = new ArrayList<>();

    /** A typical small body: what a role sends (bound by Gson like any role's record). */
    public record Ping(long n, long t, String text) {}

    private BusBench(int seconds, String only, LocalRedis redis) {
        this.seconds = seconds;
        this.only = only;
        this.redis = redis;
    }

    public static void main(String[] args) throws Exception {
        int seconds = 10;
        String only = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--seconds") && i + 1 < args.length && args[i + 1].matches("[1-9][0-9]{0,3}")) {
                seconds = Integer.parseInt(args[++i]);
            } else if (args[i].equals("--only") && i + 1 < args.length && args[i + 1].matches("oneway|paced|rr|raw|hops")) {
                only = args[++i];
            } else {
                System.err.println("usage: scripts/bench bus [--seconds N] [--only oneway|paced|rr|raw|hops]");
                System.exit(2);
            }
        }
        String[] loadBefore = loadAverage();
        // Redis logs every command slower than 1 ms: a stall there delays every client at once.
        LocalRedis redis = LocalRedis.builder().appendOnly(false).arg("--slowlog-log-slower-than", "1000").arg("--slowlog-max-len", "1000")
                .build().start();
        BusBench b = new BusBench(seconds, only, redis);
        int code = 0;
        try {
            b.run(loadBefore);
        } catch (Exception e) {
            System.err.println("bench failed: " + e);
            e.printStackTrace();
            code = 1;
        } finally {
            b.closeBuses();
            redis.close();
        }
        System.exit(code);
    }

    private void run(String[] loadBefore) throws Exception {
        long started = System.nanoTime();
        json.addProperty("cores", Runtime.getRuntime().availableProcessors());
        json.addProperty("load_before", String.join(" ", loadBefore));
        json.addProperty("java", System.getProperty("java.version"));
        try (Jedis j = jedis()) {
            json.addProperty("redis_version", j.info("server").lines().filter(l -> l.startsWith("redis_version:"))
                    .map(l -> l.substring("redis_version:".length()).trim()).findFirst().orElse("?"));
        }
        json.addProperty("redis_persistence", "none (no AOF, no RDB): measures the bus, not the disk");
        json.addProperty("seconds_per_scenario", seconds);
        json.addProperty("warmup_seconds_per_scenario", Math.max(2, seconds / 3));
        System.out.printf(Locale.ROOT, "bus bench: %d cores, load %s, redis %s (no AOF), %d s per scenario%n",
                Runtime.getRuntime().availableProcessors(), String.join(" ", loadBefore),
                json.get("redis_version").getAsString(), seconds);

        if (runs("oneway")) oneWay();
        if (runs("paced")) paced();
        if (runs("rr")) requestReply();
        if (runs("raw")) rawRequestReply();
        if (runs("hops")) hops();

        String[] loadAfter = loadAverage();
        json.addProperty("load_after", String.join(" ", loadAfter));
        json.addProperty("total_seconds", Math.round((System.nanoTime() - started) / 1e9));
        slowCommands();
        printTable(loadAfter);
        Path out = Path.of("target", "bench", "bus.json");
        Files.createDirectories(out.getParent());
        Files.writeString(out, new GsonBuilder().setPrettyPrinting().create().toJson(json) + "\n", StandardCharsets.UTF_8);
        System.out.println("wrote " + out.toAbsolutePath());
    }

    // ---- (a) one-way throughput ----

    private void oneWay() throws Exception {
        String queue = "bench.oneway";
        Bus producer = bus("bench-producer");
        LongAdder processed = new LongAdder();
        for (int i = 0; i < 2; i++) {
            bus("bench-worker").consume(queue, ConsumerOptions.defaults(), m -> processed.increment());
        }
        // The producer keeps a bounded number of sends in flight and a bounded backlog in the stream: it measures
        // what the consumers sustain, not how long a queue can grow.
        Semaphore inFlight = new Semaphore(4096);
        LongAdder sent = new LongAdder();
        AtomicBoolean stop = new AtomicBoolean();
        Thread t = Thread.ofPlatform().name("bench-producer").start(() -> {
            long n = 0;
            while (!stop.get()) {
                if (sent.sum() - processed.sum() > 50_000) {
                    LockSupport.parkNanos(100_000);
                    continue;
                }
                inFlight.acquireUninterruptibly();
                producer.sendAsync(queue, "bench.ping", new Ping(n++, System.nanoTime(), "hello"))
                        .whenComplete((v, e) -> {
                            inFlight.release();
                            if (e == null) sent.increment();
                        });
            }
        });
        sleep(Math.max(2, seconds / 3)); // warm-up: JIT, connections, batch sizes settle
        long p0 = processed.sum();
        long t0 = System.nanoTime();
        Cpu cpu0 = cpu();
        sleep(seconds);
        long p1 = processed.sum();
        long t1 = System.nanoTime();
        cpuUsed("oneway", cpu0, p1 - p0);
        stop.set(true);
        t.join();
        double rate = (p1 - p0) / ((t1 - t0) / 1e9);
        json.addProperty("oneway_per_s", Math.round(rate));
        json.addProperty("oneway_messages", p1 - p0);
        rows.add(row("(a) one-way, 1 producer, 2 consumers", fmt(rate, "/s"), "≥ 25000/s", rate / 25_000, ""));
        await(() -> processed.sum() >= sent.sum(), 30); // drain the backlog before the latency runs
    }

    // ---- (b) paced end-to-end latency ----

    private void paced() throws Exception {
        String queue = "bench.paced";
        Bus producer = bus("bench-producer");
        Recorder recorder = new Recorder(3);
        // Where the tail comes from: the pacer's own lateness (intended → sendAsync), the producer's write (sendAsync →
        // XADD answered) and the delivery (sendAsync → handler), each a histogram of its own.
        Recorder late = new Recorder(3), written = new Recorder(3), delivered = new Recorder(3);
        LongAdder received = new LongAdder();
        for (int i = 0; i < 2; i++) {
            bus("bench-worker").consume(queue, ConsumerOptions.defaults(), m -> {
                Paced p = m.body(Paced.class);
                long now = System.nanoTime();
                recorder.recordValue(Math.max(1, (now - p.t()) / 1000));
                delivered.recordValue(Math.max(1, (now - p.s()) / 1000));
                received.increment();
            });
        }
        int rate = 1000;
        long warm = pace(producer, queue, rate, Math.max(2, seconds / 3), late, written);
        await(() -> received.sum() >= warm, 30);
        recorder.reset();
        late.reset();
        written.reset();
        delivered.reset();
        Cpu cpu0 = cpu();
        long sentCount = pace(producer, queue, rate, seconds, late, written);
        cpuUsed("paced", cpu0, sentCount);
        await(() -> received.sum() >= warm + sentCount, 30);
        Histogram h = recorder.getIntervalHistogram();
        Histogram hl = late.getIntervalHistogram(), hw = written.getIntervalHistogram(), hd = delivered.getIntervalHistogram();
        json.addProperty("paced_pacer_late_p99_ms", round3(hl.getValueAtPercentile(99) / MS));
        json.addProperty("paced_write_p99_ms", round3(hw.getValueAtPercentile(99) / MS));
        json.addProperty("paced_delivery_p99_ms", round3(hd.getValueAtPercentile(99) / MS));
        json.addProperty("paced_delivery_p50_ms", round3(hd.getValueAtPercentile(50) / MS));
        System.out.printf(java.util.Locale.ROOT, "paced: p50/p99 ms — pacer late %.3f/%.3f, sendAsync→XADD answered %.3f/%.3f, sendAsync→handler %.3f/%.3f%n",
                hl.getValueAtPercentile(50) / MS, hl.getValueAtPercentile(99) / MS, hw.getValueAtPercentile(50) / MS, hw.getValueAtPercentile(99) / MS,
                hd.getValueAtPercentile(50) / MS, hd.getValueAtPercentile(99) / MS);
        double p50 = h.getValueAtPercentile(50) / MS;
        double p99 = h.getValueAtPercentile(99) / MS;
        json.addProperty("paced_p50_ms", round3(p50));
        json.addProperty("paced_p99_ms", round3(p99));
        json.addProperty("paced_max_ms", round3(h.getMaxValue() / MS));
        json.addProperty("paced_messages", h.getTotalCount());
        rows.add(row("(b) paced 1000/s end-to-end p50", fmt(p50, " ms"), "≤ 0.5 ms", 0.5 / p50, ""));
        rows.add(row("(b) paced 1000/s end-to-end p99", fmt(p99, " ms"), "≤ 2 ms", 2.0 / p99, ""));
    }

    /** Sends at a fixed rate for the given seconds; each message carries its intended send time. */
    private static long pace(Bus producer, String queue, int perSecond, int secs, Recorder late, Recorder written) {
        long interval = TimeUnit.SECONDS.toNanos(1) / perSecond;
        long total = (long) perSecond * secs;
        long start = System.nanoTime();
        for (long i = 0; i < total; i++) {
            long intended = start + i * interval;
            long wait;
            while ((wait = intended - System.nanoTime()) > 0) LockSupport.parkNanos(wait);
            long sent = System.nanoTime();
            late.recordValue(Math.max(1, (sent - intended) / 1000));
            producer.sendAsync(queue, "bench.ping", new Paced(i, intended, sent, "hello"))
                    .whenComplete((ok, err) -> written.recordValue(Math.max(1, (System.nanoTime() - sent) / 1000)));
        }
        return total;
    }

    /** A paced message: its intended send time {@code t} and when it was actually handed to the bus {@code s} (nanoTime). */
    public record Paced(long n, long t, long s, String text) {}

    // ---- (c) request/reply over the bus ----

    private void requestReply() throws Exception {
        String queue = "bench.rr";
        Bus requester = bus("bench-client");
        for (int i = 0; i < 2; i++) {
            bus("bench-echo").consume(queue, ConsumerOptions.defaults(), m -> m.reply(m.body()));
        }
        RoundTrip busTrip = n -> Bus.join(requester.request(queue, "bench.echo", new Ping(n, 0, "hello"), Duration.ofSeconds(5)));
        Result c1 = closedLoop("rr_c1", busTrip, 1);
        Result c64 = closedLoop("rr_c64", busTrip, 64);
        json.addProperty("rr_c1_p50_ms", round3(c1.p50()));
        json.addProperty("rr_c1_p99_ms", round3(c1.p99()));
        json.addProperty("rr_c1_per_s", Math.round(c1.perSecond()));
        json.addProperty("rr_c64_per_s", Math.round(c64.perSecond()));
        json.addProperty("rr_c64_p50_ms", round3(c64.p50()));
        json.addProperty("rr_c64_p99_ms", round3(c64.p99()));
    }

    // ---- (e) the mesh's GET /info path: web -> auth -> app -> store -> web, as the roles use the bus ----

    /** What the store answers to GET /info: 20 cached items' JSON (about 4 KB). */
    private static final String INFO_REPLY;
    static {
        StringBuilder b = new StringBuilder("{\"items\":[");
        for (int i = 0; i < 20; i++) {
            if (i > 0) b.append(',');
            b.append("{\"id\":\"").append(1_000_000 + i).append("\",\"userid\":\"42\",\"title\":\"a note number ").append(i)
                    .append("\",\"body\":\"some text that a provider wrote about something, of a typical length\",\"url\":null,")
                    .append("\"ts\":1764500000000,\"where\":\"here\",\"tags\":[\"random\",\"bench\"],\"extra\":{}}");
        }
        INFO_REPLY = b.append("]}").toString();
    }

    /**
     * Three hops like GET /info: auth forwards with a principal header, app forwards, store replies with its cached
     * JSON (as text) and web takes the reply as text. Closed loop at 1 and 4 requesters; then 3 s at 1 requester
     * under MONITOR to count the commands clients send per request (a script call is one; INFO's total counts each
     * command a script runs, too).
     */
    private void hops() throws Exception {
        bus("bench-auth").consume("bench.auth_get", ConsumerOptions.defaults(),
                m -> m.forward("bench.app_get", "app.info", m.body(), Map.of("principal", "42")));
        bus("bench-app").consume("bench.app_get", ConsumerOptions.defaults(), m -> m.forward("bench.store_get", "store.info", m.body(), Map.of()));
        bus("bench-store").consume("bench.store_get", ConsumerOptions.defaults(), m -> m.replyJson(INFO_REPLY));
        Bus web = bus("bench-web");
        RoundTrip trip = n -> Bus.join(web.requestJson("bench.auth_get", "app.info", new Ping(n, 0, "info"), DeliveryOptions.DEFAULT.withTimeout(Duration.ofSeconds(5))));
        Result c1 = closedLoop("hops_c1", trip, 1);
        Result c4 = closedLoop("hops_c4", trip, 4);
        json.addProperty("hops_c1_p50_ms", round3(c1.p50()));
        json.addProperty("hops_c1_p99_ms", round3(c1.p99()));
        json.addProperty("hops_c4_per_s", Math.round(c4.perSecond()));
        json.addProperty("hops_c4_p50_ms", round3(c4.p50()));
        json.addProperty("hops_c4_p99_ms", round3(c4.p99()));
        RedisCommandCount count = new RedisCommandCount(redis.uri());
        long n = 0, until = System.nanoTime() + 3_000_000_000L;
        while (System.nanoTime() < until) trip.call(n++);
        final long requests = n;
        Map<String, Long> counted = count.stop().client();
        double total = counted.values().stream().mapToLong(Long::longValue).sum() / (double) Math.max(1, requests);
        json.addProperty("hops_redis_cmds_sent_per_request", Math.round(total * 100) / 100.0);
        JsonObject by = new JsonObject();
        counted.forEach((k, v) -> by.addProperty(k, Math.round(v * 100.0 / Math.max(1, requests)) / 100.0));
        json.add("hops_redis_cmds_sent_by_command", by);
        System.out.printf(Locale.ROOT, "bus bench: hops: c1 p50 %.3f ms, c4 %.0f/s p50 %.3f ms; Redis commands sent per request %.2f %s%n",
                c1.p50(), c4.perSecond(), c4.p50(), total, by);
    }

    // ---- (d) the same round trip as bare Redis commands ----

    private void rawRequestReply() throws Exception {
        String requests = NS + ":raw:req";
        String body = EnvelopeSized.BODY;
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> responders = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            responders.add(Thread.ofPlatform().name("raw-responder-" + i).start(() -> {
                try (Jedis j = jedis()) {
                    while (!stop.get()) {
                        KeyValue<String, String> r = j.brpop(0.2, requests);
                        if (r == null) continue;
                        String v = r.getValue();
                        int bar = v.indexOf('|');
                        j.lpush(v.substring(0, bar), v.substring(bar + 1));
                    }
                }
            }));
        }
        ThreadLocal<Jedis> conn = ThreadLocal.withInitial(this::jedis);
        List<Jedis> opened = java.util.Collections.synchronizedList(new ArrayList<>());
        RoundTrip rawTrip = n -> {
            Jedis j = conn.get();
            if (!opened.contains(j)) opened.add(j);
            String replyKey = NS + ":raw:rep:" + Thread.currentThread().threadId();
            j.lpush(requests, replyKey + "|" + body);
            return j.brpop(5.0, replyKey);
        };
        try {
            Result c1 = closedLoop("raw_rr_c1", rawTrip, 1);
            Result c64 = closedLoop("raw_rr_c64", rawTrip, 64);
            json.addProperty("raw_rr_c1_p50_ms", round3(c1.p50()));
            json.addProperty("raw_rr_c1_p99_ms", round3(c1.p99()));
            json.addProperty("raw_rr_c64_per_s", Math.round(c64.perSecond()));
            json.addProperty("raw_rr_c64_p99_ms", round3(c64.p99()));
        } finally {
            stop.set(true);
            for (Thread t : responders) t.join();
            for (Jedis j : opened) j.close();
        }
    }

    /** Sized like a bus request envelope, so the raw trip moves comparable bytes. */
    private static final class EnvelopeSized {
        static final String BODY = "{\"v\":1,\"id\":\"bench-client-abcdefgh.1a2b\",\"type\":\"bench.echo\",\"queue\":\"bench.rr\","
                + "\"ts\":1700000000000,\"replyTo\":\"bench:r:{bench-client-abcdefgh}\",\"corr\":\"bench-client-abcdefgh.1a2c\","
                + "\"deadline\":1700000005000,\"body\":{\"n\":1,\"t\":0,\"text\":\"hello\"}}";
    }

    // ---- closed-loop driver ----

    @FunctionalInterface
    private interface RoundTrip {
        Object call(long n) throws Exception;
    }

    private record Result(double perSecond, double p50, double p99) {}

    /** {@code concurrency} threads each doing round trips back to back: warm-up, then the measured window. */
    private Result closedLoop(String name, RoundTrip trip, int concurrency) throws Exception {
        Recorder recorder = new Recorder(3);
        LongAdder done = new LongAdder();
        LongAdder failed = new LongAdder();
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch finished = new CountDownLatch(concurrency);
        for (int i = 0; i < concurrency; i++) {
            Thread.ofPlatform().name("bench-requester-" + i).start(() -> {
                long n = 0;
                try {
                    while (!stop.get()) {
                        long s = System.nanoTime();
                        Object r = trip.call(n++);
                        if (r == null) {
                            failed.increment();
                            continue;
                        }
                        recorder.recordValue(Math.max(1, (System.nanoTime() - s) / 1000));
                        done.increment();
                    }
                } catch (Exception e) {
                    failed.increment();
                    System.err.println("round trip failed: " + e);
                } finally {
                    finished.countDown();
                }
            });
        }
        sleep(Math.max(2, seconds / 3));
        recorder.reset();
        long d0 = done.sum();
        long t0 = System.nanoTime();
        Cpu cpu0 = cpu();
        sleep(seconds);
        long d1 = done.sum();
        long t1 = System.nanoTime();
        cpuUsed(name, cpu0, d1 - d0);
        Histogram h = recorder.getIntervalHistogram();
        stop.set(true);
        finished.await(30, TimeUnit.SECONDS);
        if (failed.sum() > 0) throw new IllegalStateException(failed.sum() + " round trips failed at concurrency " + concurrency);
        return new Result((d1 - d0) / ((t1 - t0) / 1e9), h.getValueAtPercentile(50) / MS, h.getValueAtPercentile(99) / MS);
    }

    // ---- report ----

    private boolean runs(String scenario) {
        return only == null || only.equals(scenario);
    }

    private void printTable(String[] loadAfter) {
        if (runs("rr")) requestReplyRows();
        String f = "%-40s %12s %12s %8s   %s%n";
        System.out.println();
        System.out.printf(Locale.ROOT, f, "scenario", "result", "target", "vs tgt", "raw Redis (bus/raw)");
        for (String[] r : rows) System.out.printf(Locale.ROOT, f, (Object[]) r);
        StringBuilder cpu = new StringBuilder("per message or round trip, cpu µs jvm/redis, redis commands:");
        for (String k : List.of("oneway", "paced", "rr_c1", "rr_c64", "raw_rr_c1", "raw_rr_c64")) {
            JsonObject o = json.getAsJsonObject(k + "_cpu");
            if (o != null) cpu.append(' ').append(k).append(' ').append(o.get("jvm_us_per_op")).append('/').append(o.get("redis_us_per_op"))
                    .append(", ").append(o.get("redis_commands_per_op"));
        }
        System.out.println(cpu);
        System.out.println("vs tgt ≥ 1.00 meets the target; bus/raw: share of the bare LPUSH+BRPOP ceiling (1.00 = as fast as raw).");
        System.out.printf(Locale.ROOT, "load average before %s, after %s%n", json.get("load_before").getAsString(), String.join(" ", loadAfter));
    }

    private void requestReplyRows() {
        double c1 = json.get("rr_c1_p50_ms").getAsDouble();
        double c64 = json.get("rr_c64_per_s").getAsDouble();
        double c64p99 = json.get("rr_c64_p99_ms").getAsDouble();
        boolean raw = json.has("raw_rr_c1_p50_ms");
        String rawC1 = raw ? vsRaw(json.get("raw_rr_c1_p50_ms").getAsDouble(), " ms", json.get("raw_rr_c1_p50_ms").getAsDouble() / c1) : "";
        String rawC64 = raw ? vsRaw(json.get("raw_rr_c64_per_s").getAsDouble(), "/s", c64 / json.get("raw_rr_c64_per_s").getAsDouble()) : "";
        String rawP99 = raw ? vsRaw(json.get("raw_rr_c64_p99_ms").getAsDouble(), " ms", json.get("raw_rr_c64_p99_ms").getAsDouble() / c64p99) : "";
        rows.add(row("(c) request/reply c=1 p50", fmt(c1, " ms"), "≤ 0.3 ms", 0.3 / c1, rawC1));
        rows.add(row("(c) request/reply c=64", fmt(c64, "/s"), "≥ 20000/s", c64 / 20_000, rawC64));
        rows.add(row("(c) request/reply c=64 p99", fmt(c64p99, " ms"), "≤ 10 ms", 10 / c64p99, rawP99));
    }

    private static String vsRaw(double raw, String unit, double share) {
        return fmt(raw, unit) + String.format(Locale.ROOT, " (%.2f)", share);
    }

    private static String[] row(String name, String result, String target, double ratio, String raw) {
        return new String[] {name, result, target, String.format(Locale.ROOT, "%.2f", ratio), raw};
    }

    private static String fmt(double v, String unit) {
        return unit.equals("/s") ? String.format(Locale.ROOT, "%.0f%s", v, unit) : String.format(Locale.ROOT, "%.3f%s", v, unit);
    }

    private static double round3(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    /** Redis commands that took over 1 ms during the run, counted by command name, with the slowest. */
    private void slowCommands() {
        try (Jedis j = jedis()) {
            JsonObject slow = new JsonObject();
            var entries = j.slowlogGet(1000);
            java.util.Map<String, long[]> byCommand = new java.util.TreeMap<>();
            for (var e : entries) {
                String name = e.getArgs().isEmpty() ? "?" : e.getArgs().get(0).toLowerCase(Locale.ROOT);
                long[] a = byCommand.computeIfAbsent(name, k -> new long[2]);
                a[0]++;
                a[1] = Math.max(a[1], e.getExecutionTime());
            }
            byCommand.forEach((name, a) -> {
                JsonObject o = new JsonObject();
                o.addProperty("count", a[0]);
                o.addProperty("max_ms", round3(a[1] / MS));
                slow.add(name, o);
            });
            json.add("redis_commands_over_1ms", slow);
            if (!byCommand.isEmpty()) System.out.println("redis commands over 1 ms: " + slow);
        }
    }

    // ---- where the CPU went: this JVM (bench threads and buses) versus redis-server ----

    private record Cpu(long wallNanos, long jvmNanos, double redisSeconds, long redisCommands) {}

    private Cpu cpu() {
        long jvm = ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os ? os.getProcessCpuTime() : -1;
        double redisSecs = 0;
        long commands = 0;
        try (Jedis j = jedis()) {
            for (String l : (j.info("cpu") + "\n" + j.info("stats")).split("\r?\n")) {
                String v = l.substring(l.indexOf(':') + 1).trim();
                if (l.startsWith("used_cpu_sys:") || l.startsWith("used_cpu_user:")) redisSecs += Double.parseDouble(v);
                if (l.startsWith("total_commands_processed:")) commands = Long.parseLong(v);
            }
        }
        return new Cpu(System.nanoTime(), jvm, redisSecs, commands);
    }

    /** Records {@code <scenario>_cpu}: percent of one core used by this JVM and by redis-server, and CPU µs per operation. */
    private void cpuUsed(String scenario, Cpu from, long operations) {
        Cpu to = cpu();
        double wall = (to.wallNanos() - from.wallNanos()) / 1e9;
        double jvm = (to.jvmNanos() - from.jvmNanos()) / 1e9;
        double redisCpu = to.redisSeconds() - from.redisSeconds();
        JsonObject o = new JsonObject();
        o.addProperty("jvm_pct", Math.round(jvm / wall * 100));
        o.addProperty("redis_pct", Math.round(redisCpu / wall * 100));
        // CPU per message or round trip: steadier than rates when other work shares the machine.
        o.addProperty("jvm_us_per_op", Math.round(jvm * 1e6 / Math.max(1, operations) * 10) / 10.0);
        o.addProperty("redis_us_per_op", Math.round(redisCpu * 1e6 / Math.max(1, operations) * 10) / 10.0);
        o.addProperty("redis_commands_per_op", Math.round((to.redisCommands() - from.redisCommands()) * 100.0 / Math.max(1, operations)) / 100.0);
        json.add(scenario + "_cpu", o);
    }

    // ---- plumbing ----

    private Bus bus(String role) {
        Bus b = Bus.connect(BusOptions.of(redis.uri(), role).withNamespace(NS));
        buses.add(b);
        return b;
    }

    private void closeBuses() {
        for (Bus b : buses) {
            try {
                b.close(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                System.err.println("closing a bus failed: " + e);
            }
        }
        buses.clear();
    }

    /** A bare connection for the raw ceiling and for INFO. */
    private Jedis jedis() {
        return new Jedis(new HostAndPort("127.0.0.1", redis.port()), DefaultJedisClientConfig.builder().resp2().socketTimeoutMillis(10_000).build());
    }

    private static String[] loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return new String[] {f[0], f[1], f[2]};
        } catch (IOException | RuntimeException e) {
            return new String[] {String.format(Locale.ROOT, "%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage())};
        }
    }

    private static void await(java.util.function.BooleanSupplier done, int secs) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(secs);
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new IllegalStateException("bench: consumers did not catch up within " + secs + " s");
            LockSupport.parkNanos(1_000_000);
        }
    }

    private static void sleep(int secs) throws InterruptedException {
        Thread.sleep(TimeUnit.SECONDS.toMillis(secs));
    }
}
