package io.gorgon.roles.app;

import io.gorgon.bus.Ids;
import io.gorgon.bus.Keys;
import io.gorgon.roles.infra.RedisScript;
import java.time.Duration;
import java.util.List;
import redis.clients.jedis.UnifiedJedis;

/**
 * The id of the item one HTTP request creates, the same on every redelivery of that request. A hop that crashes
 * between forwarding a create and acking it (auth, app) has the request redone; minting a fresh id each time stored
 * the note twice under two ids. The first delivery claims an id for the request's key (its correlation id, which
 * every hop and every redelivery keep); later deliveries read the claimed one back. One Redis round trip, one key per
 * request, kept for {@link #KEEP} (far beyond the longest redelivery chain). Keys: {@code <ns>:create:<requestKey>}.
 */
final class CreationIds {
    static final Duration KEEP = Duration.ofHours(1);
    private static final RedisScript CLAIM = new RedisScript("""
            local v = redis.call('GET', KEYS[1])
            if v then return v end
            redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
            return ARGV[1]
            """);

    private final UnifiedJedis redis;
    private final Keys keys;
    private final Ids ids;

    CreationIds(UnifiedJedis redis, Keys keys, Ids ids) {
        this.redis = redis;
        this.keys = keys;
        this.ids = ids;
    }

    /** The item id for this request, minted on its first delivery. */
    long idFor(String requestKey) {
        Object v = CLAIM.eval(redis, List.of(keys.key("create", requestKey)), List.of(Long.toString(ids.next()), Long.toString(KEEP.toMillis())));
        return Long.parseLong(v instanceof byte[] b ? new String(b, java.nio.charset.StandardCharsets.UTF_8) : v.toString());
    }
}
