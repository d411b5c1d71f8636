package io.gorgon.roles.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.gorgon.bus.Bus;
import io.gorgon.bus.BusOptions;
import io.gorgon.bus.testing.Await;
import io.gorgon.protocol.Item;
import io.gorgon.protocol.Protocol;
import io.gorgon.roles.testing.ApiUser;
import io.gorgon.simulator.FeedSimServer;
import io.gorgon.roles.testing.Http;
import io.gorgon.roles.testing.Mesh;
import io.gorgon.roles.testing.NotifySocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;

/**
 * Feeds in and webhooks out through real processes: two provider instances polling real HTTP feeds (a local
 * {@link FeedSimServer}'s named feeds) and delivering to a real {@link WebhookReceiver}, with the rest of the mesh between them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FeedsEndToEndTest {
    @TempDir
    static Path dir;
    Mesh mesh;
    Http http;
    String web;
    FeedSimServer feeds;
    WebhookReceiver hooks;
    UnifiedJedis redis;

    @BeforeAll
    void start() throws Exception {
        feeds = new FeedSimServer();
        hooks = new WebhookReceiver();
        mesh = new Mesh(dir, Map.ofEntries(
                Map.entry("provider.plugins", List.of()),
                Map.entry("provider.feeds.allowPrivate", true),
                Map.entry("provider.feeds.minIntervalMs", 200),
                Map.entry("provider.feeds.maxIntervalMs", 3000),
                Map.entry("provider.feeds.maxBackoffMs", 6000),
                Map.entry("provider.feeds.timeoutMs", 5000),
                Map.entry("provider.feeds.leaseMs", 6000),
                Map.entry("provider.webhooks.allowPrivate", true),
                Map.entry("provider.webhooks.retryBaseMs", 200),
                Map.entry("provider.webhooks.maxDeliveries", 4),
                Map.entry("provider.webhooks.timeoutMs", 5000)));
        mesh.startAll("store-1", "auth-1", "app-1", "web-1", "notify-1", "provider-1", "provider-2");
        mesh.awaitReady(Duration.ofSeconds(180)); // seven JVMs starting at once on 2 shared cores
        http = mesh.http();
        web = mesh.webUrl();
        redis = RedisClient.builder().fromURI(java.net.URI.create(mesh.redis().uri())).build();
    }

    @AfterAll
    void stop() {
        if (redis != null) redis.close();
        if (mesh != null) mesh.close();
        if (feeds != null) feeds.close();
        if (hooks != null) hooks.close();
    }

    String follow(ApiUser u, String url) {
        Http.Response r = http.post(web + "/feeds", u.token(), "{\"url\":\"" + url + "\"}");
        assertEquals(201, r.status(), () -> r + "\n" + mesh.logs());
        return r.json().get("id").getAsString();
    }

    JsonObject status(ApiUser u, String feedId) {
        for (JsonElement e : http.get(web + "/feeds", u.token()).json().getAsJsonArray("feeds")) {
            if (e.getAsJsonObject().get("id").getAsString().equals(feedId)) return e.getAsJsonObject();
        }
        return null;
    }

    JsonArray items(ApiUser u, String feedId) {
        return http.get(web + "/info/" + feedId + "?lim=100", u.token()).json().getAsJsonArray("items");
    }

    @Test
    @Order(1)
    void followListUnfollowAndOneIdPerUrl() {
        ApiUser a = ApiUser.register(http, web, "fa@example.com"), b = ApiUser.register(http, web, "fb@example.com");
        String url = feeds.namedUrl("shared");
        String id = follow(a, url);
        assertEquals(id, follow(b, url), "the same URL, by anyone, is the same feed");
        assertEquals(id, follow(a, url), "following twice is idempotent");
        assertEquals(2, status(a, id).get("followers").getAsLong());
        assertEquals(204, http.delete(web + "/feeds/" + id, b.token()).status());
        assertEquals(404, http.delete(web + "/feeds/" + id, b.token()).status());
        assertEquals(null, status(b, id));
        assertEquals(1, status(a, id).get("followers").getAsLong());
        for (String bad : List.of("{\"url\":\"ftp://x/feed\"}", "{\"url\":\"not a url\"}", "{}", "{\"url\":7}")) {
            Http.Response r = http.post(web + "/feeds", a.token(), bad);
            assertEquals(400, r.status(), bad + " → " + r);
        }
        assertEquals(400, http.delete(web + "/feeds/abc", a.token()).status());
        assertEquals(401, http.get(web + "/feeds", null).status());
        assertEquals(204, http.delete(web + "/feeds/" + id, a.token()).status(), "nobody follows it now: it stops being polled");
    }

    @Test
    @Order(2)
    void entriesBecomeItemsOnceAndAChangedEntryBecomesAnEdit() throws Exception {
        ApiUser u = ApiUser.register(http, web, "fc@example.com");
        FeedSimServer.Named f = feeds.named("news");
        String feedId = follow(u, feeds.namedUrl("news"));
        try (NotifySocket ws = new NotifySocket(mesh.notifyPort(), u.token())) {
            // Subscribed before the entries appear: a socket gets the events after its subscribe (notify records
            // no user's events before someone follows them).
            ws.send("{\"op\":\"subscribe\",\"users\":[\"" + feedId + "\"]}");
            JsonObject ack;
            do {
                ack = ws.next(10);
                assertNotNull(ack, "a subscribed reply");
            } while (!ack.get("op").getAsString().equals("subscribed"));
            f.put("g1", "one", "first");
            f.put("g2", "two", "second");
            f.put("g3", "three", "third");
            Await.until(Duration.ofSeconds(30), () -> "3 items; logs:\n" + mesh.logs(), () -> items(u, feedId).size() == 3);
            f.put("g2", "two", "second, corrected");
            f.put("g4", "four", "fourth");
            Await.until(Duration.ofSeconds(30), "4 items", () -> items(u, feedId).size() == 4);
            Set<String> added = new HashSet<>();
            JsonObject edited = null;
            long deadline = System.currentTimeMillis() + 30_000;
            while ((added.size() < 4 || edited == null) && System.currentTimeMillis() < deadline) {
                JsonObject e = ws.next(5);
                if (e != null && e.get("op").getAsString().equals("error")) throw new AssertionError(e.toString());
                if (e == null || !e.get("op").getAsString().equals("event")) continue;
                JsonObject item = e.getAsJsonObject("item");
                if (e.get("type").getAsString().equals("item.added")) assertTrue(added.add(item.get("id").getAsString()), "added twice: " + e);
                if (e.get("type").getAsString().equals("item.edited")) edited = item;
            }
            assertEquals(4, added.size(), "every entry arrived once on the socket");
            assertNotNull(edited, "the changed entry came as an edit");
            assertEquals("second, corrected", edited.get("body").getAsString());
            assertTrue(added.contains(edited.get("id").getAsString()), "an edit of the entry's item, not a new item");
        }
        // Further polls of the unchanged feed: conditional GETs answered 304, and still no second item.
        Await.until(Duration.ofSeconds(20), "a 304", () -> status(u, feedId).has("notModified") && f.notModified.get() > 0);
        JsonArray all = items(u, feedId);
        assertEquals(4, all.size(), "no duplicates after further polls: " + all);
        assertEquals(feedId, all.get(0).getAsJsonObject().get("userid").getAsString());
        // The stats page's feed figures travel in the providers' metrics snapshots as latency series.
        String metrics = new io.gorgon.bus.Keys(mesh.namespace()).stream("metrics");
        Await.until(Duration.ofSeconds(10), "feed series in a metrics snapshot", () -> {
            String recent = redis.xrevrange(metrics, (StreamEntryID) null, (StreamEntryID) null, 50).toString();
            return recent.contains("feed.fetch.304") && recent.contains("feed.fetch");
        });
    }

    @Test
    @Order(3)
    void pollsAreWeightedByFollowers() throws Exception {
        ApiUser[] users = {ApiUser.register(http, web, "w1@example.com"), ApiUser.register(http, web, "w2@example.com"),
                ApiUser.register(http, web, "w3@example.com")};
        FeedSimServer.Named popular = feeds.named("popular"), niche = feeds.named("niche");
        popular.put("p", "p", "p");
        niche.put("n", "n", "n");
        for (ApiUser u : users) follow(u, feeds.namedUrl("popular"));
        follow(users[0], feeds.namedUrl("niche"));
        int p0 = popular.requests.get(), n0 = niche.requests.get();
        Thread.sleep(12_000);
        int p = popular.requests.get() - p0, n = niche.requests.get() - n0;
        // maxIntervalMs 3000: the popular feed every 1 s, the niche one every 3 s.
        assertTrue(n >= 2 && p >= 2 * n, "3 followers vs 1: polls " + p + " vs " + n);
    }

    @Test
    @Order(4)
    void aFailingFeedBacksOffHonouringRetryAfterAndAHostileOneIsOnlyAnError() throws Exception {
        ApiUser u = ApiUser.register(http, web, "fd@example.com");
        feeds.named("down").mode = FeedSimServer.Mode.FAIL_503;
        feeds.named("evil").mode = FeedSimServer.Mode.HOSTILE;
        String down = follow(u, feeds.namedUrl("down")), evil = follow(u, feeds.namedUrl("evil"));
        Await.until(Duration.ofSeconds(20), "both failed", () -> status(u, down).has("lastError") && status(u, evil).has("lastError"));
        JsonObject s = status(u, down);
        assertEquals("HTTP 503", s.get("lastError").getAsString());
        assertTrue(s.get("interval").getAsLong() >= 2000, "Retry-After: 2 is honoured: " + s);
        int before = feeds.named("down").requests.get();
        Thread.sleep(3000);
        assertTrue(feeds.named("down").requests.get() - before <= 2, "backs off, no hammering");
        assertTrue(status(u, evil).get("lastError").getAsString().startsWith("not a readable RSS/Atom feed"), status(u, evil).toString());
        assertEquals(0, items(u, evil).size());
        assertEquals(200, http.get(web + "/feeds", u.token()).status(), "the mesh is fine");
    }

    @Test
    @Order(5)
    void webhooksAreSignedRetriedAndDeadLettered() throws Exception {
        ApiUser u = ApiUser.register(http, web, "wh@example.com");
        Http.Response bad = http.post(web + "/webhooks", u.token(), "{\"url\":\"" + hooks.url("/ok/x") + "\",\"events\":[\"nope\"]}");
        assertEquals(400, bad.status(), bad::toString);
        Map<String, String> ids = new java.util.HashMap<>();
        for (String path : List.of("/ok/a", "/flaky/a", "/dead/a", "/slow/a")) {
            Http.Response r = http.post(web + "/webhooks", u.token(), "{\"url\":\"" + hooks.url(path) + "\",\"events\":[\"item.added\",\"item.edited\"]}");
            assertEquals(201, r.status(), r::toString);
            hooks.secrets.put(path, r.json().get("secret").getAsString());
            ids.put(path, r.json().get("id").getAsString());
        }
        JsonArray listed = http.get(web + "/webhooks", u.token()).json().getAsJsonArray("webhooks");
        assertEquals(4, listed.size());
        assertFalse(listed.get(0).getAsJsonObject().has("secret"), "the secret is shown once only");
        Thread.sleep(1500); // the fan-out's copy of the webhooks refreshes each second

        Http.Response created = http.post(web + "/items", u.token(), "{\"title\":\"hooked\"}");
        assertEquals(201, created.status());
        String itemId = created.json().get("id").getAsString();
        Await.until(Duration.ofSeconds(20), "ok and flaky deliveries", () -> !hooks.at("/ok/a").isEmpty() && hooks.at("/flaky/a").size() >= 3);
        WebhookReceiver.Delivery ok = hooks.at("/ok/a").get(0);
        assertTrue(ok.signatureValid(), "HMAC-SHA256 over timestamp.body with the secret");
        assertEquals("item.added", ok.type());
        assertEquals(itemId, ok.body().getAsJsonObject("item").get("id").getAsString());
        List<WebhookReceiver.Delivery> flaky = hooks.at("/flaky/a");
        assertTrue(flaky.stream().allMatch(d -> d.eventId().equals(ok.eventId())), "retries carry the same event id");
        assertTrue(ok.receivedAt() < hooks.at("/slow/a").stream().mapToLong(WebhookReceiver.Delivery::receivedAt).min().orElse(Long.MAX_VALUE),
                "a slow endpoint does not hold up the others");

        Await.until(Duration.ofSeconds(30), "a dead letter for the dead endpoint", () -> deadLetters().contains("HTTP 500"));
        assertEquals(4, hooks.at("/dead/a").size(), "provider.webhooks.maxDeliveries attempts, then parked");

        // A producer's batch (store.items.put → one items.added) reaches a webhook as one item.added per item.
        try (Bus producer = Bus.connect(BusOptions.of(mesh.redis().uri(), "tester")
                .withNamespace(mesh.namespace()))) {
            JsonArray items = new JsonArray();
            for (long id : new long[] {9_000_001, 9_000_002}) {
                items.add(new Item(id, Long.parseLong(u.id()), "batched " + id, "", null,
                        System.currentTimeMillis(), null, List.of(), null).toJson());
            }
            JsonObject body = new JsonObject();
            body.add("items", items);
            producer.request(Protocol.STORE_PUT, Protocol.STORE_ITEMS_PUT, body, Duration.ofSeconds(20)).join();
        }
        Supplier<List<WebhookReceiver.Delivery>> batched = () -> hooks.at("/ok/a").stream()
                .filter(d -> d.body().getAsJsonObject("item").get("id").getAsString().startsWith("900000")).toList();
        Await.until(Duration.ofSeconds(20), "both batched items at the ok hook", () -> batched.get().stream()
                .map(d -> d.body().getAsJsonObject("item").get("id").getAsString()).distinct().count() == 2);
        assertTrue(batched.get().stream().allMatch(d -> d.type().equals("item.added") && d.signatureValid()));
        assertEquals(2, batched.get().stream().map(WebhookReceiver.Delivery::eventId).distinct().count(), "an id per item");
        assertTrue(batched.get().get(0).eventId().matches(".+/[01]"), batched.get().get(0).eventId());

        assertEquals(204, http.delete(web + "/webhooks/" + ids.get("/ok/a"), u.token()).status());
        assertEquals(404, http.delete(web + "/webhooks/" + ids.get("/ok/a"), u.token()).status());
    }

    String deadLetters() {
        String key = new io.gorgon.bus.Keys(mesh.namespace()).deadLetters("provider_put");
        return redis.xrange(key, (StreamEntryID) null, (StreamEntryID) null).toString();
    }

    @Test
    @Order(6)
    void aKilledPollersFeedIsTakenOverAndNoFeedIsPolledTwiceAtOnce() throws Exception {
        ApiUser u = ApiUser.register(http, web, "tk@example.com");
        FeedSimServer.Named slow = feeds.named("slow");
        slow.mode = FeedSimServer.Mode.SLOW_FIRST;
        slow.put("s1", "slow one", "body");
        String id = follow(u, feeds.namedUrl("slow"));
        String leaseKey = mesh.namespace() + ":{feeds}:f:" + id;
        Await.until(Duration.ofSeconds(10), "a poller holds the slow feed", () -> slow.requests.get() == 1 && redis.hget(leaseKey, "lease") != null);
        String holder = redis.hget(leaseKey, "lease");
        String victim = holder.startsWith("provider-1-") ? "provider-1" : "provider-2";
        mesh.kill(victim); // SIGKILL mid-fetch
        Await.until(Duration.ofSeconds(30), () -> "the survivor took the feed over; logs:\n" + mesh.logs(),
                () -> items(u, id).size() == 1);
        assertTrue(slow.requests.get() >= 2);
        assertEquals(1, feeds.maxInFlight(), "no feed was ever fetched by two pollers at once");
    }
}
