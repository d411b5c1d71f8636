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

    public int limit() {
        return limit;
    }

    public Duration window() {
        return Duration.ofMillis(windowMs);
    }

    /** Allowed, or not before {@code retryAfterSeconds}. */
    public record Decision(boolean allowed, long retryAfterSeconds) {
        static final Decision ALLOWED = new Decision(true, 0);
    }

    /** A bucket with its own limit and window, e.g. a slow hourly cap beside a per-minute one. */
    public record Bucket(String name, int limit, Duration window) {}

    /** Counts one hit in every bucket, at this limiter's limit and window; refused if any is over (the longest wait wins). */
    public Decision hit(String... buckets) {
        Bucket[] b = new Bucket[buckets.length];
        for (int i = 0; i < buckets.length; i++) b[i] = new Bucket(buckets[i], limit, Duration.ofMillis(windowMs));
        return hit(b);
    }

    /** Counts one hit in every bucket, each at its own limit and window. */
    public Decision hit(Bucket... buckets) {
        List<RedisScript.Call> calls = new ArrayList<>(buckets.length);
        for (Bucket b : buckets) {
            calls.add(new RedisScript.Call(List.of(new Keys(namespace).key("ratelimit", b.name())), List.of(Long.toString(b.window().toMillis()))));
        }
        long retryMs = -1;
        List<Object> results = HIT.evalAll(redis, calls);
        for (int i = 0; i < buckets.length; i++) {
            List<?> pair = (List<?>) results.get(i);
            if ((Long) pair.get(0) > buckets[i].limit()) retryMs = Math.max(retryMs, (Long) pair.get(1));
        }
        return retryMs < 0 ? Decision.ALLOWED : new Decision(false, Math.max(1, (retryMs + 999) / 1000));
    }
}
