package io.gorgon.roles.provider;

import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import redis.clients.jedis.UnifiedJedis;

/**
 * The feeds' shared state in Redis, which is what lets any number of provider instances poll together. Every key
 * carries the hash tag {@code {feeds}} (one Cluster slot, so the scripts stay legal there):
 * <ul>
 *   <li>{@code byurl} HASH normalised URL → feed id (following a URL again, by anyone, gives the same id);</li>
 *   <li>{@code f:<id>} HASH the feed: url, followers, etag, lastModified, hash (of the last body), failures, gap
 *       (average ms between new entries), lastNewAt, lastFetch, lastStatus, lastError, counters, lease;</li>
 *   <li>{@code f:<id>:followers} SET of user ids, {@code u:<uid>} SET of the feeds a user follows;</li>
 *   <li>{@code f:<id>:entries} HASH entry key → {@code itemId:hash} (what was made of each entry);</li>
 *   <li>{@code due} ZSET feed id → when it is due (ms). A feed nobody follows is not in it.</li>
 * </ul>
 * Claiming a due feed moves its due time {@code leaseMs} ahead and stamps a lease token, in one script: no two
 * pollers take the same feed, and if the claimer dies mid-fetch the feed simply becomes due again when the lease
 * runs out — that is the takeover. Completing writes the results only if the lease is still the claimer's.
 */
final class FeedRegistry {
    private static final String FOLLOW = """
            local id = redis.call('HGET', KEYS[1], ARGV[1])
            local created = 0
            if not id then
              id = ARGV[2]
              created = 1
              redis.call('HSET', KEYS[1], ARGV[1], id)
              redis.call('HSET', ARGV[5] .. 'f:' .. id, 'id', id, 'url', ARGV[1], 'created', ARGV[4], 'followers', 0)
            end
            local f = ARGV[5] .. 'f:' .. id
            local added = redis.call('SADD', f .. ':followers', ARGV[3])
            redis.call('SADD', ARGV[5] .. 'u:' .. ARGV[3], id)
            local n = 0
            if added == 1 then n = redis.call('HINCRBY', f, 'followers', 1) end
            local due = redis.call('ZSCORE', KEYS[2], id)
            if not due then
              redis.call('ZADD', KEYS[2], ARGV[4], id)
            elseif n > 0 and not redis.call('HGET', f, 'lease') then
              -- one more follower shortens the interval: pull the next poll forward to what the new count warrants
              local last = tonumber(redis.call('HGET', f, 'lastFetch') or '0')
              local at = last + math.max(tonumber(ARGV[7]), math.floor(tonumber(ARGV[6]) / n))
              if at < tonumber(due) then redis.call('ZADD', KEYS[2], math.max(at, tonumber(ARGV[4])), id) end
            end
            return {id, created}
            """;
    private static final String UNFOLLOW = """
            local f = ARGV[3] .. 'f:' .. ARGV[1]
            redis.call('SREM', ARGV[3] .. 'u:' .. ARGV[2], ARGV[1])
            if redis.call('SREM', f .. ':followers', ARGV[2]) == 0 then return 0 end
            if redis.call('HINCRBY', f, 'followers', -1) <= 0 then redis.call('ZREM', KEYS[1], ARGV[1]) end
            return 1
            """;
    private static final String CLAIM = """
            local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
            for _, id in ipairs(ids) do
              redis.call('ZADD', KEYS[1], ARGV[2], id)
              redis.call('HSET', ARGV[5] .. 'f:' .. id, 'lease', ARGV[4])
            end
            return ids
            """;
    /** ARGV id, token, nextAt, prefix, counter, then field/value pairs. */
    private static final String COMPLETE = """
            local f = ARGV[4] .. 'f:' .. ARGV[1]
            if redis.call('HGET', f, 'lease') ~= ARGV[2] then return 0 end
            redis.call('HDEL', f, 'lease')
            redis.call('HINCRBY', f, ARGV[5], 1)
            for i = 6, #ARGV, 2 do redis.call('HSET', f, ARGV[i], ARGV[i + 1]) end
            if tonumber(redis.call('HGET', f, 'followers') or '0') > 0 then redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1]) end
            return 1
            """;

    private final UnifiedJedis redis;
    private final String prefix;
    private final long minIntervalMs, maxIntervalMs;

    FeedRegistry(UnifiedJedis redis, String namespace, long minIntervalMs, long maxIntervalMs) {
        this.redis = redis;
        this.prefix = namespace + ":{feeds}:";
        this.minIntervalMs = minIntervalMs;
        this.maxIntervalMs = maxIntervalMs;
    }

    /**
     * Follows (idempotently); returns the feed id, which is {@code newId} only if the URL was new. A new follower
     * brings the next poll forward to {@code lastFetch + maxIntervalMs / followers} if that is sooner (the interval
     * was set at the last poll, by the followers then).
     */
    long follow(String url, long newId, long userid, long now) {
        List<?> r = (List<?>) redis.eval(FOLLOW, List.of(prefix + "byurl", prefix + "due"),
                List.of(url, Long.toString(newId), Long.toString(userid), Long.toString(now), prefix,
                        Long.toString(maxIntervalMs), Long.toString(minIntervalMs)));
        return Long.parseLong(String.valueOf(r.get(0)));
    }

