package io.gorgon.roles.stats;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.UnifiedJedis;

/**
 * Folds metrics snapshots and item events into per-second, per-minute and per-hour Redis hashes (see
 * {@link StatsKeys}). Everything is HINCRBY, so any number of stats instances can share the work and a restarted one
 * sees the same numbers.
 *
 * <p>A snapshot is applied by one Lua script that first claims {@code seen:<instance>:<ts>}: a snapshot redelivered
 * after a stats instance died mid-way is counted once, and a failed call changes nothing (the bus redelivers it).
 * Item events come one by one at item rate, so they are summed in memory and written every 250 ms by
 * {@link #start()}'s flusher (or {@link #flush()}); a crash loses at most that much of those counts.
 */
public final class StatsAggregator implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StatsAggregator.class);

    // KEYS: seen, sec, min, hour, total. ARGV: seenTtl, secTtl, minTtl, hourTtl, then field, delta pairs.
    private static final String APPLY = """
            if not redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then return 0 end
            for i = 5, #ARGV, 2 do
              for k = 2, 5 do redis.call('HINCRBY', KEYS[k], ARGV[i], ARGV[i + 1]) end
            end
            for k = 2, 4 do redis.call('EXPIRE', KEYS[k], ARGV[k]) end
            return 1
            """;
    private static final Resolution[] RESOLUTIONS = Resolution.values();

    private final UnifiedJedis redis;
    private final StatsKeys keys;
    private final Clock clock;
    /** "epochSecond|kind" to count, not yet written. */
    private final ConcurrentHashMap<String, Long> pendingItems = new ConcurrentHashMap<>();
    private ScheduledExecutorService flusher;

    public StatsAggregator(UnifiedJedis redis, String namespace, Clock clock) {
        this.redis = redis;
        this.keys = new StatsKeys(namespace);
        this.clock = clock;
    }

    /**
     * Adds one snapshot. Returns false when this (instance, ts) was already counted or carried nothing. Throws only
     * when Redis fails; then nothing was counted and the caller should leave the message for redelivery. An
     * undecodable histogram is logged and skipped; the rest of the snapshot counts.
     */
    public boolean onSnapshot(MetricsSnapshot s) {
        Map<String, Long> fields = fields(s);
        if (fields.isEmpty()) return false;
        long now = clock.millis();
        List<String> keyList = new ArrayList<>(5);
        List<String> args = new ArrayList<>(4 + fields.size() * 2);
        keyList.add(keys.seen(s.instance(), s.ts()));
        args.add(String.valueOf(Resolution.SECOND.retention().toSeconds() + 60));
        for (Resolution r : RESOLUTIONS) {
            long b = r.bucketOf(s.ts());
            keyList.add(keys.bucket(r, b));
            args.add(String.valueOf(r.ttlSeconds(r.startMs(b), now)));
        }
        keyList.add(keys.total());
        fields.forEach((f, d) -> {
            args.add(f);
            args.add(String.valueOf(d));
        });
        Object applied = redis.eval(APPLY, keyList, args);
        boolean counted = Long.valueOf(1L).equals(applied);
        if (!counted) log.info("event=stats_snapshot_duplicate instance={} ts={}", s.instance(), s.ts());
        return counted;
    }

    /** Counts one store_notify item event ("add", "edit" or "delete"; synonyms accepted, others count as "other"). */
    public void onItemEvent(String kind, long ts) {
        onItemEvents(kind, ts, 1);
    }

    /** Counts {@code n} item events of one kind at once (an items.added batch). */
    public void onItemEvents(String kind, long ts, long n) {
        if (n > 0) pendingItems.merge(Math.floorDiv(ts, 1000L) + "|" + itemKind(kind), n, Long::sum);
    }

    /** Writes the buffered item event counts; on a Redis error they are kept for the next flush. */
    public void flush() {
        if (pendingItems.isEmpty()) return;
        Map<String, Long> drained = new LinkedHashMap<>();
        for (String k : pendingItems.keySet()) {
            Long v = pendingItems.remove(k);
            if (v != null) drained.put(k, v);
        }
        long now = clock.millis();
        try (AbstractPipeline p = redis.pipelined()) {
            for (var e : drained.entrySet()) {
                int bar = e.getKey().indexOf('|');
                long tsMs = Long.parseLong(e.getKey().substring(0, bar)) * 1000L;
                String field = StatsKeys.itemField(e.getKey().substring(bar + 1));
                for (Resolution r : RESOLUTIONS) {
                    long b = r.bucketOf(tsMs);
                    String key = keys.bucket(r, b);
                    p.hincrBy(key, field, e.getValue());
                    p.expire(key, r.ttlSeconds(r.startMs(b), now));
                }
                p.hincrBy(keys.total(), field, e.getValue());
            }
            p.sync();
        } catch (RuntimeException e) {
            drained.forEach((k, v) -> pendingItems.merge(k, v, Long::sum));
            log.warn("event=stats_item_flush_failed buffered={} error=\"{}\"", drained.size(), e.toString());
        }
    }

    /** Starts the item-event flusher (every 250 ms). */
    public synchronized StatsAggregator start() {
        if (flusher != null) return this;
        flusher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "stats-item-flush");
            t.setDaemon(true);
            return t;
        });
        flusher.scheduleWithFixedDelay(this::flushQuietly, 250, 250, TimeUnit.MILLISECONDS);
        return this;
    }

    /** Stops the flusher and writes what is buffered. */
    @Override
    public synchronized void close() {
        if (flusher != null) {
            flusher.shutdown();
            try {
                flusher.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            flusher = null;
        }
        flushQuietly();
    }

    private void flushQuietly() {
        try {
            flush();
        } catch (RuntimeException e) {
            log.warn("event=stats_item_flush_failed error=\"{}\"", e.toString());
        }
    }

    /** The non-zero hash field increments of one snapshot. */
    static Map<String, Long> fields(MetricsSnapshot s) {
        Map<String, Long> f = new LinkedHashMap<>();
        s.queues().forEach((queue, c) -> {
            put(f, StatsKeys.queueField(queue, "sent"), c.sent());
            put(f, StatsKeys.queueField(queue, "processed"), c.processed());
            put(f, StatsKeys.queueField(queue, "failed"), c.failed());
            put(f, StatsKeys.queueField(queue, "redelivered"), c.redelivered());
            put(f, StatsKeys.queueField(queue, "deadLettered"), c.deadLettered());
        });
        for (String series : s.latency().keySet()) {
            Histogram h;
            try {
                h = s.histogram(series);
            } catch (IllegalArgumentException e) {
                // One corrupt histogram must not cost the snapshot's counters, nor loop through redeliveries.
                log.warn("event=stats_bad_histogram instance={} ts={} series={} error=\"{}\"", s.instance(), s.ts(), series, e.getMessage());
                continue;
            }
            if (h == null || h.getTotalCount() == 0) continue;
            long[] counts = LatencyBuckets.bucketize(h);
            for (int k = 0; k < counts.length; k++) put(f, StatsKeys.latencyField(series, k), counts[k]);
            put(f, StatsKeys.latencySumField(series), Math.round(h.getMean() * h.getTotalCount()));
        }
        return f;
    }

    private static void put(Map<String, Long> f, String field, long delta) {
        if (delta != 0) f.merge(field, delta, Long::sum);
    }

    static String itemKind(String kind) {
        String k = kind == null ? "" : kind.trim().toLowerCase(Locale.ROOT);
        return switch (k) {
            case "add", "added", "create", "created", "put", "new" -> "add";
            case "edit", "edited", "update", "updated", "change", "changed" -> "edit";
            case "delete", "deleted", "remove", "removed" -> "delete";
            default -> "other";
        };
    }
}
