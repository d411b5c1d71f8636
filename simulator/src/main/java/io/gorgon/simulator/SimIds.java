package io.gorgon.simulator;

import io.gorgon.bus.impl.Connections;
import java.time.Instant;
import redis.clients.jedis.Jedis;

/**
 * Snowflake ids in the roles' layout ({@code ms since 2026-01-01 << 22 | node << 12 | seq}), so the simulator's
 * items sort and decode like the provider's. The node number comes from the same Redis counter the roles use
 * ({@code <ns>:seq:node}), so no live role makes the same ids.
 */
final class SimIds {
    static final long EPOCH_MS = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
    private static final int NODE_BITS = 10;
    private static final int SEQ_BITS = 12;
    private static final long MAX_SEQ = (1L << SEQ_BITS) - 1;

    private final long node;
    private long lastMs = -1;
    private long seq;

    SimIds(int node) {
        if (node < 0 || node >= 1 << NODE_BITS) throw new IllegalArgumentException("node out of range: " + node);
        this.node = node;
    }

    static SimIds fromRedis(String redisUri, String namespace) {
        try (Jedis j = new Connections(redisUri, "simulator-ids").open()) {
            return new SimIds((int) Math.floorMod(j.incr(namespace + ":seq:node"), 1L << NODE_BITS));
        }
    }

    synchronized long next() {
        long now = Math.max(System.currentTimeMillis() - EPOCH_MS, lastMs);
        if (now == lastMs) {
            if (seq == MAX_SEQ) { // 4096 ids in this ms: borrow the next one
                now++;
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
}