    /** False if the user did not follow it. A feed left with no follower leaves the schedule. */
    boolean unfollow(long feedId, long userid) {
        return ((Long) redis.eval(UNFOLLOW, List.of(prefix + "due"), List.of(Long.toString(feedId), Long.toString(userid), prefix))) == 1L;
    }

    Set<String> feedsOf(long userid) {
        return redis.smembers(prefix + "u:" + userid);
    }

    /** The feed's public status (what GET /feeds shows), or null if unknown. */
    JsonObject status(String feedId) {
        Map<String, String> f = redis.hgetAll(prefix + "f:" + feedId);
        if (f.isEmpty()) return null;
        JsonObject o = new JsonObject();
        o.addProperty("id", feedId);
        o.addProperty("url", f.get("url"));
        o.addProperty("followers", num(f.get("followers")));
        Double due = redis.zscore(prefix + "due", feedId);
        if (due != null && f.get("lease") == null) o.addProperty("nextPoll", due.longValue());
        if (f.get("lease") != null) o.addProperty("polling", true);
        for (String k : List.of("lastFetch", "lastStatus", "interval", "failures", "fetched", "notModified", "errors", "entries")) {
            if (f.containsKey(k)) o.addProperty(k, num(f.get(k)));
        }
        if (f.containsKey("lastError") && !f.get("lastError").isEmpty()) o.addProperty("lastError", f.get("lastError"));
        return o;
    }

    /** What a poller needs to fetch a claimed feed. */
    record Claimed(String id, String url, String etag, String lastModified, String hash, int failures, long followers,
                   long gapMs, String token) {}

    List<Claimed> claim(long now, long leaseMs, int max, String token) {
        if (max <= 0) return List.of();
        List<?> ids = (List<?>) redis.eval(CLAIM, List.of(prefix + "due"),
                List.of(Long.toString(now), Long.toString(now + leaseMs), Integer.toString(max), token, prefix));
        List<Claimed> out = new ArrayList<>(ids.size());
        for (Object o : ids) {
            String id = String.valueOf(o);
            List<String> v = redis.hmget(prefix + "f:" + id, "url", "etag", "lastModified", "hash", "failures", "followers", "gap");
            if (v.get(0) == null) continue;
            out.add(new Claimed(id, v.get(0), v.get(1), v.get(2), v.get(3), (int) num(v.get(4)), num(v.get(5)), num(v.get(6)), token));
        }
        return out;
    }

    /**
     * Records a poll's outcome and schedules the next one at {@code nextAt}, if the lease is still ours; false if it
     * ran out and another poller has the feed now (then nothing is written).
     *
     * @param counter which counter to bump: fetched, notModified or errors
     */
    boolean complete(Claimed c, long nextAt, String counter, Map<String, String> fields) {
        List<String> args = new ArrayList<>(List.of(c.id(), c.token(), Long.toString(nextAt), prefix, counter));
        fields.forEach((k, v) -> {
            args.add(k);
            args.add(v == null ? "" : v);
        });
        return ((Long) redis.eval(COMPLETE, List.of(prefix + "due"), args)) == 1L;
    }

    /** The entry record {@code itemId:hash}, or null. */
    String entry(String feedId, String key) {
        return redis.hget(prefix + "f:" + feedId + ":entries", key);
    }

    /** Reserves an item id for a new entry; returns the record that holds (ours, or a concurrent ingester's). */
    String reserveEntry(String feedId, String key, long itemId) {
        String k = prefix + "f:" + feedId + ":entries";
        if (redis.hsetnx(k, key, itemId + ":") == 1L) return itemId + ":";
        return redis.hget(k, key);
    }

    void recordEntry(String feedId, String key, long itemId, String hash) {
        redis.hset(prefix + "f:" + feedId + ":entries", key, itemId + ":" + hash);
    }

    /** After {@code fresh} new entries: the counters and the average gap the interval policy reads. */
    void noteNewEntries(String feedId, int fresh, long now) {
        String f = prefix + "f:" + feedId;
        List<String> v = redis.hmget(f, "gap", "lastNewAt");
        long last = num(v.get(1));
        long gap = last > 0 ? FeedPolicy.nextGap(num(v.get(0)), now - last, fresh) : num(v.get(0));
        redis.hset(f, Map.of("gap", Long.toString(gap), "lastNewAt", Long.toString(now)));
        redis.hincrBy(f, "entries", fresh);
    }

    long followers(String feedId) {
        return num(redis.hget(prefix + "f:" + feedId, "followers"));
    }

    private static long num(String s) {
        if (s == null || s.isEmpty()) return 0;
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
