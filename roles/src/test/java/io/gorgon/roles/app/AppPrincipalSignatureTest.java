package io.gorgon.roles.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.gson.JsonObject;
import io.gorgon.bus.Bus;
import io.gorgon.bus.BusException;
import io.gorgon.bus.ConsumerOptions;
import io.gorgon.bus.DeliveryOptions;
import io.gorgon.bus.Keys;
import io.gorgon.bus.redis.LocalRedis;
import io.gorgon.bus.testing.Await;
import io.gorgon.bus.testing.TestBuses;
import io.gorgon.protocol.PrincipalSignature;
import io.gorgon.protocol.Protocol;
import io.gorgon.roles.RoleContext;
import io.gorgon.roles.config.ConfigLoader;
import io.gorgon.roles.config.GorgonConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.RedisClient;

/** Issue 12 #9: anyone who could write to Redis could act as any user; with a mesh key a forged principal is dead-lettered. */
class AppPrincipalSignatureTest {
    @TempDir
    Path dir;

    @Test
    void onlyAuthsSignedPrincipalIsServedAForgedOneIsDeadLettered() throws Exception {
        Path file = dir.resolve("c.json");
        Files.writeString(file, "{\"app\": {\"routes\": {\"app.echo\": \"echo_q\"}}}");
        GorgonConfig routed = ConfigLoader.load(file, List.of("auth.principalKey=mesh-secret-for-test", "bus.maxDeliveries=1"), Map.of());
        try (LocalRedis redis = LocalRedis.builder().build().start(); TestBuses buses = new TestBuses(redis.uri());
             RedisClient client = RedisClient.create(redis.uri())) {
            new AppRole(new RoleContext("app", "app-1", routed, buses.bus("app"), client, new Keys(buses.namespace()))).start();
            AtomicInteger served = new AtomicInteger();
            buses.bus("echo").consume("echo_q", ConsumerOptions.defaults(), m -> {
                served.incrementAndGet();
                m.reply(new JsonObject());
            });
            Bus attacker = buses.bus("web");
            JsonObject body = new JsonObject();
            body.addProperty("x", 1);
            String sig = PrincipalSignature.sign("mesh-secret-for-test", "42", "r1", "app.echo", body.toString());
            attacker.request(Protocol.APP_GET, "app.echo", body, new DeliveryOptions(
                    Map.of(Protocol.H_PRINCIPAL, "42", Protocol.H_REQUEST, "r1", Protocol.H_PRINCIPAL_SIG, sig), Duration.ofSeconds(5))).join();
            assertEquals(1, served.get(), "auth's signature passes");

            for (Map<String, String> forged : List.of(
                    Map.of(Protocol.H_PRINCIPAL, "42"),                                                       // no signature
                    Map.of(Protocol.H_PRINCIPAL, "7", Protocol.H_REQUEST, "r1", Protocol.H_PRINCIPAL_SIG, sig))) { // another user's
                CompletionException e = assertThrows(CompletionException.class, () -> attacker.request(Protocol.APP_GET, "app.echo", body,
                        new DeliveryOptions(forged, Duration.ofSeconds(5))).join());
                assertEquals(500, assertInstanceOf(BusException.class, e.getCause()).code());
            }
            assertEquals(1, served.get(), "nothing forged went further");
            String dlq = new Keys(buses.namespace()).deadLetters(Protocol.APP_GET);
            Await.until(Duration.ofSeconds(5), "both forgeries dead-lettered", () -> client.xlen(dlq) == 2);
        }
    }
}
