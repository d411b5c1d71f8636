package io.gorgon.roles.store;

import io.gorgon.roles.infra.RedisScript;
import io.gorgon.protocol.Item;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.gorgon.bus.Keys;
import io.gorgon.bus.Message;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import redis.clients.jedis.UnifiedJedis;

/**
 * Each user's newest items, kept in Redis so {@code GET /info/{uid}} never scans MongoDB (mongo-java-server has no
 * secondary indexes). Per user, all under one hash tag so every script runs on one Cluster slot:
 * <ul>
 *   <li>{@code <ns>:{u:<uid>}:recent} ZSET, score = ts, member = the item id zero-padded to 19 digits (so equal ts
 *       order by id, as in MongoDB's sort {ts:-1, _id:-1});</li>
 *   <li>{@code <ns>:{u:<uid>}:items} HASH member → item JSON; "" is a tombstone of a deleted item;</li>
 *   <li>{@code <ns>:{u:<uid>}:meta} HASH: {@code loaded} (the ZSET holds the user's newest items), {@code complete}
 *       (it holds all of them), {@code gen} (bumped by each delete and edit).</li>
 * </ul>
 * Races, and why they are safe: inserts always add (idempotently) whether or not the user is loaded, and a
 * read-through fill merges its MongoDB snapshot into what is there, so an insert during a fill is never lost. A fill
 * applies only if no delete or edit happened since it read {@code gen}, so it cannot bring back a deleted item or
 * an edited item's old version; a tombstone
 * stops an insert whose cache write lands after the delete of the same item. The ZSET holds the user's newest items
 * up to the capacity plus a quarter: past that it is trimmed back to the capacity (which clears {@code complete}), so
 * the trim's four commands run once per quarter of the capacity, not for each new note of a user at capacity. Pages
 * deeper than the cache are answered by MongoDB.
 */
public final class RecentItemsCache {
    /** Renews the idle TTL of the user's three keys (reads do too). */
    private static final String TOUCH = """
            local function touch(ttl)
              if ttl > 0 then for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], ttl) end end
            end
            """;

    /**
     * When a capacity-bounded set is trimmed (this cache, {@link KeywordIndex}): only past the capacity plus a quarter,
     * so a set at capacity pays the trim once per cap/4 additions, not for each one.
     */
    static final String PAST_SLACK = """
            local function pastSlack(n, cap) return n > cap + math.floor(cap / 4) end
            """;

    private static final String ADD_ONE = PAST_SLACK + """
            local function add(score, member, json)
              -- a new member is the common case: one write, no read; a member there already may be a tombstone
              if redis.call('HSETNX', KEYS[2], member, json) == 0 and redis.call('HGET', KEYS[2], member) == '' then return end
              redis.call('ZADD', KEYS[1], score, member)
            end
            local function trim(cap)
              local n = redis.call('ZCARD', KEYS[1])
              if not pastSlack(n, cap) then return false end
              local old = redis.call('ZRANGE', KEYS[1], 0, n - cap - 1)
              redis.call('ZREMRANGEBYRANK', KEYS[1], 0, n - cap - 1)
              for _, m in ipairs(old) do redis.call('HDEL', KEYS[2], m) end
              redis.call('HSET', KEYS[3], 'complete', '0')
              return true
            end
            """ + TOUCH;

    /** KEYS z, h, m; ARGV cap, ttl, then (score, member, json) triples. */
    private static final RedisScript ADD = new RedisScript(ADD_ONE + """
            for i = 3, #ARGV, 3 do add(ARGV[i], ARGV[i + 1], ARGV[i + 2]) end
            trim(tonumber(ARGV[1]))
            touch(tonumber(ARGV[2]))
            return 1
            """);

    /** KEYS z, h, m; ARGV gen, cap, ttl, complete (1: the snapshot holds all the user's items), triples. */
    private static final RedisScript FILL = new RedisScript(ADD_ONE + """
            if (redis.call('HGET', KEYS[3], 'gen') or '0') ~= ARGV[1] then return 0 end
            for i = 5, #ARGV, 3 do add(ARGV[i], ARGV[i + 1], ARGV[i + 2]) end
            local trimmed = trim(tonumber(ARGV[2]))
            redis.call('HSET', KEYS[3], 'loaded', '1')
            if ARGV[4] == '1' and not trimmed then redis.call('HSET', KEYS[3], 'complete', '1') end
            if ARGV[4] ~= '1' then redis.call('HSET', KEYS[3], 'complete', '0') end
            touch(tonumber(ARGV[3]))
            return 1
            """);

    /** KEYS z, h, m; ARGV ttl. A user just created has no items: cached as loaded and complete, with no MongoDB read. */
    private static final RedisScript MARK_EMPTY = new RedisScript(ADD_ONE + """
            redis.call('HSETNX', KEYS[3], 'loaded', '1')
            redis.call('HSETNX', KEYS[3], 'complete', '1')
            touch(tonumber(ARGV[1]))
            return 1
            """);

