package io.gorgon.roles.provider;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import redis.clients.jedis.UnifiedJedis;

/**
 * Webhooks in Redis (hash tag {@code {webhooks}}): {@code all} HASH id → the webhook's JSON (with its secret),
 * {@code owner:<uid>} SET of ids. The fan-out reads all of them for every item event, so it keeps a copy refreshed
 * at most every second ({@link #all}): a new webhook receives events from about a second after its creation.
 */
final class WebhookRegistry {
    static final Set<String> EVENTS = Set.of("item.added", "item.edited", "item.deleted");
    private static final long REFRESH_MS = 1000;

    /** @param users whose item events it gets; empty = the owner's own items */
    record Webhook(String id, long owner, String url, Set<String> events, Set<Long> users, String secret, long created) {
        boolean matches(String type, long userid) {
            return events.contains(type) && (users.isEmpty() ? userid == owner : users.contains(userid));
        }

        JsonObject toJson(boolean withSecret) {
            JsonObject o = new JsonObject();
            o.addProperty("id", id);
            o.addProperty("url", url);
            JsonArray ev = new JsonArray();
            events.stream().sorted().forEach(ev::add);
            o.add("events", ev);
            JsonArray us = new JsonArray();
            users.stream().sorted().forEach(u -> us.add(Long.toString(u)));
            o.add("users", us);
            o.addProperty("owner", Long.toString(owner));
            o.addProperty("created", created);
            if (withSecret) o.addProperty("secret", secret);
            return o;
        }

        static Webhook fromJson(JsonObject o) {
            Set<String> events = new java.util.TreeSet<>();
            for (JsonElement e : o.getAsJsonArray("events")) events.add(e.getAsString());
            Set<Long> users = new java.util.TreeSet<>();
            for (JsonElement e : o.getAsJsonArray("users")) users.add(Long.parseLong(e.getAsString()));
            return new Webhook(o.get("id").getAsString(), Long.parseLong(o.get("owner").getAsString()), o.get("url").getAsString(),
                    events, users, o.get("secret").getAsString(), o.get("created").getAsLong());
        }
    }

    private final UnifiedJedis redis;
    private final String prefix;
    private volatile List<Webhook> cached = List.of();
    private volatile long cachedAt;

    WebhookRegistry(UnifiedJedis redis, String namespace) {
        this.redis = redis;
        this.prefix = namespace + ":{webhooks}:";
    }

    void add(Webhook w) {
        redis.hset(prefix + "all", w.id(), w.toJson(true).toString());
        redis.sadd(prefix + "owner:" + w.owner(), w.id());
        cachedAt = 0;
    }

    boolean delete(String id, long owner) {
        if (redis.srem(prefix + "owner:" + owner, id) == 0) return false;
        redis.hdel(prefix + "all", id);
        cachedAt = 0;
        return true;
    }

    List<Webhook> ownedBy(long owner) {
        List<Webhook> out = new ArrayList<>();
        for (String id : redis.smembers(prefix + "owner:" + owner)) {
            Webhook w = get(id);
            if (w != null) out.add(w);
        }
        return out;
    }

    /** The webhook as stored now (a delivery re-reads it: a deleted webhook gets nothing more). */
    Webhook get(String id) {
        String s = redis.hget(prefix + "all", id);
        return s == null ? null : Webhook.fromJson(JsonParser.parseString(s).getAsJsonObject());
    }

    List<Webhook> all() {
        long now = System.currentTimeMillis();
        if (now - cachedAt > REFRESH_MS) {
            List<Webhook> fresh = new ArrayList<>();
            for (Map.Entry<String, String> e : redis.hgetAll(prefix + "all").entrySet()) {
                fresh.add(Webhook.fromJson(JsonParser.parseString(e.getValue()).getAsJsonObject()));
            }
            cached = List.copyOf(fresh);
            cachedAt = now;
        }
        return cached;
    }
}
