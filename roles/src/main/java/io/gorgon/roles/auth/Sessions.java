package io.gorgon.roles.auth;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.gorgon.bus.Keys;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import redis.clients.jedis.UnifiedJedis;

/**
 * Each user's live tokens as sessions, for {@code GET /auth/sessions} and for revoking them all: per user, under
 * the user's hash tag,
 * <ul>
 *   <li>{@code <ns>:u:{<uid>}:sessions} HASH token digest → {@code {"created","expiresAt","client"}};</li>
 *   <li>{@code <ns>:u:{<uid>}:lastused} HASH token digest → ms of its last use, written at most every
 *       {@link #TOUCH_EVERY_MS} per token and instance, so validation stays one read on the hot path.</li>
 * </ul>
 * Both expire with the user's newest token. Entries of tokens that expired are dropped when listed.
 */
final class Sessions {
    static final long TOUCH_EVERY_MS = 30_000;
    private static final int TOUCH_MEMORY = 100_000;

    private final UnifiedJedis redis;
    private final Keys keys;
    private final Map<String, Long> touched = new ConcurrentHashMap<>();

    Sessions(UnifiedJedis redis, String namespace) {
        this.redis = redis;
        this.keys = new Keys(namespace);
    }

    /** One session as the user sees it: {@code id} is a prefix of the token's digest, never the token. */
    record Session(String id, long created, long lastUsed, String client, long expiresAt, boolean current) {}

    void started(long userid, String digest, long expiresAt, long ttlMs, String client) {
        long now = System.currentTimeMillis();
        JsonObject v = new JsonObject();
        v.addProperty("created", now);
        v.addProperty("expiresAt", expiresAt);
        v.addProperty("client", client == null ? "" : client);
        String s = key(userid, "sessions");
        String u = key(userid, "lastused");
        redis.hset(s, digest, v.toString());
        redis.hset(u, digest, Long.toString(now));
        redis.pexpire(s, ttlMs);
        redis.pexpire(u, ttlMs);
    }

    /** A validated use of the token; recorded at most every {@link #TOUCH_EVERY_MS}. */
    void used(long userid, String digest) {
        long now = System.currentTimeMillis();
        Long last = touched.get(digest);
        if (last != null && now - last < TOUCH_EVERY_MS) return;
        if (touched.size() > TOUCH_MEMORY) touched.clear(); // a bound, not a cache policy: worst case one more write
        touched.put(digest, now);
        redis.hset(key(userid, "lastused"), digest, Long.toString(now));
    }

    void ended(long userid, String digest) {
        redis.hdel(key(userid, "sessions"), digest);
        redis.hdel(key(userid, "lastused"), digest);
        touched.remove(digest);
    }

    /** Token digests of the user's sessions, live or not yet cleaned up. */
    List<String> digests(long userid) {
        return new ArrayList<>(redis.hkeys(key(userid, "sessions")));
    }

    /** The user's live sessions, newest first; {@code currentDigest} marks the caller's own. */
    List<Session> list(long userid, String currentDigest, java.util.function.Predicate<String> live) {
        Map<String, String> all = redis.hgetAll(key(userid, "sessions"));
        Map<String, String> lastUsed = redis.hgetAll(key(userid, "lastused"));
        List<Session> out = new ArrayList<>();
        for (var e : all.entrySet()) {
            if (!live.test(e.getKey())) {
                ended(userid, e.getKey());
                continue;
            }
            JsonObject v = JsonParser.parseString(e.getValue()).getAsJsonObject();
            long created = v.get("created").getAsLong();
            out.add(new Session(e.getKey().substring(0, 16), created, Long.parseLong(lastUsed.getOrDefault(e.getKey(), "" + created)),
                    v.get("client").getAsString(), v.get("expiresAt").getAsLong(), e.getKey().equals(currentDigest)));
        }
        out.sort(Comparator.comparingLong(Session::created).reversed());
        return out;
    }

    private String key(long userid, String part) {
        return keys.tagged("u", Long.toString(userid), part);
    }
}
