package io.gorgon.roles.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import io.gorgon.bus.Bus;
import io.gorgon.bus.BusException;
import io.gorgon.bus.ConsumerOptions;
import io.gorgon.bus.Keys;
import io.gorgon.bus.redis.LocalRedis;
import io.gorgon.bus.testing.TestBuses;
import io.gorgon.protocol.Protocol;
import io.gorgon.roles.RoleContext;
import io.gorgon.roles.config.ConfigLoader;
import io.gorgon.roles.config.GorgonConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/**
 * Issue 12 #2: password hashing shares auth_get's handler slots with token checks. A flood of registrations must be
 * shed (429) beyond its share, so a token-checked request is answered while the flood is still being hashed.
 */
class AuthCapacityTest {
    @Test
    void aRegistrationFloodNeverTakesTheSlotsTokenChecksNeed() throws Exception {
        GorgonConfig cfg = ConfigLoader.load(null, List.of("bus.concurrency=8", "auth.pbkdf2Iterations=400000",
                "auth.registrationsPerMinute=1000", "auth.principalKey=capacity-test-key"), Map.of());
        try (LocalRedis redis = LocalRedis.builder().build().start(); TestBuses buses = new TestBuses(redis.uri());
             RedisClient client = RedisClient.create(redis.uri())) {
            // Stand-in store: no user exists, every create succeeds.
            Bus store = buses.bus("store");
            store.consume(Protocol.STORE_GET, ConsumerOptions.defaults(), m -> {
                JsonObject out = new JsonObject();
                out.add("user", com.google.gson.JsonNull.INSTANCE);
                m.reply(out);
            });
            store.consume(Protocol.STORE_PUT, ConsumerOptions.defaults(), m -> m.reply(new JsonObject()));
            buses.bus("app").consume(Protocol.APP_GET, ConsumerOptions.defaults(), m -> m.reply(new JsonObject()));
            new AuthRole(new RoleContext("auth", "auth-1", cfg, buses.bus("auth"), client, new Keys(buses.namespace()))).start();
            String token = new TokenService(client, cfg.namespace(), Duration.ofMinutes(5)).issue(42).token();

            Bus web = buses.bus("web");
            AtomicInteger registered = new AtomicInteger(), shed = new AtomicInteger();
            List<CompletableFuture<?>> flood = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                JsonObject reg = new JsonObject();
                reg.addProperty("name", "n");
                reg.addProperty("email", "flood" + i + "@example.org");
                reg.addProperty("password", "correct horse");
                flood.add(web.request(Protocol.AUTH_GET, Protocol.AUTH_REGISTER, reg, new io.gorgon.bus.DeliveryOptions(Map.of(Protocol.H_CLIENT, "10.1.1.1"), Duration.ofSeconds(60)))
                        .whenComplete((r, e) -> {
                            if (e == null) registered.incrementAndGet();
                            else if ((e instanceof CompletionException ? e.getCause() : e) instanceof BusException b && b.code() == 429) {
                                shed.incrementAndGet();
                            }
                        }));
            }
            web.request(Protocol.AUTH_GET, "app.info", new JsonObject(), new io.gorgon.bus.DeliveryOptions(Map.of(Protocol.H_TOKEN, token), Duration.ofSeconds(60))).join();
            int doneWhenAnswered = registered.get();
            CompletableFuture.allOf(flood.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
            assertTrue(doneWhenAnswered <= 2, "the token check waited for " + doneWhenAnswered + " registrations to be hashed");
            assertTrue(shed.get() > 0, "beyond its share, the flood is answered 429");
            assertEquals(40, registered.get() + shed.get(), "every registration answered: created or 429");
        }
    }
}
