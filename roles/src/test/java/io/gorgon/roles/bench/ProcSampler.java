package io.gorgon.roles.bench;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.gorgon.roles.supervisor.MeshState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import redis.clients.jedis.UnifiedJedis;

/**
 * Every process of a running {@code gorgon up} (role instances from the supervisor's status key, plus the embedded
 * redis and mongo), sampled from /proc: peak resident memory (VmRSS) and CPU time (utime + stime) between
 * {@link #begin()} and {@link #end()}.
 */
final class ProcSampler implements AutoCloseable {
    private static final double CLOCK_TICKS = 100.0; // USER_HZ on Linux

    private final UnifiedJedis redis;
    private final MeshState mesh;
    private final Map<String, Long> pids = new TreeMap<>();
    private final Map<String, Long> extra = new TreeMap<>();
    private final Map<String, Long> peakRssKb = new TreeMap<>();
    private final Map<String, Long> cpuTicksAtBegin = new LinkedHashMap<>();
    private final Map<String, Double> cpuSeconds = new TreeMap<>();
    private final Map<String, Long> sysTicksAtBegin = new LinkedHashMap<>();
    private final Map<String, Double> sysSeconds = new TreeMap<>();
    private volatile boolean running;
    private Thread thread;
    private long beganAt;
    private double seconds;
    private long machineBusyAtBegin, stealAtBegin;
    private double machineBusySeconds, stealSeconds;

    ProcSampler(UnifiedJedis redis, String namespace) {
        this.redis = redis;
        this.mesh = new MeshState(namespace);
    }

    void begin() {
        refreshPids();
        synchronized (this) {
            peakRssKb.clear();
            cpuTicksAtBegin.clear();
            cpuSeconds.clear();
            sysTicksAtBegin.clear();
            sysSeconds.clear();
            pids.forEach((name, pid) -> {
                cpuTicksAtBegin.put(name, cpuTicks(pid));
                sysTicksAtBegin.put(name, sysTicks(pid));
            });
        }
        beganAt = System.nanoTime();
        machineBusyAtBegin = machineBusyTicks();
        stealAtBegin = machineTicks(8);
        running = true;
        thread = Thread.ofPlatform().daemon().name("proc-sampler").start(() -> {
            while (running) {
                sampleRss();
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    void end() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join();
        seconds = (System.nanoTime() - beganAt) / 1e9;
        machineBusySeconds = (machineBusyTicks() - machineBusyAtBegin) / CLOCK_TICKS;
        stealSeconds = (machineTicks(8) - stealAtBegin) / CLOCK_TICKS;
        synchronized (this) {
            pids.forEach((name, pid) -> {
                Long t0 = cpuTicksAtBegin.get(name);
                long t1 = cpuTicks(pid);
                if (t0 != null && t0 >= 0 && t1 >= 0) cpuSeconds.put(name, (t1 - t0) / CLOCK_TICKS);
                Long s0 = sysTicksAtBegin.get(name);
                long s1 = sysTicks(pid);
                if (s0 != null && s0 >= 0 && s1 >= 0) sysSeconds.put(name, (s1 - s0) / CLOCK_TICKS);
            });
        }
    }

    /** Wall seconds between begin and end. */
    double seconds() {
        return seconds;
    }

    /** CPU seconds the whole machine was busy between begin and end (every process, this mesh's and others'). */
    double machineBusySeconds() {
        return machineBusySeconds;
    }

    /**
     * Of {@link #machineBusySeconds()}, the CPU seconds the hypervisor gave to other guests (steal): this VM's cores
     * were not available to anyone in it.
     */
    double stealSeconds() {
        return stealSeconds;
    }

    /** One field of /proc/stat's cpu line (1 user … 8 steal), all cores, since boot. */
    static long machineTicks(int field) {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            return field < f.length ? Long.parseLong(f[field]) : 0;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** Busy ticks of all cores since boot, from /proc/stat's cpu line (everything but idle and iowait). */
    static long machineBusyTicks() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long busy = 0;
            for (int i = 1; i < Math.min(f.length, 9); i++) if (i != 4 && i != 5) busy += Long.parseLong(f[i]);
            return busy;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** Peak RSS in MB per process name (web-1, store-1, …, redis, mongo). */
    synchronized Map<String, Double> peakRssMb() {
        Map<String, Double> out = new TreeMap<>();
        peakRssKb.forEach((k, v) -> out.put(k, Math.round(v / 102.4) / 10.0));
        return out;
    }

    /** CPU seconds each process used between begin and end. */
    synchronized Map<String, Double> cpuSeconds() {
        return new TreeMap<>(cpuSeconds);
    }

    /** Share of one core each process used between begin and end, in percent. */
    synchronized Map<String, Double> cpuPercent() {
        Map<String, Double> out = new TreeMap<>();
        cpuSeconds.forEach((k, v) -> out.put(k, Math.round(1000 * v / seconds) / 10.0));
        return out;
    }

    /** Of each process's CPU time between begin and end, the share spent in the kernel (system time), in percent. */
    synchronized Map<String, Double> systemShare() {
        Map<String, Double> out = new TreeMap<>();
        cpuSeconds.forEach((k, v) -> {
            Double sys = sysSeconds.get(k);
            if (sys != null && v > 0) out.put(k, Math.round(1000 * sys / v) / 10.0);
        });
        return out;
    }

    private void sampleRss() {
        refreshPids();
        Map<String, Long> snapshot;
        synchronized (this) {
            snapshot = new LinkedHashMap<>(pids);
        }
        snapshot.forEach((name, pid) -> {
            long kb = rssKb(pid);
            if (kb > 0) {
                synchronized (this) {
                    peakRssKb.merge(name, kb, Math::max);
                }
            }
        });
    }

    private void refreshPids() {
        Map<String, String> statuses;
        try {
            statuses = mesh.statuses(redis);
        } catch (RuntimeException e) {
            return;
        }
        Map<String, Long> found = new TreeMap<>();
        for (String status : statuses.values()) {
            JsonObject o = JsonParser.parseString(status).getAsJsonObject();
            for (JsonElement c : o.getAsJsonArray("children")) {
                JsonObject child = c.getAsJsonObject();
                if (child.has("pid") && !child.get("pid").isJsonNull()) found.put(child.get("name").getAsString(), child.get("pid").getAsLong());
            }
            if (o.has("infra")) {
                o.getAsJsonObject("infra").entrySet().forEach(e -> {
                    if (e.getValue().isJsonArray()) { // redisCluster: one entry per node, named redis-<port>
                        for (JsonElement n : e.getValue().getAsJsonArray()) {
                            found.put("redis-" + n.getAsJsonObject().get("port").getAsInt(), n.getAsJsonObject().get("pid").getAsLong());
                        }
                    } else {
                        found.put(e.getKey(), e.getValue().getAsJsonObject().get("pid").getAsLong());
                    }
                });
            }
        }
        synchronized (this) {
            pids.putAll(found);
            pids.putAll(extra);
        }
    }

    /** Samples {@code pid} as {@code name} too (the supervisor itself, which is in no status's children). */
    synchronized ProcSampler also(String name, long pid) {
        extra.put(name, pid);
        return this;
    }

    static long rssKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        } catch (IOException | RuntimeException gone) {
            // the process ended between two samples
        }
        return -1;
    }

    static long sysTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[12]);
        } catch (IOException | RuntimeException gone) {
            return -1;
        }
    }

    static long cpuTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14, 15)
        } catch (IOException | RuntimeException gone) {
            return -1;
        }
    }

    @Override
    public void close() {
        running = false;
        if (thread != null) thread.interrupt();
    }
}
