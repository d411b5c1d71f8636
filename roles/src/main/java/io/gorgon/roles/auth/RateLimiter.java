package io.gorgon.roles.auth;

import io.gorgon.bus.Keys;
import io.gorgon.roles.infra.RedisScript;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.UnifiedJedis;

/**
 * Fixed-window counters in Redis: at most {@code limit} hits per bucket per window. The increment and the setting of
 * the window's expiry are one Lua script, so a crash between them cannot leave a counter that never expires. Several
 * buckets (e.g. an email and a client address) are counted in one pipelined round trip; each bucket is one key, so
 * this works unchanged on Redis Cluster. Keys: {@code <ns>:ratelimit:<bucket>}.
 */
public final class RateLimiter {
    private static final RedisScript HIT = new RedisScript("""
            local n = redis.call('INCR', KEYS[1])
            local ttl = redis.call('PTTL', KEYS[1])
            if ttl < 0 then
              redis.call('PEXPIRE', KEYS[1], ARGV[1])
              ttl = tonumber(ARGV[1])
            end
            return {n, ttl}
            """);

    private final UnifiedJedis redis;
    private final String namespace;
    private final int limit;
    private final long windowMs;

    public RateLimiter(UnifiedJedis redis, String namespace, int limit, Duration window) {
        if (limit < 1) throw new IllegalArgumentException("rate limit must be at least 1: " + limit);
        if (window.toMillis() < 1) throw new IllegalArgumentException("rate limit window must be positive");
        this.redis = redis;
        this.namespace = namespace;
        this.limit = limit;
        this.windowMs = window.toMillis();
    }

    /** Allowed, or not before {@code retryAfterSeconds}. */
    public record Decision(boolean allowed, long retryAfterSeconds) {
        static final Decision ALLOWED = new Decision(true, 0);
    }

    /** Counts one hit in every bucket; refused if any bucket is over its limit (the longest wait wins). */
    public Decision hit(String... buckets) {
        List<RedisScript.Call> calls = new ArrayList<>(buckets.length);
        for (String b : buckets) calls.add(new RedisScript.Call(List.of(new Keys(namespace).key("ratelimit", b)), List.of(Long.toString(windowMs))));
        long retryMs = -1;
        for (Object r : HIT.evalAll(redis, calls)) {
            List<?> pair = (List<?>) r;
            if ((Long) pair.get(0) > limit) retryMs = Math.max(retryMs, (Long) pair.get(1));
        }
        return retryMs < 0 ? Decision.ALLOWED : new Decision(false, Math.max(1, (retryMs + 999) / 1000));
    }
}
