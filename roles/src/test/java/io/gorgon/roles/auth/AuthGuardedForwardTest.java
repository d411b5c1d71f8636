package io.gorgon.roles.auth;

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
import io.gorgon.bus.testing.RedisCommandCount;
import io.gorgon.bus.testing.TestBuses;
import io.gorgon.protocol.Protocol;
import io.gorgon.roles.RoleContext;
import io.gorgon.roles.SignedPrincipal;
import io.gorgon.roles.config.ConfigLoader;
import io.gorgon.roles.config.GorgonConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/**
 * Issue 10: after its first use, a token is checked inside auth's forward script (no GET), and that check is as strict
 * as the GET: a token revoked by another auth instance (whose memory this one does not share) or expired is refused at
 * its very next request.
 */
class AuthGuardedForwardTest {
    private static final String KEY = "guarded-forward-test-key";

    @Test
    void aKnownTokenCostsNoLookupAndIsRefusedOnceRevokedElsewhereOrExpired() throws Exception {
        GorgonConfig cfg = ConfigLoader.load(null, List.of("auth.principalKey=" + KEY, "auth.pbkdf2Iterations=1000"), Map.of());
        try (LocalRedis redis = LocalRedis.builder().build().start(); TestBuses buses = new TestBuses(redis.uri());
             RedisClient client = RedisClient.create(redis.uri())) {
            // Stand-in app: answers with the principal it verified against auth's signature.
            SignedPrincipal principals = new SignedPrincipal(KEY);
            buses.bus("app").consume(Protocol.APP_GET, ConsumerOptions.defaults(), m -> {
                JsonObject out = new JsonObject();
                out.addProperty("principal", principals.of(m));
                out.addProperty("body", m.bodyJson());
                m.reply(out);
            });
            new AuthRole(new RoleContext("auth", "auth-1", cfg, buses.bus("auth"), client, new Keys(buses.namespace()))).start();
            TokenService elsewhere = new TokenService(client, cfg.namespace(), Duration.ofMinutes(5)); // another auth instance
            String token = elsewhere.issue(42).token();
            Bus web = buses.bus("web");
            JsonObject body = new JsonObject();
            body.addProperty("uid", "42");

            assertEquals(42, info(web, token, body).get("principal").getAsLong());
            RedisCommandCount count = new RedisCommandCount(redis.uri(), List.of(":token:"));
            JsonObject second = info(web, token, body);
            assertEquals(42, second.get("principal").getAsLong());
            assertEquals("{\"uid\":\"42\"}", second.get("body").getAsString(), "the body arrives as the text auth signed");
            assertEquals(Map.of("evalsha", 1L), sent(count), "a known token is checked inside the forward script");

            elsewhere.revoke(token);
            count = new RedisCommandCount(redis.uri(), List.of(":token:"));
            assertEquals(401, failure(web, token, body).code(), "revoked by another instance: refused at once");
            assertEquals(Map.of("evalsha", 1L, "get", 1L), sent(count), "a guard miss looks the token up once");

            String shortLived = new TokenService(client, cfg.namespace(), Duration.ofMillis(800)).issue(7).token();
            assertEquals(7, info(web, shortLived, body).get("principal").getAsLong());
            assertEquals(7, info(web, shortLived, body).get("principal").getAsLong());
            Thread.sleep(1000);
            assertEquals(401, failure(web, shortLived, body).code(), "expired: refused");
        }
    }

    private static JsonObject info(Bus web, String token, JsonObject body) {
        return web.request(Protocol.AUTH_GET, "app.info", body, new DeliveryOptions(Map.of(Protocol.H_TOKEN, token), Duration.ofSeconds(10)))
                .join().getAsJsonObject();
    }

    private static BusException failure(Bus web, String token, JsonObject body) {
        CompletionException e = assertThrows(CompletionException.class, () -> info(web, token, body));
        return assertInstanceOf(BusException.class, e.getCause());
    }

    /** Commands clients sent on token keys during the count (a script call is one). */
    private static Map<String, Long> sent(RedisCommandCount count) throws InterruptedException {
        Thread.sleep(200); // MONITOR lines arrive a little after the commands
        return count.stop().client();
    }
}
