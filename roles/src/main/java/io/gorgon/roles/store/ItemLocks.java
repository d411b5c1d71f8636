package io.gorgon.roles.store;

import io.gorgon.bus.Keys;
import io.gorgon.roles.infra.RedisScript;
import java.util.List;
import java.util.UUID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.SetParams;

/**
 * A short per-item lock in Redis that serialises the read-check-write of edits and deletes of one item across store
 * instances. Why not a conditional write in MongoDB ({@code {_id, _v}} filter): mongo-java-server uses its
 * {@code _id} index only for a filter on {@code _id} alone and scans the whole collection for anything else, seconds
 * at a million items. The lock expires after {@link #TTL_MS} so a SIGKILLed holder never blocks an item for long;
 * an edit takes milliseconds, so expiry under a live holder would need a pause of seconds (GC, swap).
 */
final class ItemLocks {
    static final long TTL_MS = 10_000;
    private static final long WAIT_MS = 3_000;
    private static final RedisScript RELEASE = new RedisScript(
            "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0");

    private final UnifiedJedis redis;
    private final Keys keys;

    ItemLocks(UnifiedJedis redis, String namespace) {
        this.redis = redis;
        this.keys = new Keys(namespace);
    }

    /** Held until closed. Throws a plain RuntimeException (a transient failure: the bus retries the message later) when the item stays locked for seconds. */
    interface Held extends AutoCloseable {
        @Override
        void close();
    }

    Held lock(long itemId) {
        String key = keys.tagged("item", Long.toString(itemId), "lock");
        String token = UUID.randomUUID().toString();
        long deadline = System.currentTimeMillis() + WAIT_MS;
        long pause = 2;
        while (!"OK".equals(redis.set(key, token, SetParams.setParams().nx().px(TTL_MS)))) {
            if (System.currentTimeMillis() > deadline) throw new RuntimeException("item " + itemId + " stayed locked");
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RuntimeException("interrupted waiting for item " + itemId);
            }
            pause = Math.min(50, pause * 2);
        }
        return () -> RELEASE.eval(redis, List.of(key), List.of(token));
    }
}
