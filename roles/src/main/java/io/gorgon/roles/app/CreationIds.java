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
 * the note twice under two ids. The first delivery claims an id for the request's key (web's request header, which
 * every hop and every redelivery keep); later deliveries read the claimed one back. One Redis round trip and one key
 * per request. A redelivery after the request's deadline is skipped by the bus, so the key is kept for a few request
 * timeouts (at least two minutes), which bounds the keys to a couple of minutes of creates. Keys:
 * {@code <ns>:create:<requestKey>}.
 */
final class CreationIds {
    static final Duration MIN_KEEP = Duration.ofMinutes(2);
    private static final RedisScript CLAIM = new RedisScript("""
            local v = redis.call('GET', KEYS[1])
            if v then return v end
            redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
            return ARGV[1]
            """);

    private final UnifiedJedis redis;
    private final Keys keys;
    private final Ids ids;
    private final long keepMs;

    CreationIds(UnifiedJedis redis, Keys keys, Ids ids, Duration requestTimeout) {
        this.redis = redis;
        this.keys = keys;
        this.ids = ids;
        this.keepMs = Math.max(MIN_KEEP.toMillis(), 4 * requestTimeout.toMillis());
    }

    /** The item id for this request, minted on its first delivery. */
    long idFor(String requestKey) {
        Object v = CLAIM.eval(redis, List.of(keys.key("create", requestKey)), List.of(Long.toString(ids.next()), Long.toString(keepMs)));
        return Long.parseLong(v instanceof byte[] b ? new String(b, java.nio.charset.StandardCharsets.UTF_8) : v.toString());
    }
}
