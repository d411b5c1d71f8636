package io.gorgon.roles.notify;

import io.gorgon.roles.testing.TestRedis;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.gorgon.bus.Bus;
import io.gorgon.bus.BusOptions;
import io.gorgon.bus.Keys;
import io.gorgon.bus.testing.Await;
import io.gorgon.protocol.Protocol;
import io.gorgon.roles.RoleContext;
import io.gorgon.roles.RoleMain;
import io.gorgon.roles.auth.TokenService;
import io.gorgon.roles.config.GorgonConfig;
import io.gorgon.protocol.Item;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.StreamEntryID;

/** The notify role on a real redis-server and real buses, driven by a real WebSocket client. */
class NotifyRoleTest {
    private static TestRedis redisServer;
    private static RedisClient redis;

    private String ns;
    private Bus store;
    private TokenService tokens;
    private RoleMain.Running auth;
    private final Deque<AutoCloseable> cleanup = new ArrayDeque<>();
    private long nextItemId = 1000;

    @BeforeAll
    static void startRedis() {
        redisServer = new TestRedis();
        redis = redisServer.client;
    }

    @AfterAll
    static void stopRedis() {
        redisServer.close();
    }

    @BeforeEach
    void setUp() {
        ns = "nt" + UUID.randomUUID().toString().substring(0, 8);
        store = Bus.connect(BusOptions.of(redisServer.uri(), "store").withNamespace(ns));
        tokens = new TokenService(redis, ns, Duration.ofHours(1));
        startAuth();
    }

    /** Notify asks auth whose a token is, over the bus: one auth instance answers for the test's namespace. */
    private void startAuth() {
        try {
            GorgonConfig config = GorgonConfig.defaults().with("redis.uri=" + redisServer.uri(), "namespace=" + ns,
                    "auth.pbkdf2Iterations=1000", "auth.principalKey=notify-test-key");
            auth = RoleMain.start("auth", "auth-" + ns, config);
            cleanup.push(auth::stop);
        } catch (Exception e) {
            throw new IllegalStateException("auth did not start", e);
        }
    }

    @AfterEach
    void tearDown() throws Exception {
        while (!cleanup.isEmpty()) cleanup.pop().close();
        store.close(Duration.ofSeconds(2));
    }

    // ---- helpers ----

    private NotifyRole startRole(String... settings) {
        Bus bus = Bus.connect(BusOptions.of(redisServer.uri(), "notify").withNamespace(ns));
        RedisClient rc = RedisClient.create(redisServer.uri());
        RoleContext ctx = new RoleContext("notify", bus.options().instanceId(), GorgonConfig.defaults().with("notify.port=0").with(settings),
                bus, rc, new Keys(ns));
        NotifyRole role = new NotifyRole(ctx);
        role.start();
        cleanup.push(() -> {
            role.stop();
            bus.close(Duration.ofSeconds(2));
            rc.close();
        });
        return role;
    }

    private WsClient client(NotifyRole role, long userid) {
        WsClient c = WsClient.connect(role.port(), tokens.issue(userid).token());
        cleanup.push(c);
        return c;
    }

    /** Publishes item.added for {@code userid} as the store does; returns the item id. */
    private String publishAdded(long userid) {
        long id = nextItemId++;
        Item item = new Item(id, userid, "note " + id, "", null, System.currentTimeMillis(), null, List.of("k"), null);
        JsonObject body = new JsonObject();
        body.add("item", item.toJson());
        store.publish(Protocol.STORE_NOTIFY, Protocol.ITEM_ADDED, body).join();
        return Long.toString(id);
    }

    private static String subscribe(String... users) {
        return "{\"op\":\"subscribe\",\"users\":[\"" + String.join("\",\"", users) + "\"]}";
    }

    private static String resume(String lastEventId, String... users) {
        return "{\"op\":\"subscribe\",\"users\":[\"" + String.join("\",\"", users) + "\"],\"lastEventId\":\"" + lastEventId + "\"}";
    }

    /** The next frame must be an event; returns its item id. */
    private static JsonObject event(WsClient c) {
        return c.next("event");
    }

    private static String itemId(JsonObject event) {
        return event.getAsJsonObject("item").get("id").getAsString();
    }

    // ---- tests ----

