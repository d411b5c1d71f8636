package io.gorgon.bus;

import redis.clients.jedis.UnifiedJedis;

import java.time.Instant;
import java.util.function.LongSupplier;

/**
 * Positive 63-bit ids for the mesh's entities (items, users), unique across processes without coordination on the hot
 * path, so every role and the simulator make ids the same way (Snowflake layout):
 * {@code 41 bits ms since 2026-01-01 | 10 bits node | 12 bits sequence}; good until 2095, 4096 ids per ms per node.
 *
 * <p>The node number is taken once per process from Redis ({@code INCR <ns>:seq:node}, mod 1024). Two live
 * processes collide only if 1024 processes start while one of them is still running; ids also stay monotonic per
 * process if the wall clock steps back (the generator keeps using the last millisecond it saw).
 */
public final class Ids {
    public static final long EPOCH_MS = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
    private static final int NODE_BITS = 10;
    private static final int SEQ_BITS = 12;
    public static final int MAX_NODE = (1 << NODE_BITS) - 1;
    private static final long MAX_SEQ = (1L << SEQ_BITS) - 1;

    private final long node;
    private final LongSupplier clock;
    private long lastMs = -1;
    private long seq;

    public Ids(int node) {
        this(node, System::currentTimeMillis);
    }

    Ids(int node, LongSupplier clock) {
        if (node < 0 || node > MAX_NODE) throw new IllegalArgumentException("node must be in 0.." + MAX_NODE + ": " + node);
        this.node = node;
        this.clock = clock;
    }

    /** A generator whose node number this process takes from Redis, once. */
    public static Ids fromRedis(UnifiedJedis redis, String namespace) {
        return new Ids(Math.floorMod(redis.incr(nodeKey(namespace)), MAX_NODE + 1));
    }

    /** The same, over a short-lived connection of its own. */
    public static Ids fromRedis(String redisUri, String namespace) {
        try (redis.clients.jedis.Jedis j = io.gorgon.bus.impl.Connect.redis(redisUri, "gorgon-ids", nodeKey(namespace))) {
            return new Ids(Math.floorMod(j.incr(nodeKey(namespace)), MAX_NODE + 1));
        }
    }

    private static String nodeKey(String namespace) {
        return new Keys(namespace).key("seq", "node");
    }

    public int node() {
        return (int) node;
    }

    public synchronized long next() {
        long now = Math.max(clock.getAsLong() - EPOCH_MS, lastMs);
        if (now < 0) throw new IllegalStateException("clock is before " + Instant.ofEpochMilli(EPOCH_MS));
        if (now == lastMs) {
            if (seq == MAX_SEQ) {
                // 4096 ids in this ms: borrow the next ms rather than spin; the clock catches up.
                now = lastMs + 1;
                seq = 0;
            } else {
                seq++;
            }
        } else {
            seq = 0;
        }
        lastMs = now;
        return (now << (NODE_BITS + SEQ_BITS)) | (node << SEQ_BITS) | seq;
    }

    /** When an id was made (ms epoch): useful in logs and for checking ordering. */
    public static long timestampOf(long id) {
        return (id >>> (NODE_BITS + SEQ_BITS)) + EPOCH_MS;
    }
}