    /** KEYS z, h, m; ARGV member, ttl. */
    private static final RedisScript REMOVE = new RedisScript(ADD_ONE + """
            redis.call('ZREM', KEYS[1], ARGV[1])
            redis.call('HSET', KEYS[2], ARGV[1], '')
            redis.call('HINCRBY', KEYS[3], 'gen', 1)
            -- a full cache that lost an entry no longer holds the user's newest N: refill on the next read
            if redis.call('HGET', KEYS[3], 'complete') ~= '1' then redis.call('HDEL', KEYS[3], 'loaded') end
            touch(tonumber(ARGV[2]))
            return 1
            """);

    /**
     * KEYS z, h, m; ARGV cap, ttl, score, member, json, version. An edit: replaces the cached JSON and score unless
     * the item is deleted or the cache already holds this version or a later one (edits may land out of order). It
     * bumps {@code gen} so a fill that read MongoDB before the edit cannot write the old ts back.
     */
    private static final RedisScript UPDATE = new RedisScript(ADD_ONE + """
            local cur = redis.call('HGET', KEYS[2], ARGV[4])
            if cur == '' then return 0 end
            if cur then
              local ok, old = pcall(cjson.decode, cur)
              if ok and type(old) == 'table' and tonumber(old['version']) and tonumber(old['version']) >= tonumber(ARGV[6]) then return 0 end
            end
            redis.call('HINCRBY', KEYS[3], 'gen', 1)
            if cur or redis.call('HGET', KEYS[3], 'loaded') == '1' then
              redis.call('ZADD', KEYS[1], ARGV[3], ARGV[4])
              redis.call('HSET', KEYS[2], ARGV[4], ARGV[5])
              trim(tonumber(ARGV[1]))
            end
            touch(tonumber(ARGV[2]))
            return 1
            """);

    /**
     * KEYS z, h, m; ARGV off, lim, ttl. Returns {0, gen} when not loaded, {2} when the page is deeper than the cache,
     * else {1, json...}.
     */
    private static final String PAGE = """
            local function page()
              local meta = redis.call('HMGET', KEYS[3], 'loaded', 'complete', 'gen')
              if meta[1] ~= '1' then return {0, meta[3] or '0'} end
              local off, lim = tonumber(ARGV[1]), tonumber(ARGV[2])
              local n = redis.call('ZCARD', KEYS[1])
              if off + lim > n and meta[2] ~= '1' then return {2} end
              touch(tonumber(ARGV[3]))
              local out = {1}
              if off >= n then return out end
              local ids = redis.call('ZREVRANGE', KEYS[1], off, off + lim - 1)
              local jsons = redis.call('HMGET', KEYS[2], unpack(ids))
              for i = 1, #ids do if jsons[i] and jsons[i] ~= '' then out[#out + 1] = jsons[i] end end
              return out
            end
            """;

    private static final RedisScript READ = new RedisScript(TOUCH + PAGE + "return page()\n");

    /**
     * The {@code store.info} reply body of a cache hit, built in Redis ({@link Message#replyFromRedis}) as the list of
     * its parts: KEYS z, h, m; ARGV off, lim, ttl. False when {@link #READ} would not answer a hit. Its only write is
     * the TTL refresh READ does.
     */
    static final String INFO_REPLY = TOUCH + PAGE + """
            local r = page()
            if r[1] ~= 1 then return false end
            -- the parts of the body, joined once with the reply around it (three 8 KB concatenations cost ~20 µs more)
            local parts = {'{"items":['}
            for i = 2, #r do
              if i > 2 then parts[#parts + 1] = ',' end
              parts[#parts + 1] = r[i]
            end
            parts[#parts + 1] = ']}'
            return parts
            """;

    private static final int ITEMS_PER_CALL = 200;
    /** How long an empty read-through fill (a user without items, or no such user) is remembered. */
    static final Duration EMPTY_FILL_TTL = Duration.ofMinutes(10);

    private final UnifiedJedis redis;
    private final String namespace;
    private final int capacity;
    private final long ttlMs;

    /**
     * @param capacity items kept per user ({@code store.recentCacheSize})
     * @param ttl      idle time after which a user's cache is dropped; zero keeps it until evicted
     */
    public RecentItemsCache(UnifiedJedis redis, String namespace, int capacity, Duration ttl) {
        if (capacity < 1) throw new IllegalArgumentException("store.recentCacheSize must be at least 1: " + capacity);
        this.redis = redis;
        this.namespace = namespace;
        this.capacity = capacity;
        this.ttlMs = ttl.toMillis();
    }

    public int capacity() {
        return capacity;
    }

    /** What a cached read found. */
    public sealed interface Lookup {
        /** The page, newest first, each item as the JSON text cached (parsed only by whoever needs a tree). */
        record Hit(List<String> itemsJson) implements Lookup {
            public List<JsonObject> items() {
                return itemsJson.stream().map(j -> JsonParser.parseString(j).getAsJsonObject()).toList();
            }
        }

        /** The user is not loaded: fill with a snapshot taken after reading this generation. */
        record NotLoaded(String generation) implements Lookup {}

        /** The page reaches past what the cache holds: ask MongoDB. */
        record TooDeep() implements Lookup {}
    }