    @Test
    void pushesSubscribedUsersEventsInOrderAndNoOthers() {
        NotifyRole role = startRole();
        WsClient c = client(role, 1);
        c.send(subscribe("12"));
        assertEquals("[\"12\"]", c.next("subscribed").get("users").toString());

        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            expected.add(publishAdded(12));
            publishAdded(34); // not subscribed: must never arrive
        }
        List<String> got = new ArrayList<>();
        StreamEntryID prev = new StreamEntryID(0, 0);
        for (int i = 0; i < 5; i++) {
            JsonObject e = event(c);
            assertEquals("item.added", e.get("type").getAsString());
            assertEquals("12", e.get("userid").getAsString());
            assertEquals("12", e.getAsJsonObject("item").get("userid").getAsString());
            StreamEntryID id = new StreamEntryID(e.get("id").getAsString());
            assertTrue(id.compareTo(prev) > 0, "ids ascend: " + prev + " then " + id);
            prev = id;
            got.add(itemId(e));
        }
        assertEquals(expected, got);

        // A delete, published after user 34's last event: the next frame must be it, so 34's events were not sent.
        JsonObject del = new JsonObject();
        del.addProperty("id", expected.get(0));
        del.addProperty("userid", "12");
        del.addProperty("ts", System.currentTimeMillis());
        store.publish(Protocol.STORE_NOTIFY, Protocol.ITEM_DELETED, del).join();
        JsonObject e = event(c);
        assertEquals("item.deleted", e.get("type").getAsString());
        assertEquals(expected.get(0), itemId(e));
        assertTrue(c.frames.isEmpty(), "nothing else: " + c.frames);

        // Unsubscribed users get nothing more; the marker user's event proves the stream went on.
        c.send("{\"op\":\"unsubscribe\",\"users\":[\"12\"]}");
        c.next("unsubscribed");
        c.send(subscribe("56"));
        c.next("subscribed");
        publishAdded(12);
        String marker = publishAdded(56);
        assertEquals(marker, itemId(event(c)));

