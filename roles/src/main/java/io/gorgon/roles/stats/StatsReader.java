package io.gorgon.roles.stats;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;

/** Reads the aggregates {@link StatsAggregator} wrote: ranges of time buckets and the all-time totals. */
public final class StatsReader {

    /** Consecutive buckets of one resolution: {@code rows.get(i)} holds the hash fields of the bucket starting at {@code timesMs[i]}. */
    public record Range(Resolution resolution, long[] timesMs, List<Map<String, Long>> rows) {}

    private final UnifiedJedis redis;
    private final StatsKeys keys;
    private final Clock clock;

    public StatsReader(UnifiedJedis redis, String namespace, Clock clock) {
        this.redis = redis;
        this.keys = new StatsKeys(namespace);
        this.clock = clock;
    }

    /**
     * The buckets of a window, oldest first, ending with the last complete second at second resolution (snapshots of
     * the current second have not been published yet) and with the current, growing bucket otherwise.
     */
    public Range window(StatsWindow w) {
        return latest(w.resolution(), w.points());
    }

    /** The newest {@code points} buckets of a resolution, as {@link #window} chooses the end. */
    public Range latest(Resolution r, int points) {
        long now = r.bucketOf(clock.millis());
        long last = r == Resolution.SECOND ? now - 1 : now;
        return range(r, last - points + 1, last);
    }

    public Range range(Resolution r, long firstBucket, long lastBucket) {
        int n = (int) Math.max(0, lastBucket - firstBucket + 1);
        long[] times = new long[n];
        List<Response<Map<String, String>>> responses = new ArrayList<>(n);
        try (AbstractPipeline p = redis.pipelined()) {
            for (int i = 0; i < n; i++) {
                times[i] = r.startMs(firstBucket + i);
                responses.add(p.hgetAll(keys.bucket(r, firstBucket + i)));
            }
            p.sync();
        }
        List<Map<String, Long>> rows = new ArrayList<>(n);
        for (Response<Map<String, String>> resp : responses) rows.add(toLongs(resp.get()));
        return new Range(r, times, rows);
    }

    /** All-time counters (monotonic while Redis keeps its data): the source of /metrics. */
    public Map<String, Long> totals() {
        return toLongs(redis.hgetAll(keys.total()));
    }

    private static Map<String, Long> toLongs(Map<String, String> raw) {
        Map<String, Long> out = new HashMap<>(raw.size() * 2);
        raw.forEach((k, v) -> {
            try {
                out.put(k, Long.parseLong(v));
            } catch (NumberFormatException ignored) {
                // not ours: the hashes only ever hold HINCRBY counters
            }
        });
        return out;
    }
}
