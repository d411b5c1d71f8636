package io.gorgon.roles.stats;

import io.gorgon.bus.Keys;

/**
 * Every Redis key and hash field of the stats role, in one place. All keys share the hash tag {@code {s}} so the
 * aggregation script touches one slot on a Redis Cluster.
 *
 * <pre>
 * &lt;ns&gt;:stats:{s}:sec:&lt;epochSecond&gt;   hash, TTL 15 min (+2 s)
 * &lt;ns&gt;:stats:{s}:min:&lt;epochMinute&gt;   hash, TTL 24 h (+2 min)
 * &lt;ns&gt;:stats:{s}:hour:&lt;epochHour&gt;    hash, TTL 30 d (+2 h)
 * &lt;ns&gt;:stats:{s}:total                 hash, no TTL: monotonic counters for /metrics
 * &lt;ns&gt;:stats:{s}:seen:&lt;instance&gt;:&lt;ts&gt; string, TTL 15 min: a snapshot already counted (redelivery guard)
 *
 * fields: q:&lt;queue&gt;:&lt;sent|processed|failed|redelivered|deadLettered&gt;
 *         h:&lt;series&gt;:&lt;bucket 0..18&gt;    latency count per bucket (series "http", "queue:&lt;name&gt;")
 *         hsum:&lt;series&gt;                   sum of latencies in microseconds
 *         i:&lt;add|edit|delete|other&gt;       store_notify item events
 * </pre>
 */
public final class StatsKeys {
    public static final String[] COUNTERS = {"sent", "processed", "failed", "redelivered", "deadLettered"};
    public static final String[] ITEM_KINDS = {"add", "edit", "delete", "other"};

    private final String prefix;

    public StatsKeys(String namespace) {
        if (namespace == null || namespace.isBlank()) throw new IllegalArgumentException("namespace must not be blank");
        this.prefix = new Keys(namespace).tagged("stats", "s") + ":";
    }

    public String bucket(Resolution r, long bucket) {
        return prefix + r.key() + ":" + bucket;
    }

    public String total() {
        return prefix + "total";
    }

    public String seen(String instance, long ts) {
        return prefix + "seen:" + instance + ":" + ts;
    }

    public static String queueField(String queue, String counter) {
        return "q:" + queue + ":" + counter;
    }

    public static String latencyField(String series, int bucket) {
        return "h:" + series + ":" + bucket;
    }

    public static String latencySumField(String series) {
        return "hsum:" + series;
    }

    public static String itemField(String kind) {
        return "i:" + kind;
    }
}
