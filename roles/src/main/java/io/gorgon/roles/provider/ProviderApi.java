package io.gorgon.roles.provider;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.gorgon.bus.HandlerFailure;
import io.gorgon.bus.Ids;
import io.gorgon.bus.Message;
import io.gorgon.protocol.Protocol;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;
import java.util.TreeSet;

/**
 * The provider's part of the HTTP API, on provider_get (routed there by app with the caller's id as principal):
 * following and unfollowing feeds, and registering webhooks. Bad input is a 400 answer with the reason.
 */
final class ProviderApi {
    static final int MAX_FEEDS_PER_USER = 1000;
    static final int MAX_WEBHOOKS_PER_USER = 100;
    static final int MAX_WEBHOOK_USERS = 100;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final FeedRegistry feeds;
    private final WebhookRegistry webhooks;
    private final UrlGuard feedUrls, webhookUrls;
    private final Ids ids;
    private final io.gorgon.roles.SignedPrincipal principals;

    ProviderApi(FeedRegistry feeds, WebhookRegistry webhooks, UrlGuard feedUrls, UrlGuard webhookUrls, Ids ids,
                io.gorgon.roles.SignedPrincipal principals) {
        this.principals = principals;
        this.feeds = feeds;
        this.webhooks = webhooks;
        this.feedUrls = feedUrls;
        this.webhookUrls = webhookUrls;
        this.ids = ids;
    }

    void handle(Message m) {
        long caller = principals.of(m); // signed by auth, or dead-lettered as forged
        JsonObject in = m.body() != null && m.body().isJsonObject() ? m.body().getAsJsonObject() : new JsonObject();
        switch (m.type()) {
            case Protocol.APP_FEED_FOLLOW -> {
                String url = checked(feedUrls, string(in, "url"));
                if (feeds.feedsOf(caller).size() >= MAX_FEEDS_PER_USER) throw new HandlerFailure(409, "you follow " + MAX_FEEDS_PER_USER + " feeds, the most allowed");
                long id = feeds.follow(url, ids.next(), caller, System.currentTimeMillis());
                m.reply(feeds.status(Long.toString(id)));
            }
            case Protocol.APP_FEED_LIST -> {
                JsonArray out = new JsonArray();
                feeds.feedsOf(caller).stream().sorted().map(feeds::status).filter(java.util.Objects::nonNull).forEach(out::add);
                JsonObject o = new JsonObject();
                o.add("feeds", out);
                m.reply(o);
            }
            case Protocol.APP_FEED_UNFOLLOW -> {
                long id = id(in);
                if (!feeds.unfollow(id, caller)) throw new HandlerFailure(404, "you do not follow feed " + id);
                m.reply(new JsonObject());
            }
            case Protocol.APP_WEBHOOK_CREATE -> {
                String url = checked(webhookUrls, string(in, "url"));
                Set<String> events = events(in.get("events"));
                Set<Long> users = users(in.get("users"));
                if (webhooks.ownedBy(caller).size() >= MAX_WEBHOOKS_PER_USER) throw new HandlerFailure(409, "you have " + MAX_WEBHOOKS_PER_USER + " webhooks, the most allowed");
                byte[] secret = new byte[32];
                RANDOM.nextBytes(secret);
                var w = new WebhookRegistry.Webhook(Long.toString(ids.next()), caller, url, events, users,
                        Base64.getUrlEncoder().withoutPadding().encodeToString(secret), System.currentTimeMillis());
                webhooks.add(w);
                m.reply(w.toJson(true)); // the only time the secret is shown
            }
            case Protocol.APP_WEBHOOK_LIST -> {
                JsonArray out = new JsonArray();
                webhooks.ownedBy(caller).stream().sorted(java.util.Comparator.comparing(WebhookRegistry.Webhook::id))
                        .forEach(w -> out.add(w.toJson(false)));
                JsonObject o = new JsonObject();
                o.add("webhooks", out);
                m.reply(o);
            }
            case Protocol.APP_WEBHOOK_DELETE -> {
                long id = id(in);
                if (!webhooks.delete(Long.toString(id), caller)) throw new HandlerFailure(404, "no webhook " + id + " of yours");
                m.reply(new JsonObject());
            }
            default -> throw new HandlerFailure(400, "provider_get does not handle type " + m.type());
        }
    }

    private static String checked(UrlGuard guard, String url) {
        try {
            return guard.check(url).toString();
        } catch (UrlGuard.Refused e) {
            throw new HandlerFailure(400, "url refused: " + e.getMessage());
        }
    }

    private static Set<String> events(JsonElement e) {
        if (e == null || !e.isJsonArray() || e.getAsJsonArray().isEmpty()) {
            throw new HandlerFailure(400, "events must be a non-empty array of " + new TreeSet<>(WebhookRegistry.EVENTS));
        }
        Set<String> out = new TreeSet<>();
        for (JsonElement x : e.getAsJsonArray()) {
            if (!x.isJsonPrimitive() || !WebhookRegistry.EVENTS.contains(x.getAsString())) {
                throw new HandlerFailure(400, "events: unknown event " + x + "; known: " + new TreeSet<>(WebhookRegistry.EVENTS));
            }
            out.add(x.getAsString());
        }
        return out;
    }

    private static Set<Long> users(JsonElement e) {
        Set<Long> out = new TreeSet<>();
        if (e == null || e.isJsonNull()) return out;
        if (!e.isJsonArray() || e.getAsJsonArray().size() > MAX_WEBHOOK_USERS) throw new HandlerFailure(400, "users must be an array of at most " + MAX_WEBHOOK_USERS + " ids");
        for (JsonElement x : e.getAsJsonArray()) out.add(parseId("users", x));
        return out;
    }

    private static long id(JsonObject in) {
        return parseId("id", in.get("id"));
    }

    private static long parseId(String field, JsonElement e) {
        String s = e != null && e.isJsonPrimitive() ? e.getAsString() : "";
        if (!s.matches("[1-9][0-9]{0,18}")) throw new HandlerFailure(400, field + " must be an id (a positive decimal string)");
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException x) {
            throw new HandlerFailure(400, field + " must be an id (a positive decimal string)");
        }
    }

    private static String string(JsonObject o, String field) {
        JsonElement e = o.get(field);
        if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) throw new HandlerFailure(400, field + " must be a string");
        return e.getAsString();
    }
}
