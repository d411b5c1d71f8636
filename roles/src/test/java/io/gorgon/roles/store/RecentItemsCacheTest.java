package io.gorgon.roles.store;

import io.gorgon.roles.testing.InfraTestBase;
import io.gorgon.protocol.Item;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.gorgon.bus.Bus;
import io.gorgon.bus.ConsumerOptions;
import io.gorgon.bus.testing.TestBuses;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.gorgon.roles.store.StoreServiceTest.item;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The races of a read-through fill against concurrent writes, played out step by step on a real Redis. */
class RecentItemsCacheTest extends InfraTestBase {
    private static final long T0 = 1_780_000_000_000L;
    private RecentItemsCache cache;

    @BeforeEach
    void fresh() {
        infra.redis.flushAll();
        cache = new RecentItemsCache(infra.redis, "t", 5, Duration.ofMinutes(5));
    }

    private List<Long> page(long user, int lim, int off) {
        RecentItemsCache.Lookup.Hit hit = assertInstanceOf(RecentItemsCache.Lookup.Hit.class, cache.read(user, lim, off));
        List<Long> out = new ArrayList<>();
        for (JsonObject o : hit.items()) out.add(Long.parseLong(o.get("id").getAsString()));
        return out;
    }

    private String generation(long user) {
        return assertInstanceOf(RecentItemsCache.Lookup.NotLoaded.class, cache.read(user, 5, 0)).generation();
    }

    @Test
    void anInsertDuringAFillIsKept() {
        String gen = generation(1);
        List<Item> snapshot = List.of(item(2, 1, T0 + 2), item(1, 1, T0 + 1)); // read from MongoDB...
        cache.addAll(List.of(item(3, 1, T0 + 3)));                              // ...meanwhile a new item is written through
        assertTrue(cache.fill(1, gen, snapshot));
        assertEquals(List.of(3L, 2L, 1L), page(1, 5, 0));
    }

    @Test
    void aDeleteDuringAFillWinsOverTheStaleSnapshot() {
        cache.addAll(List.of(item(1, 1, T0 + 1)));
        String gen = generation(1);
        List<Item> snapshot = List.of(item(2, 1, T0 + 2), item(1, 1, T0 + 1));
        cache.remove(1, 2);
        assertFalse(cache.fill(1, gen, snapshot), "the snapshot predates the delete");
        String again = generation(1);
        assertTrue(cache.fill(1, again, List.of(item(1, 1, T0 + 1))));
        assertEquals(List.of(1L), page(1, 5, 0));
    }

    @Test
    void anInsertWhoseCacheWriteLandsAfterItsDeleteStaysDeleted() {
        cache.fill(1, generation(1), List.of());
        cache.remove(1, 7);                                   // deleted in MongoDB and here...
        cache.addAll(List.of(item(7, 1, T0 + 7)));            // ...then the insert's late write-through arrives
        assertEquals(List.of(), page(1, 5, 0));
        assertTrue(cache.cachedJson(1, 7).isEmpty());
        assertEquals(0, cache.size(1), "no ghost entry taking a slot");
    }

    @Test
    void redeliveredWritesAreIdempotentAndTheCapacityHolds() {
        cache.fill(1, generation(1), List.of());
        for (int round = 0; round < 2; round++) {
            List<Item> batch = new ArrayList<>();
            for (int i = 1; i <= 8; i++) batch.add(item(i, 1, T0 + i));
            cache.addAll(batch);
        }
        assertEquals(5, cache.size(1));
        assertEquals(List.of(8L, 7L, 6L, 5L, 4L), page(1, 5, 0));
        assertInstanceOf(RecentItemsCache.Lookup.TooDeep.class, cache.read(1, 2, 4), "trimmed: no longer complete");
        assertTrue(cache.cachedJson(1, 3).isEmpty(), "trimmed entries leave no JSON behind");
        assertTrue(infra.redis.pttl(cache.key(1, "recent")) > 0, "keys carry the idle TTL");
    }

