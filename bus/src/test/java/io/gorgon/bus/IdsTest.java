package io.gorgon.bus;

import io.gorgon.bus.testing.RedisTestBase;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IdsTest extends RedisTestBase {
    @Test
    void positiveUniqueAndIncreasingEvenWhenTheClockStandsStillOrStepsBack() {
        AtomicLong now = new AtomicLong(Ids.EPOCH_MS + 1_000);
        Ids ids = new Ids(1023, now::get);
        Set<Long> seen = new HashSet<>();
        long last = 0;
        for (int i = 0; i < 10_000; i++) {          // > 4096 in one ms: must borrow the next ms, not repeat
            if (i == 5_000) now.addAndGet(-500);     // clock steps back
            long id = ids.next();
            assertTrue(id > last, "increasing");
            assertTrue(seen.add(id), "unique");
            last = id;
        }
        assertEquals(Ids.EPOCH_MS + 1_000, Ids.timestampOf(new Ids(0, () -> Ids.EPOCH_MS + 1_000).next()));
    }

    @Test
    void distinctNodesNeverCollide() {
        long t = Ids.EPOCH_MS + 123_456;
        Ids a = new Ids(1, () -> t);
        Ids b = new Ids(2, () -> t);
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            assertTrue(seen.add(a.next()));
            assertTrue(seen.add(b.next()));
        }
        assertThrows(IllegalArgumentException.class, () -> new Ids(1024));
    }

    @Test
    void farFutureIdsStayPositive() {
        Ids ids = new Ids(1023, () -> Ids.EPOCH_MS + (1L << 41) - 1);
        assertTrue(ids.next() > 0);
    }

    @Test
    void eachProcessGetsItsOwnNodeFromRedis() {
        String ns = buses.namespace();
        try (RedisClient client = RedisClient.create(redis.uri())) {
            Ids a = Ids.fromRedis(client, ns);
            Ids b = Ids.fromRedis(redis.uri(), ns); // over a connection of its own
            assertNotEquals(a.node(), b.node());
            assertEquals("2", client.get(ns + ":seq:node"));
        }
    }
}
