package io.gorgon.roles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.gorgon.bus.Bus;
import io.gorgon.bus.BusException;
import io.gorgon.bus.DeliveryOptions;
import io.gorgon.bus.Keys;
import io.gorgon.bus.redis.LocalRedis;
import io.gorgon.bus.testing.Await;
import io.gorgon.bus.testing.TestBuses;
import io.gorgon.protocol.PrincipalSignature;
import io.gorgon.protocol.Protocol;
import io.gorgon.roles.config.ConfigException;
import io.gorgon.roles.config.GorgonConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/**
 * Issue 12 #9: signing the principal header is on by default and every role that acts on it checks it. The provider
 * (feeds, webhooks) trusted the header as is: an envelope written straight to provider_get could follow feeds or
 * register webhooks in any user's name. Without a key auth, app and provider refuse to start, unless opted out.
 */
class PrincipalSigningTest {
    private static final String KEY = "provider-test-key";

    @Test
    void providerServesAuthsSignedPrincipalAndDeadLettersAForgedOne() throws Exception {
        try (LocalRedis redis = LocalRedis.builder().build().start(); TestBuses buses = new TestBuses(redis.uri());
             RedisClient client = RedisClient.create(redis.uri())) {
            GorgonConfig cfg = external(redis, buses.namespace()).with("auth.principalKey=" + KEY, "bus.maxDeliveries=1",
                    "provider.ratePerSecond=0");
            try (RoleMain.Running provider = RoleMain.start("provider", "provider-1", cfg)) {
                Bus attacker = buses.bus("web");
                JsonObject body = new JsonObject();
                String sig = PrincipalSignature.sign(KEY, "42", "r1", Protocol.APP_FEED_LIST, body.toString());
                JsonElement ok = attacker.request(Protocol.PROVIDER_GET, Protocol.APP_FEED_LIST, body, new DeliveryOptions(
                        Map.of(Protocol.H_PRINCIPAL, "42", Protocol.H_REQUEST, "r1", Protocol.H_PRINCIPAL_SIG, sig), Duration.ofSeconds(5))).join();
                assertTrue(ok.getAsJsonObject().has("feeds"), ok.toString());

                for (Map<String, String> forged : List.of(
                        Map.of(Protocol.H_PRINCIPAL, "42"),                                                        // no signature
                        Map.of(Protocol.H_PRINCIPAL, "7", Protocol.H_REQUEST, "r1", Protocol.H_PRINCIPAL_SIG, sig))) { // another user's
                    CompletionException e = assertThrows(CompletionException.class, () -> attacker.request(Protocol.PROVIDER_GET,
                            Protocol.APP_FEED_LIST, body, new DeliveryOptions(forged, Duration.ofSeconds(5))).join());
                    assertEquals(500, assertInstanceOf(BusException.class, e.getCause()).code());
                }
                String dlq = new Keys(buses.namespace()).deadLetters(Protocol.PROVIDER_GET);
                Await.until(Duration.ofSeconds(5), "both forgeries dead-lettered", () -> client.xlen(dlq) == 2);
            }
        }
    }

    @Test
    void withoutAKeyOrTheOptOutAuthAppAndProviderRefuseToStart() throws Exception {
        try (LocalRedis redis = LocalRedis.builder().build().start(); TestBuses buses = new TestBuses(redis.uri())) {
            GorgonConfig unkeyed = external(redis, buses.namespace()).with("provider.ratePerSecond=0");
            for (String role : List.of("auth", "app", "provider")) {
                ConfigException e = assertThrows(ConfigException.class, () -> RoleMain.start(role, role + "-1", unkeyed).close(), role);
                assertTrue(e.getMessage().startsWith("auth.principalKey: not set"), e.getMessage());
            }
            RoleMain.start("app", "app-1", unkeyed.with("auth.unsignedPrincipals=true")).close(); // the explicit opt-out
        }
    }

    private static GorgonConfig external(LocalRedis redis, String ns) {
        return GorgonConfig.defaults().with("redis.embedded=false", "redis.uri=" + redis.uri(), "namespace=" + ns);
    }
}