    @Test
    void aUserAtCapacityIsTrimmedOncePerQuarterOfIt() {
        cache = new RecentItemsCache(infra.redis, "t", 8, Duration.ofMinutes(5)); // slack 2
        cache.fill(1, generation(1), List.of());
        List<Long> sizes = new ArrayList<>();
        for (int i = 1; i <= 14; i++) {
            cache.addAll(List.of(item(i, 1, T0 + i)));
            sizes.add(cache.size(1));
        }
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 8L, 9L, 10L, 8L), sizes);
        assertEquals(List.of(14L, 13L, 12L, 11L, 10L, 9L, 8L, 7L), page(1, 8, 0));
        assertTrue(cache.cachedJson(1, 6).isEmpty(), "trimmed entries leave no JSON behind");
        assertInstanceOf(RecentItemsCache.Lookup.TooDeep.class, cache.read(1, 5, 5), "trimmed: deeper pages go to MongoDB");
    }

    @Test
    void oneBatchOfManyUsersLandsInEachUsersCacheTrimmedAndWithItsTtl() {
        // A batch of three users, one with more items than one script call takes (200).
        for (long u = 1; u <= 3; u++) cache.fill(u, generation(u), List.of());
        List<Item> batch = new ArrayList<>();
        for (int i = 1; i <= 450; i++) batch.add(item(i, 1, T0 + i));
        batch.add(item(1001, 2, T0 + 1));
        batch.add(item(1002, 3, T0 + 1));
        batch.add(item(1003, 2, T0 + 2));
        cache.addAll(batch);
        assertEquals(List.of(450L, 449L, 448L, 447L, 446L), page(1, 5, 0));
        assertEquals(5, cache.size(1));
        assertTrue(cache.cachedJson(1, 100).isEmpty(), "trimmed entries leave no JSON behind");
        assertEquals(List.of(1003L, 1001L), page(2, 5, 0));
        assertEquals(List.of(1002L), page(3, 5, 0));
        for (long u = 1; u <= 3; u++) assertTrue(infra.redis.pttl(cache.key(u, "items")) > 0, "user " + u + " keys carry the TTL");
    }

    @Test
    void deletingFromAFullCacheForcesARefill() {
        List<Item> six = new ArrayList<>();
        for (int i = 1; i <= 6; i++) six.add(item(i, 1, T0 + i));
        assertTrue(cache.fill(1, generation(1), six.subList(1, 6).reversed()));
        cache.remove(1, 6);
        assertInstanceOf(RecentItemsCache.Lookup.NotLoaded.class, cache.read(1, 5, 0));
    }

    @Test
    void scriptsSurviveARedisThatForgotThem() {
        cache.fill(1, generation(1), List.of());
        infra.redis.scriptFlush(); // what a restarted Redis looks like to EVALSHA
        cache.addAll(List.of(item(1, 1, T0 + 1), item(2, 2, T0 + 2)));   // pipelined path
        infra.redis.scriptFlush();
        assertEquals(List.of(1L), page(1, 5, 0));                         // single-call path
    }

    @Test
    void aCachedPageIsRepliedFromInsideRedisAsTheReadPathWouldAnswerIt() {
        try (TestBuses buses = new TestBuses(infra.redisServer.uri())) {
            AtomicInteger byHandler = new AtomicInteger();
            buses.bus("store").consume("store_get", ConsumerOptions.defaults(), m -> {
                JsonObject b = m.body().getAsJsonObject();
                if (cache.replyPage(m, b.get("uid").getAsLong(), b.get("lim").getAsInt(), b.get("off").getAsInt())) return;
                byHandler.incrementAndGet();
                m.replyJson("{\"miss\":true}");
            });
            Bus web = buses.bus("web");
            assertEquals(JsonParser.parseString("{\"miss\":true}"), info(web, 1, 2, 0), "not loaded: the handler answers");
            cache.fill(1, generation(1), List.of(item(3, 1, T0 + 3), item(2, 1, T0 + 2), item(1, 1, T0 + 1)));
            for (int[] page : new int[][] {{2, 0}, {5, 1}, {2, 3}}) {
                var hit = assertInstanceOf(RecentItemsCache.Lookup.Hit.class, cache.read(1, page[0], page[1]));
                assertEquals(JsonParser.parseString("{\"items\":[" + String.join(",", hit.itemsJson()) + "]}"), info(web, 1, page[0], page[1]));
            }
            assertEquals(1, byHandler.get());
            // past the capacity and its slack (5 + 1): trimmed, no longer complete
            cache.addAll(List.of(item(4, 1, T0 + 4), item(5, 1, T0 + 5), item(6, 1, T0 + 6), item(7, 1, T0 + 7)));
            assertInstanceOf(RecentItemsCache.Lookup.TooDeep.class, cache.read(1, 5, 3));
            assertEquals(JsonParser.parseString("{\"miss\":true}"), info(web, 1, 5, 3), "deeper than the cache: the handler answers");
        }
    }

    private static JsonElement info(Bus web, long uid, int lim, int off) {
        JsonObject b = new JsonObject();
        b.addProperty("uid", uid);
        b.addProperty("lim", lim);
        b.addProperty("off", off);
        return web.request("store_get", "store.info", b, Duration.ofSeconds(5)).join();
    }

    @Test
    void keysOfOneUserShareAHashTag() {
        assertEquals("t:u:{77}:recent", cache.key(77, "recent"));
        assertEquals("0000000000000000042", RecentItemsCache.member(42));
    }
}
