package io.gorgon.roles.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.gorgon.bus.Bus;
import io.gorgon.bus.BusException;
import io.gorgon.bus.BusOptions;
import io.gorgon.bus.ConsumerOptions;
import io.gorgon.bus.Message;
import io.gorgon.bus.testing.Await;
import io.gorgon.protocol.Item;
import io.gorgon.protocol.Protocol;
import io.gorgon.roles.RoleMain;
import io.gorgon.roles.config.GorgonConfig;
import io.gorgon.roles.testing.InfraTestBase;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** store.items.put: a producer's batch is one message in, one items.added out, and one reply. */
class StoreItemsPutTest extends InfraTestBase {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private static JsonObject batch(long firstId, int n, long user) {
        JsonArray items = new JsonArray();
        for (int i = 0; i < n; i++) {
            long id = firstId + i;
            items.add(new Item(id, user, "note " + id, "", null, 1_780_000_000_000L + id, null, List.of(), null).toJson());
        }
        JsonObject body = new JsonObject();
        body.add("items", items);
        return body;
    }

    private static int code(Bus bus, Object body) {
        CompletionException e = org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class,
                () -> bus.request(Protocol.STORE_PUT, Protocol.STORE_ITEMS_PUT, body, WAIT).join());
        return assertInstanceOf(BusException.class, e.getCause()).code();
    }

    @Test
    void aBatchIsStoredAnnouncedOnceAndAnsweredWithHowManyWereNew() throws Exception {
        String ns = "ip" + System.nanoTime();
        infra.freshDatabase(ns);
        GorgonConfig cfg = GorgonConfig.defaults().with("redis.uri=" + infra.redisServer.uri(), "namespace=" + ns,
                "mongo.uri=mongodb://127.0.0.1:" + infra.mongoServer.getLocalAddress().getPort(), "mongo.database=" + ns);
        Bus client = Bus.connect(BusOptions.of(infra.redisServer.uri(), "tester").withNamespace(ns));
        List<Message> events = new CopyOnWriteArrayList<>();
        client.subscribe(Protocol.STORE_NOTIFY, ConsumerOptions.defaults(), events::add);
        try (RoleMain.Running ignored = RoleMain.start("store", "store-1", cfg)) {
            JsonElement r = client.request(Protocol.STORE_PUT, Protocol.STORE_ITEMS_PUT, batch(100, 3, 7), WAIT).join();
            assertEquals(3, r.getAsJsonObject().get("stored").getAsInt());
            Await.until(WAIT, "one items.added", () -> !events.isEmpty());
            assertEquals(Protocol.ITEMS_ADDED, events.get(0).type());
            assertEquals(3, events.get(0).body().getAsJsonObject().getAsJsonArray("items").size());

            // The same items again (a producer's retry): stored once, announced once.
            r = client.request(Protocol.STORE_PUT, Protocol.STORE_ITEMS_PUT, batch(100, 3, 7), WAIT).join();
            assertEquals(0, r.getAsJsonObject().get("stored").getAsInt());
            JsonElement page = client.request(Protocol.STORE_GET, Protocol.STORE_INFO, infoBody(7), WAIT).join();
            assertEquals(3, page.getAsJsonObject().getAsJsonArray("items").size());

            // Bad input is a 400 and stores nothing: empty, too many, a member that is not an item.
            assertEquals(400, code(client, batch(200, 0, 7)));
            assertEquals(400, code(client, batch(200, Protocol.MAX_ITEMS_PER_PUT + 1, 7)));
            JsonObject bad = batch(300, 2, 7);
            bad.getAsJsonArray("items").add("not an item");
            assertEquals(400, code(client, bad));
            assertEquals(400, code(client, new JsonObject()));
            page = client.request(Protocol.STORE_GET, Protocol.STORE_INFO, infoBody(7), WAIT).join();
            assertEquals(3, page.getAsJsonObject().getAsJsonArray("items").size(), "nothing of the bad batches was stored");
            Thread.sleep(200);
            assertEquals(1, events.size(), "no event for a batch of nothing new or a refused one: " + events);
        } finally {
            client.close(Duration.ofSeconds(2));
        }
    }

    private static JsonObject infoBody(long uid) {
        JsonObject b = new JsonObject();
        b.addProperty("uid", Long.toString(uid));
        b.addProperty("lim", 20);
        b.addProperty("off", 0);
        return b;
    }
}