        Await.until(Duration.ofSeconds(5), "delivered count", () ->
                role.delivered() == 7);
    }

    @Test
    void aBatchOfAddedItemsReachesClientsAsOneItemAddedEachInOrder() {
        NotifyRole role = startRole();
        WsClient c = client(role, 1);
        c.send(subscribe("12", "34"));
        c.next("subscribed");
        JsonArray items = new JsonArray();
        List<String> expected = new ArrayList<>();
        for (long user : new long[] {12, 56, 34, 12}) {
            long id = nextItemId++;
            items.add(new Item(id, user, "note " + id, "", null, System.currentTimeMillis(), null, List.of(), null).toJson());
            if (user != 56) expected.add(Long.toString(id));
        }
        JsonObject body = new JsonObject();
        body.add("items", items);
        store.publish(Protocol.STORE_NOTIFY, Protocol.ITEMS_ADDED, body).join();
        List<String> got = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            JsonObject e = event(c);
            assertEquals("item.added", e.get("type").getAsString());
            got.add(itemId(e));
        }
        assertEquals(expected, got);
        Await.until(Duration.ofSeconds(5), "all four appended", () -> role.appended() == 4);
    }

    @Test
    void resumeSendsExactlyTheMissedEventsThenLiveOnes() {
        NotifyRole role = startRole();
        String token = tokens.issue(1).token();
        WsClient first = WsClient.connect(role.port(), token);
        cleanup.push(first);
        first.send(subscribe("12", "34"));
        first.next("subscribed");
        publishAdded(12);
        publishAdded(34);
        event(first);
        String lastId = event(first).get("id").getAsString();
        first.abort();

        List<String> missed = List.of(publishAdded(34), publishAdded(12), publishAdded(34));
        publishAdded(78); // another user's event in between: not for this client
        // Resume reads what the role has logged: wait until it handled the last event (it appends in order). User
        // 78 is followed by no one, so that event itself is not recorded.
        io.gorgon.bus.testing.Await.until(java.time.Duration.ofSeconds(10), "the missed events logged", () -> role.appended() >= 6);
        assertFalse(redis.exists(ns + ":notify:{notify}:u:78"), "nobody follows user 78");

        WsClient again = WsClient.connectWithQuery(role.port(), token);
        cleanup.push(again);
        again.send(resume(lastId, "12", "34"));
        List<String> got = new ArrayList<>();
        for (int i = 0; i < 3; i++) got.add(itemId(event(again)));
        assertEquals(missed, got);
        JsonObject ack = again.next("subscribed");
        assertTrue(ack.get("resumed").getAsBoolean(), ack.toString());

        String live = publishAdded(12);
        assertEquals(live, itemId(event(again)));
        assertTrue(again.frames.isEmpty(), "no duplicates: " + again.frames);
    }

    @Test
    void resumeWhilePublishingHasNoGapAndNoDuplicateAtTheSeam() throws Exception {
        NotifyRole role = startRole();
        String token = tokens.issue(1).token();
        WsClient first = WsClient.connect(role.port(), token);
        cleanup.push(first);
        first.send(subscribe("12"));
        first.next("subscribed");

        int total = 300;
        List<String> published = new ArrayList<>();
        Thread publisher = Thread.ofVirtual().start(() -> {
            for (int i = 0; i < total; i++) published.add(publishAdded(12));
        });
        List<String> got = new ArrayList<>();
        String lastId = null;
        for (int i = 0; i < 50; i++) {
            JsonObject e = event(first);
            got.add(itemId(e));
            lastId = e.get("id").getAsString();
        }
        first.abort();
        WsClient again = WsClient.connect(role.port(), token);
        cleanup.push(again);
        again.send(resume(lastId, "12"));
        while (got.size() < total) {
            JsonObject f = again.next();
            if (f.get("op").getAsString().equals("subscribed")) {
                assertTrue(f.get("resumed").getAsBoolean());
                continue;
            }
            got.add(itemId(f));
        }
        publisher.join();
        assertEquals(published, got, "every event exactly once, in order, across the reconnect");
    }

    @Test
    void clientOnOneInstanceGetsEventsConsumedByAnother() {
        NotifyRole a = startRole();
        NotifyRole b = startRole();
        WsClient c = client(a, 1);
        c.send(subscribe("12"));
        c.next("subscribed");

        List<String> published = new ArrayList<>();
        // Publish until each instance has consumed some store_notify messages (the group shares them out).
        Await.until(Duration.ofSeconds(10), "both instances consuming", () -> {
            published.add(publishAdded(12));
            return a.appended() > 0 && b.appended() > 0;
        });
        List<String> got = new ArrayList<>();
        while (got.size() < published.size()) got.add(itemId(event(c)));
        assertEquals(published.stream().sorted().toList(), got.stream().sorted().toList(), "each event once");
        assertTrue(b.appended() > 0);
    }

    @Test
    void socketsPerInstanceAreCapped() {
        // Issue 12 #3: sockets per instance were unbounded.
        NotifyRole role = startRole("notify.maxSockets=2");
        client(role, 1);
        client(role, 2);
        CompletionException e = assertThrows(CompletionException.class, () -> WsClient.connect(role.port(), tokens.issue(3).token()));
        assertEquals(503, assertInstanceOf(WebSocketHandshakeException.class, e.getCause()).getResponse().statusCode());
    }

    @Test
    void withoutAuthRunningTheUpgradeIs503() throws Exception {
        NotifyRole role = startRole();
        auth.stop();
        CompletionException e = assertThrows(CompletionException.class, () -> WsClient.connect(role.port(), tokens.issue(1).token()));
        assertEquals(503, assertInstanceOf(WebSocketHandshakeException.class, e.getCause()).getResponse().statusCode());
    }

    @Test
    void badOrMissingTokenIsRefusedBeforeTheUpgrade() throws Exception {
        NotifyRole role = startRole();
        CompletionException e = assertThrows(CompletionException.class, () -> WsClient.connect(role.port(), "x".repeat(43)));
        assertEquals(401, assertInstanceOf(WebSocketHandshakeException.class, e.getCause()).getResponse().statusCode());
        e = assertThrows(CompletionException.class, () -> WsClient.connectWithQuery(role.port(), "nonsense"));
        assertEquals(401, assertInstanceOf(WebSocketHandshakeException.class, e.getCause()).getResponse().statusCode());

        HttpResponse<String> r = WsClient.HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + role.port() + "/ws")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(401, r.statusCode());
        JsonObject body = JsonParser.parseString(r.body()).getAsJsonObject();
        assertEquals("unauthorized", body.get("error").getAsString());
        assertTrue(body.has("message"));

        r = WsClient.HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + role.port() + "/ws"))
                .header("Authorization", "Bearer " + tokens.issue(1).token()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, r.statusCode(), "a valid token but no upgrade");
        assertEquals("upgrade_required", JsonParser.parseString(r.body()).getAsJsonObject().get("error").getAsString());

        r = WsClient.HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + role.port() + "/other")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(404, r.statusCode());
        assertEquals("not_found", JsonParser.parseString(r.body()).getAsJsonObject().get("error").getAsString());
    }

    @Test
    void expiredTokenClosesTheSocketWithPolicyViolation() throws Exception {
        NotifyRole role = startRole();
        TokenService shortLived = new TokenService(redis, ns, Duration.ofMillis(1500));
        WsClient c = WsClient.connect(role.port(), shortLived.issue(5).token());
        cleanup.push(c);
        assertEquals(1008, c.closeCode.get(10, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals("token_expired", JsonParser.parseString(c.closeReason).getAsJsonObject().get("error").getAsString());
    }

    @Test
    void logoutClosesTheTokensSocketsOnEveryInstanceAndNoOthers() throws Exception {
        // Issue 12 #7: a logout left the user's sockets open until the token would have expired (a day by default).
        NotifyRole a = startRole();
        NotifyRole b = startRole();
        String token = tokens.issue(7).token();
        WsClient onA = WsClient.connect(a.port(), token);
        WsClient onB = WsClient.connect(b.port(), token);
        WsClient otherSession = client(a, 7);
        cleanup.push(onA);
        cleanup.push(onB);
        store.request(Protocol.AUTH_GET, Protocol.AUTH_LOGOUT, new JsonObject(), new io.gorgon.bus.DeliveryOptions(java.util.Map.of(Protocol.H_TOKEN, token), Duration.ofSeconds(5))).join();
        assertEquals(1008, onA.closeCode.get(10, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(1008, onB.closeCode.get(10, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals("token_revoked", JsonParser.parseString(onA.closeReason).getAsJsonObject().get("error").getAsString());
        assertFalse(otherSession.closeCode.isDone(), "the user's other login keeps its socket");
    }

    @Test
    void badFramesGetAnErrorAndTheSocketKeepsWorking() {
        NotifyRole role = startRole();
        WsClient c = client(role, 1);
        String[] bad = {
                "not json",
                "[1,2]",
                "{\"op\":\"dance\"}",
                "{\"users\":[\"12\"]}",
                "{\"op\":\"subscribe\"}",
                "{\"op\":\"subscribe\",\"users\":[]}",
                "{\"op\":\"subscribe\",\"users\":[12]}",
                "{\"op\":\"subscribe\",\"users\":[\"-3\"]}",
                "{\"op\":\"subscribe\",\"users\":[\"99999999999999999999\"]}",
                "{\"op\":\"subscribe\",\"users\":[\"12\"],\"lastEventId\":\"yesterday\"}",
                "{\"op\":\"subscribe\",\"users\":[\"12\"],\"lastEventId\":7}",
        };
        for (String f : bad) {
            c.send(f);
            JsonObject err = c.next("error");
            String msg = err.get("message").getAsString();
            assertFalse(msg.isBlank() || msg.contains("Exception") || msg.contains("\tat "), f + " -> " + msg);
        }
        c.sendBinary(new byte[]{1, 2, 3});
        assertEquals("frames must be JSON text", c.next("error").get("message").getAsString());

        c.send(subscribe("12"));
        c.next("subscribed");
        String id = publishAdded(12);
        assertEquals(id, itemId(event(c)));
        assertFalse(c.closeCode.isDone());
    }

    @Test
    void stopSendsGoingAway() throws Exception {
        Bus bus = Bus.connect(BusOptions.of(redisServer.uri(), "notify").withNamespace(ns));
        RedisClient rc = RedisClient.create(redisServer.uri());
        NotifyRole role = new NotifyRole(new RoleContext("notify", bus.options().instanceId(),
                GorgonConfig.defaults().with("notify.port=0"), bus, rc, new Keys(ns)));
        role.start();
        WsClient c = WsClient.connect(role.port(), tokens.issue(1).token());
        cleanup.push(c);
        c.send(subscribe("12"));
        c.next("subscribed");
        try {
            role.stop();
            assertEquals(1001, c.closeCode.get(5, java.util.concurrent.TimeUnit.SECONDS));
        } finally {
            bus.close(Duration.ofSeconds(2));
            rc.close();
        }
    }
}
