package io.gorgon.roles.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonObject;
import io.gorgon.bus.Bus;
import io.gorgon.bus.ConsumerOptions;
import io.gorgon.bus.DeliveryOptions;
import io.gorgon.bus.Keys;
import io.gorgon.bus.redis.LocalRedis;
import io.gorgon.bus.testing.Await;
import io.gorgon.bus.testing.TestBuses;
import io.gorgon.protocol.Protocol;
import io.gorgon.roles.RoleContext;
import io.gorgon.roles.config.ConfigLoader;
import io.gorgon.roles.config.GorgonConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.RedisClient;

/**
 * Issue 12 #4: a create redone upstream of app (a hop that forwarded it and crashed before its ack) must get the same
 * item id from app, so the store's idempotent insert stores the note once.
 */
class AppIdempotentCreateTest {
    @TempDir
    Path dir;

    @Test
    void aRedeliveredCreateGetsTheSameItemId() throws Exception {
        Path file = dir.resolve("c.json");
        Files.writeString(file, "{}");
        GorgonConfig cfg = ConfigLoader.load(file, List.of("auth.unsignedPrincipals=true"), Map.of()); // unsigned headers below
        try (LocalRedis redis = LocalRedis.builder().build().start(); TestBuses buses = new TestBuses(redis.uri());
             RedisClient client = RedisClient.create(redis.uri())) {
            new AppRole(new RoleContext("app", "app-1", cfg, buses.bus("app"), client, new Keys(buses.namespace()))).start();
            List<String> stored = new CopyOnWriteArrayList<>();
            buses.bus("store").consume(Protocol.STORE_PUT, ConsumerOptions.defaults(), m -> {
                JsonObject item = m.body().getAsJsonObject().getAsJsonObject("item");
                stored.add(item.get("id").getAsString() + "@" + item.get("ts").getAsString());
                m.reply(item);
            });
            // The same create handed to app twice, as by an upstream hop that forwarded it and died before its ack. On one
            // redis-server a hop's forward and ack are one script, but on a cluster they are two steps, and a client's
            // web instance may die after sending: the request header web set is what names the request either way.
            Bus web = buses.bus("web");
            JsonObject body = new JsonObject();
            JsonObject note = new JsonObject();
            note.addProperty("title", "once");
            body.add("item", note);
            Map<String, String> first = Map.of(Protocol.H_PRINCIPAL, "42", Protocol.H_REQUEST, "w1.1");
            web.request(Protocol.APP_GET, Protocol.APP_ITEM_CREATE, body, new DeliveryOptions(first, Duration.ofSeconds(10))).join();
            web.request(Protocol.APP_GET, Protocol.APP_ITEM_CREATE, body, new DeliveryOptions(first, Duration.ofSeconds(10))).join();
            Await.until(Duration.ofSeconds(15), () -> "the redone create reached the store: " + stored, () -> stored.size() >= 2);
            assertEquals(stored.get(0), stored.get(1), "same id and ts on both deliveries");

            web.request(Protocol.APP_GET, Protocol.APP_ITEM_CREATE, body,
                    new DeliveryOptions(Map.of(Protocol.H_PRINCIPAL, "42", Protocol.H_REQUEST, "w1.2"), Duration.ofSeconds(10))).join();
            Await.until(Duration.ofSeconds(5), () -> "third create", () -> stored.size() >= 3);
            assertEquals(false, stored.get(2).equals(stored.get(0)), "a new request is a new item");
        }
    }
}
