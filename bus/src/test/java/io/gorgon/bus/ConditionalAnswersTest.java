package io.gorgon.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.google.gson.JsonObject;
import io.gorgon.bus.testing.Await;
import io.gorgon.bus.testing.OnCluster;
import io.gorgon.bus.testing.RedisTestBase;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.UnifiedJedis;

/**
 * {@link Message#forwardIf} and {@link Message#replyFromRedis}: answered only when Redis says so, in the same step as
 * the ack; otherwise nothing sent and the handler answers itself. On a cluster (keys in other slots) the same
 * outcomes through the fallbacks.
 */
class ConditionalAnswersTest extends RedisTestBase {
    /** The value of hash KEYS[1] field ARGV[1] as the body {"v":…}, or false when the field is absent. */
    private static final String FIELD_AS_BODY = """
            local v = redis.call('HGET', KEYS[1], ARGV[1])
            if not v then return false end
            return '{"v":' .. v .. '}'
            """;
    /** The same body as a list of its parts, which the reply step joins. */
    private static final String FIELD_AS_PARTS = """
            local v = redis.call('HGET', KEYS[1], ARGV[1])
            if not v then return false end
            return {'{"v":', v, '}'}
            """;

    private boolean onCluster() {
        return this instanceof OnCluster;
    }

    private boolean drained(Bus bus, String queue) {
        return bus.admin().queues().stream().anyMatch(q -> q.name().equals(queue) && q.pending() == 0 && q.deadLetters() == 0);
    }

    @Test
    void forwardIfForwardsWhileTheKeyHoldsTheValueAndElseLeavesTheAnswerToTheHandler() {
        String guard = buses.namespace() + ":guard";
        Bus auth = buses.bus("auth");
        auth.consume("auth_get", ConsumerOptions.defaults(), m -> {
            if (m.forwardIf("app_get", "app.x", Map.of("principal", "u1"), guard, "v1")) return;
            throw new HandlerFailure(401, "guard missed");
        });
        buses.bus("app").consume("app_get", ConsumerOptions.defaults(), m -> {
            JsonObject r = new JsonObject();
            r.addProperty("principal", m.header("principal"));
            r.addProperty("body", m.bodyJson());
            m.reply(r);
        });
        Bus web = buses.bus("web");
        try (UnifiedJedis j = redis.client()) {
            j.set(guard, "v1");
            JsonObject got = web.request("auth_get", "auth.x", BusContractTest.body("n", 1), Duration.ofSeconds(5)).join().getAsJsonObject();
            assertEquals("u1", got.get("principal").getAsString());
            assertEquals("{\"n\":1}", got.get("body").getAsString(), "the body's text as it was sent");
            j.set(guard, "v2");
            assertEquals(401, BusContractTest.failureOf(web.request("auth_get", "auth.x", BusContractTest.body(), Duration.ofSeconds(5))).code());
            j.del(guard);
            assertEquals(401, BusContractTest.failureOf(web.request("auth_get", "auth.x", BusContractTest.body(), Duration.ofSeconds(5))).code());
        }
        Await.until(Duration.ofSeconds(5), "auth_get acked, nothing dead-lettered", () -> drained(auth, "auth_get"));
    }

    @Test
    void forwardIfToAQueueNobodyConsumesAnswersNoConsumer() {
        String guard = buses.namespace() + ":guard";
        buses.bus("auth").consume("auth_get", ConsumerOptions.defaults(), m -> {
            if (!m.forwardIf("nowhere", "x", Map.of(), guard, "v1")) throw new HandlerFailure(401, "guard missed");
        });
        try (UnifiedJedis j = redis.client()) {
            j.set(guard, "v1");
        }
        BusException e = BusContractTest.failureOf(buses.bus("web").request("auth_get", "x", BusContractTest.body(), Duration.ofSeconds(5)));
        assertEquals(Failure.NO_CONSUMER, e.failure());
    }

    @Test
    void aHandlerFailingAfterItsForwardIfIsNeitherRetriedNorDeadLettered() throws InterruptedException {
        // On a cluster the fallback forwards when the handler returns: there a throw sends nothing and is retried.
        Assumptions.assumeFalse(onCluster(), "the guarded forward is one step only within one slot");
        String guard = buses.namespace() + ":guard";
        AtomicInteger handled = new AtomicInteger();
        AtomicInteger forwarded = new AtomicInteger();
        Bus auth = buses.bus("auth");
        auth.consume("auth_get", ConsumerOptions.defaults().withMaxDeliveries(2), m -> {
            handled.incrementAndGet();
            if (m.forwardIf("app_get", "app.x", Map.of(), guard, "v1")) throw new IllegalStateException("after the forward");
        });
        buses.bus("app").consume("app_get", ConsumerOptions.defaults(), m -> {
            forwarded.incrementAndGet();
            m.reply(new JsonObject());
        });
        try (UnifiedJedis j = redis.client()) {
            j.set(guard, "v1");
        }
        buses.bus("web").request("auth_get", "auth.x", BusContractTest.body(), Duration.ofSeconds(5)).join();
        Await.until(Duration.ofSeconds(5), "auth_get acked", () -> drained(auth, "auth_get"));
        Thread.sleep(1000); // past the retry backoff: a retry would show now
        assertEquals(1, handled.get());
        assertEquals(1, forwarded.get());
        assertEquals(0, auth.admin().queues().stream().filter(q -> q.name().equals("auth_get")).findFirst().orElseThrow().deadLetters());
    }

    @Test
    void replyFromRedisAnswersWithTheBodyTheScriptBuildsElseTheHandlerAnswers() {
        String hash = buses.namespace() + ":h";
        Bus store = buses.bus("store");
        AtomicInteger byHandler = new AtomicInteger();
        store.consume("store_get", ConsumerOptions.defaults(), m -> {
            String field = m.body().getAsJsonObject().get("f").getAsString();
            String lua = field.startsWith("p") ? FIELD_AS_PARTS : FIELD_AS_BODY;
            if (m.replyFromRedis(lua, List.of(hash), List.of(field))) return;
            byHandler.incrementAndGet();
            JsonObject r = new JsonObject();
            r.addProperty("v", -1);
            m.reply(r);
        });
        Bus web = buses.bus("web");
        try (UnifiedJedis j = redis.client()) {
            j.hset(hash, "x", "42");
            j.hset(hash, "px", "43");
        }
        int hit = web.request("store_get", "store.x", BusContractTest.body("f", "x"), Duration.ofSeconds(5)).join().getAsJsonObject().get("v").getAsInt();
        int parts = web.request("store_get", "store.x", BusContractTest.body("f", "px"), Duration.ofSeconds(5)).join().getAsJsonObject().get("v").getAsInt();
        int miss = web.request("store_get", "store.x", BusContractTest.body("f", "y"), Duration.ofSeconds(5)).join().getAsJsonObject().get("v").getAsInt();
        assertEquals(-1, miss);
        if (onCluster()) {
            assertEquals(-1, hit, "keys in another slot: the handler answers");
            assertEquals(-1, parts);
            assertEquals(3, byHandler.get());
        } else {
            assertEquals(42, hit);
            assertEquals(43, parts);
            assertEquals(1, byHandler.get());
        }
        Await.until(Duration.ofSeconds(5), "store_get acked", () -> drained(store, "store_get"));
        assertFalse(store.admin().queues().isEmpty());
    }
}
