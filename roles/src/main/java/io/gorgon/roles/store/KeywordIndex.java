package io.gorgon.roles.store;

import io.gorgon.bus.Keys;
import io.gorgon.protocol.Item;
import io.gorgon.roles.infra.RedisScript;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.UnifiedJedis;

/**
 * The newest item ids per keyword, kept in Redis so {@code GET /tags/{keyword}} never scans MongoDB (mongo-java-server
 * scans on every non-unique index). Maintained like {@link RecentItemsCache}, but holding ids only (items are read by
 * {@code _id}): per keyword, under one hash tag,
 * <ul>
 *   <li>{@code <ns>:t:{<keyword>}:recent} ZSET, score = ts, member = the item id zero-padded to 19 digits;</li>
 *   <li>{@code <ns>:t:{<keyword>}:meta} HASH: {@code loaded} (the ZSET holds the keyword's newest items),
 *       {@code complete} (it holds all of them).</li>
 * </ul>
 * Inserts always add, loaded or not, so a fill racing an insert loses nothing. Deleted items are not removed here:
 * the reader drops ids whose item is gone ({@link #forget}). Past the capacity plus a quarter the ZSET is trimmed
 * back to the capacity (clearing {@code complete}); deeper pages are answered by MongoDB.
 */
final class KeywordIndex {
    private static final String ZADD_AND_TRIM = RecentItemsCache.PAST_SLACK + """
            -- one ZADD per 500 pairs, not per pair: 40 pairs took 41 µs of Redis instead of 74 (redis-benchmark)
            local function zadd(from)
              for i = from, #ARGV, 1000 do redis.call('ZADD', KEYS[1], unpack(ARGV, i, math.min(#ARGV, i + 999))) end
            end
            local function trim(cap)
              local n = redis.call('ZCARD', KEYS[1])
              if not pastSlack(n, cap) then return false end
              redis.call('ZREMRANGEBYRANK', KEYS[1], 0, n - cap - 1)
              redis.call('HSET', KEYS[2], 'complete', '0')
              return true
            end
            """;

    /** KEYS z, m; ARGV cap, then (score, member) pairs. */
    private static final RedisScript ADD = new RedisScript(ZADD_AND_TRIM + """
            zadd(2)
            trim(tonumber(ARGV[1]))
            return 1
            """);

    /** KEYS z, m; ARGV cap, complete (1: these are all the keyword's items), pairs. */
    private static final RedisScript FILL = new RedisScript(ZADD_AND_TRIM + """
            zadd(3)
            local trimmed = trim(tonumber(ARGV[1]))
            redis.call('HSET', KEYS[2], 'loaded', '1')
            redis.call('HSET', KEYS[2], 'complete', (ARGV[2] == '1' and not trimmed) and '1' or '0')
            return 1
            """);

    /** KEYS z, m; ARGV off, lim. {0} not loaded, {2} deeper than the cache, else {1, member...} newest first. */
    private static final RedisScript READ = new RedisScript("""
            local meta = redis.call('HMGET', KEYS[2], 'loaded', 'complete')
            if meta[1] ~= '1' then return {0} end
            local off, lim = tonumber(ARGV[1]), tonumber(ARGV[2])
            local n = redis.call('ZCARD', KEYS[1])
            if off + lim > n and meta[2] ~= '1' then return {2} end
            local out = {1}
            if off >= n then return out end
            for _, m in ipairs(redis.call('ZREVRANGE', KEYS[1], off, off + lim - 1)) do out[#out + 1] = m end
            return out
            """);

    private final UnifiedJedis redis;
    private final Keys keys;
    private final int capacity;

    KeywordIndex(UnifiedJedis redis, String namespace, int capacity) {
        this.redis = redis;
        this.keys = new Keys(namespace);
        this.capacity = capacity;
    }

    int capacity() {
        return capacity;
    }

    /** What a read found: ids newest first, or that the caller must fill first or ask MongoDB. */
    sealed interface Lookup {
        record Hit(List<Long> ids) implements Lookup {}

        record NotLoaded() implements Lookup {}

        record TooDeep() implements Lookup {}
    }

    Lookup read(String keyword, int lim, int off) {
        List<?> r = (List<?>) READ.eval(redis, keys(keyword), List.of(Integer.toString(off), Integer.toString(lim)));
        long status = (Long) r.get(0);
        if (status == 0) return new Lookup.NotLoaded();
        if (status == 2) return new Lookup.TooDeep();
        List<Long> ids = new ArrayList<>(r.size() - 1);
        for (int i = 1; i < r.size(); i++) ids.add(Long.parseLong((String) r.get(i)));
        return new Lookup.Hit(ids);
    }

    /** Indexes each item under each of its keywords: one pipelined script call per keyword. Idempotent. */
    void addAll(Collection<Item> items) {
        Map<String, List<String>> byKeyword = new LinkedHashMap<>();
        for (Item i : items) {
            for (String k : i.keywords()) {
                List<String> args = byKeyword.computeIfAbsent(k, x -> new ArrayList<>(List.of(Integer.toString(capacity))));
                args.add(Long.toString(i.ts()));
                args.add(RecentItemsCache.member(i.id()));
            }
        }
        if (byKeyword.isEmpty()) return;
        List<RedisScript.Call> calls = new ArrayList<>(byKeyword.size());
        byKeyword.forEach((k, args) -> calls.add(new RedisScript.Call(keys(k), args)));
        ADD.evalAll(redis, calls);
    }

    /** Merges MongoDB's newest items of a keyword and marks it loaded. */
    void fill(String keyword, List<Item> newest) {
        List<String> args = new ArrayList<>(2 + newest.size() * 2);
        args.add(Integer.toString(capacity));
        args.add(newest.size() < capacity ? "1" : "0");
        for (Item i : newest) {
            args.add(Long.toString(i.ts()));
            args.add(RecentItemsCache.member(i.id()));
        }
        FILL.eval(redis, keys(keyword), args);
    }

    /** Drops ids whose items are gone (deleted), found while reading. */
    void forget(String keyword, Collection<Long> ids) {
        if (ids.isEmpty()) return;
        redis.zrem(keys(keyword).get(0), ids.stream().map(RecentItemsCache::member).toArray(String[]::new));
    }

    private List<String> keys(String keyword) {
        return List.of(keys.tagged("t", keyword, "recent"), keys.tagged("t", keyword, "meta"));
    }
}
