package io.gorgon.roles.app;

import io.gorgon.roles.testing.TestRedis;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.gorgon.bus.Bus;
import io.gorgon.bus.BusException;
import io.gorgon.bus.DeliveryOptions;
import io.gorgon.bus.ConsumerOptions;
import io.gorgon.bus.Failure;
import io.gorgon.bus.Keys;
import io.gorgon.bus.testing.TestBuses;
import io.gorgon.protocol.Protocol;
import io.gorgon.roles.RoleContext;
import io.gorgon.roles.config.ConfigException;
import io.gorgon.roles.config.ConfigLoader;
import io.gorgon.roles.config.GorgonConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.RedisClient;

/** The app role routes request types by config: built-ins to the store, others as they are to their queue. */
class AppRoutingTest {
    @TempDir
    Path dir;

    @Test
    void aConfiguredTypeIsForwardedWithThePrincipalAndAnUnroutedOneIs404() throws Exception {
        Path file = dir.resolve("c.json");
        Files.writeString(file, "{\"app\": {\"routes\": {\"app.echo\": \"echo_q\"}}}");
        GorgonConfig cfg = ConfigLoader.load(file, List.of("auth.unsignedPrincipals=true"), Map.of()); // unsigned headers below
        assertEquals("store_get", cfg.app().routes().get("app.info"), "built-in routes stay");
        try (TestRedis redis = new TestRedis(); TestBuses buses = new TestBuses(redis.uri())) {
            RedisClient client = redis.client;
            Bus appBus = buses.bus("app");
            AppRole app = new AppRole(new RoleContext("app", "app-1", cfg, appBus, client, new Keys(buses.namespace())));
            app.start();
            buses.bus("echo").consume("echo_q", ConsumerOptions.defaults(), m -> {
                JsonObject r = new JsonObject();
                r.addProperty("principal", m.header(Protocol.H_PRINCIPAL));
                r.add("body", m.body());
                m.reply(r);
            });
            Bus web = buses.bus("web");
            JsonElement reply = web.request(Protocol.APP_GET, "app.echo", Map.of("x", 1), new DeliveryOptions(Map.of(Protocol.H_PRINCIPAL, "42"),
                    Duration.ofSeconds(5))).join();
            assertEquals("42", reply.getAsJsonObject().get("principal").getAsString());
            assertEquals(1, reply.getAsJsonObject().getAsJsonObject("body").get("x").getAsInt());

            CompletionException e = assertThrows(CompletionException.class, () -> web.request(Protocol.APP_GET, "app.nothing",
                    Map.of(), new DeliveryOptions(Map.of(Protocol.H_PRINCIPAL, "42"), Duration.ofSeconds(5))).join());
            BusException be = assertInstanceOf(BusException.class, e.getCause());
            assertEquals(Failure.HANDLER_FAILED, be.failure());
            assertEquals(404, be.code());
        }
    }

    @Test
    void aBadRouteFailsStartupWithOneLineNamingTheKey() throws Exception {
        Path file = dir.resolve("bad.json");
        Files.writeString(file, "{\"app\": {\"routes\": {\"app.echo\": \"Not A Queue\"}}}");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, List.of(), Map.of()));
        assertTrue(e.getMessage().startsWith("app.routes.app.echo: must be a queue name"), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), e.getMessage());
    }
}