    public Lookup read(long userid, int lim, int off) {
        List<?> r = (List<?>) READ.eval(redis, keys(userid), List.of(Integer.toString(off), Integer.toString(lim), Long.toString(ttlMs)));
        long status = (Long) r.get(0);
        if (status == 0) return new Lookup.NotLoaded(String.valueOf(r.get(1)));
        if (status == 2) return new Lookup.TooDeep();
        List<String> items = new ArrayList<>(r.size() - 1);
        for (int i = 1; i < r.size(); i++) items.add((String) r.get(i));
        return new Lookup.Hit(items);
    }

    /**
     * Answers {@code m} with the page as {@code {"items":[…]}} straight from Redis when the cache holds it: the read,
     * the reply and the ack are one script. False (nothing sent) on a miss, a page deeper than the cache, or when the
     * bus cannot run it as one step (Cluster): then {@link #read} and a reply of the caller's.
     */
    public boolean replyPage(Message m, long userid, int lim, int off) {
        return m.replyFromRedis(INFO_REPLY, keys(userid), List.of(Integer.toString(off), Integer.toString(lim), Long.toString(ttlMs)));
    }

    /**
     * Merges a MongoDB snapshot of the user's newest {@code capacity} items, taken after reading {@code generation},
     * and marks the user loaded. Returns false (nothing written) if a delete happened in between.
     */
    public boolean fill(long userid, String generation, List<Item> newest) {
        List<String> args = new ArrayList<>(4 + newest.size() * 3);
        args.add(generation);
        args.add(Integer.toString(capacity));
        // Anyone may ask for any uid: an empty answer must not leave a key that lives forever (unknown uids).
        args.add(Long.toString(newest.isEmpty() && ttlMs == 0 ? EMPTY_FILL_TTL.toMillis() : ttlMs));
        args.add(newest.size() < capacity ? "1" : "0");
        for (Item i : newest) addTriple(args, i);
        return ((Long) FILL.eval(redis, keys(userid), args)) == 1L;
    }

    /** Writes items through, pipelined: one script call per user (per 200 items). Idempotent. */
    public void addAll(Collection<Item> items) {
        if (items.isEmpty()) return;
        Map<Long, List<Item>> byUser = new LinkedHashMap<>();
        for (Item i : items) byUser.computeIfAbsent(i.userid(), u -> new ArrayList<>()).add(i);
        List<RedisScript.Call> calls = new ArrayList<>(byUser.size());
        for (Map.Entry<Long, List<Item>> e : byUser.entrySet()) {
            List<Item> list = e.getValue();
            for (int from = 0; from < list.size(); from += ITEMS_PER_CALL) {
                List<Item> chunk = list.subList(from, Math.min(list.size(), from + ITEMS_PER_CALL));
                List<String> args = new ArrayList<>(2 + chunk.size() * 3);
                args.add(Integer.toString(capacity));
                args.add(Long.toString(ttlMs));
                for (Item i : chunk) addTriple(args, i);
                calls.add(new RedisScript.Call(keys(e.getKey()), args));
            }
        }
        ADD.evalAll(redis, calls);
    }

    /** Users known to have no items yet (just created): cached as empty and complete, so their first read is free. */
    public void markEmpty(Collection<Long> userids) {
        if (userids.isEmpty()) return;
        List<RedisScript.Call> calls = new ArrayList<>(userids.size());
        for (long u : userids) calls.add(new RedisScript.Call(keys(u), List.of(Long.toString(ttlMs))));
        MARK_EMPTY.evalAll(redis, calls);
    }

    /** Writes an edited item through (a no-op if it was deleted or a later version is cached). */
    public void update(Item item) {
        List<String> args = new ArrayList<>(6);
        args.add(Integer.toString(capacity));
        args.add(Long.toString(ttlMs));
        addTriple(args, item);
        args.add(Long.toString(item.version()));
        UPDATE.eval(redis, keys(item.userid()), args);
    }

    public void remove(long userid, long itemId) {
        REMOVE.eval(redis, keys(userid), List.of(member(itemId), Long.toString(ttlMs)));
    }

    /** Diagnostics and tests: the cached JSON of one item, empty if not cached. */
    public Optional<String> cachedJson(long userid, long itemId) {
        String v = redis.hget(key(userid, "items"), member(itemId));
        return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v);
    }

    /** Diagnostics and tests: how many items the user's cache holds. */
    public long size(long userid) {
        return redis.zcard(key(userid, "recent"));
    }

    private List<String> keys(long userid) {
        return List.of(key(userid, "recent"), key(userid, "items"), key(userid, "meta"));
    }

    /** Every key of one user shares the hash tag {uid}: one Cluster slot per user. */
    String key(long userid, String part) {
        return new Keys(namespace).tagged("u", Long.toString(userid), part);
    }

    private static void addTriple(List<String> args, Item i) {
        args.add(Long.toString(i.ts()));
        args.add(member(i.id()));
        args.add(i.toJsonText());
    }

    static String member(long itemId) {
        String s = Long.toString(itemId);
        return "0".repeat(19 - s.length()) + s;
    }
}
