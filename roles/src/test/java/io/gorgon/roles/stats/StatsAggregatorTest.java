package io.gorgon.roles.stats;

import io.gorgon.roles.testing.TestRedis;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

class StatsAggregatorTest {
    private static TestRedis redisServer;
    private static RedisClient redis;
    private static final long NOW = 1_763_800_042_300L; // 10:07:22.3 UTC
    private static final long SECOND = NOW / 1000 * 1000;
    private static final Clock CLOCK = Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC);

    @BeforeAll
    static void startRedis() {
        redisServer = new TestRedis();
        redis = redisServer.client;
    }

    @AfterAll
    static void stopRedis() {
        if (redisServer != null) redisServer.close();
    }

    @BeforeEach
    void flush() {
        redis.flushAll();
    }

    private static MetricsSnapshot snapshot(String instance, long ts, long processed, long... latenciesMicros) {
        Histogram h = new Histogram(3);
        for (long v : latenciesMicros) h.recordValue(v);
        return new MetricsSnapshot(instance, "auth", "h1", 7, ts,
                Map.of("auth_get", new MetricsSnapshot.QueueCounters(processed + 1, processed, 1, 0, 0)),
                Map.of("queue:auth_get", MetricsSnapshot.encode(h)));
    }

    @Test
    void twoAggregatorsSharingOneRedisAddUp() throws Exception {
        StatsAggregator a = new StatsAggregator(redis, "t", CLOCK);
        StatsAggregator b = new StatsAggregator(redis, "t", CLOCK);
        // Two stats instances consume snapshots of the same second concurrently.
        Thread ta = new Thread(() -> {
            for (int i = 0; i < 50; i++) a.onSnapshot(snapshot("auth-a" + i, SECOND, 3, 150, 150_000));
        });
        Thread tb = new Thread(() -> {
            for (int i = 0; i < 50; i++) b.onSnapshot(snapshot("auth-b" + i, SECOND, 2, 90));
        });
        ta.start();
        tb.start();
        ta.join();
        tb.join();
        for (int i = 0; i < 7; i++) a.onItemEvent("add", NOW);
        for (int i = 0; i < 2; i++) b.onItemEvent("deleted", NOW);
        a.flush();
        b.flush();

        StatsKeys k = new StatsKeys("t");
        for (Resolution r : Resolution.values()) {
            Map<String, String> h = redis.hgetAll(k.bucket(r, r.bucketOf(SECOND)));
            assertEquals("250", h.get("q:auth_get:processed"), r.key());
            assertEquals("350", h.get("q:auth_get:sent"), r.key());
            assertEquals("100", h.get("q:auth_get:failed"), r.key());
            assertEquals("50", h.get("h:queue:auth_get:0"), r.key());   // 90 µs
            assertEquals("50", h.get("h:queue:auth_get:1"), r.key());   // 150 µs
            assertEquals("50", h.get("h:queue:auth_get:11"), r.key());  // 150 ms
            assertEquals("7", h.get("i:add"), r.key());
            assertEquals("2", h.get("i:delete"), r.key());
        }
        Map<String, Long> totals = new StatsReader(redis, "t", CLOCK).totals();
        assertEquals(250L, totals.get("q:auth_get:processed"));
        long latencySamples = totals.entrySet().stream().filter(e -> e.getKey().startsWith("h:queue:auth_get:"))
                .mapToLong(Map.Entry::getValue).sum();
        assertEquals(150L, latencySamples);
        // 50 × (150 + 150_000) + 50 × 90 µs, within HdrHistogram's 3-digit precision
        assertEquals(50 * 150_150 + 50 * 90, totals.get("hsum:queue:auth_get"), 50 * 150_150 / 500.0);
    }

    @Test
    void aRedeliveredSnapshotIsCountedOnce() {
        StatsAggregator a = new StatsAggregator(redis, "t", CLOCK);
        StatsAggregator b = new StatsAggregator(redis, "t", CLOCK);
        MetricsSnapshot s = snapshot("auth-1", SECOND, 5, 300);
        assertTrue(a.onSnapshot(s));
        assertFalse(b.onSnapshot(MetricsSnapshot.fromJson(s.toJson())));
        assertEquals("5", redis.hget(new StatsKeys("t").bucket(Resolution.SECOND, SECOND / 1000), "q:auth_get:processed"));
        assertTrue(a.onSnapshot(snapshot("auth-1", SECOND - 1000, 5, 300)), "the previous second is another snapshot");
    }

    @Test
    void bucketsExpireWithTheirRetentionAndTotalsDoNot() {
        StatsAggregator a = new StatsAggregator(redis, "t", CLOCK);
        a.onSnapshot(snapshot("auth-1", SECOND - 1000, 1, 300));
        a.onItemEvent("edit", SECOND - 1000);
        a.flush();
        StatsKeys k = new StatsKeys("t");
        long t = SECOND - 1000;
        // bucket start + 2 steps + retention - now
        assertTtl(k.bucket(Resolution.SECOND, t / 1000), t + 2_000 + 900_000 - NOW);
        long minute = t / 60_000 * 60_000;
        assertTtl(k.bucket(Resolution.MINUTE, t / 60_000), minute + 120_000 + 86_400_000 - NOW);
        long hour = t / 3_600_000 * 3_600_000;
        assertTtl(k.bucket(Resolution.HOUR, t / 3_600_000), hour + 7_200_000 + 30L * 86_400_000 - NOW);
        assertEquals(-1, redis.ttl(k.total()), "totals never expire");
        long seenTtl = redis.ttl(k.seen("auth-1", t));
        assertTrue(seenTtl > 900 && seenTtl <= 960, "redelivery guard lives as long as the seconds: " + seenTtl);
        Set<String> keys = redis.keys("t:*");
        assertEquals(5, keys.size(), keys.stream().sorted().collect(Collectors.joining(", ")));
    }

    private static void assertTtl(String key, long expectedMs) {
        long ttl = redis.ttl(key);
        long expected = (expectedMs + 999) / 1000;
        assertTrue(ttl <= expected && ttl >= expected - 3, key + " ttl " + ttl + ", expected about " + expected);
    }

    @Test
    void aCorruptHistogramCostsOnlyItsOwnSeries() {
        StatsAggregator a = new StatsAggregator(redis, "t", CLOCK);
        MetricsSnapshot good = snapshot("auth-1", SECOND, 5, 300);
        MetricsSnapshot bad = new MetricsSnapshot("auth-1", "auth", "h1", 7, SECOND, good.queues(),
                Map.of("queue:auth_get", good.latency().get("queue:auth_get"), "http", "bm90IGEgaGlzdG9ncmFt"));
        assertTrue(a.onSnapshot(bad));
        Map<String, String> h = redis.hgetAll(new StatsKeys("t").bucket(Resolution.SECOND, SECOND / 1000));
        assertEquals("5", h.get("q:auth_get:processed"));
        assertEquals("1", h.get("h:queue:auth_get:2"));
        assertTrue(h.keySet().stream().noneMatch(f -> f.contains("http")), h.toString());
    }

    @Test
    void itemKindsAreNormalised() {
        assertEquals("add", StatsAggregator.itemKind("ADDED"));
        assertEquals("edit", StatsAggregator.itemKind("update"));
        assertEquals("delete", StatsAggregator.itemKind(" delete "));
        assertEquals("other", StatsAggregator.itemKind("exploded"));
        assertEquals("other", StatsAggregator.itemKind(null));
    }

    @Test
    void readerReturnsTheWindowAlignedToTheResolution() {
        StatsAggregator a = new StatsAggregator(redis, "t", CLOCK);
        a.onSnapshot(snapshot("auth-1", SECOND - 1000, 4, 300));
        a.onSnapshot(snapshot("auth-1", SECOND - 301_000, 9, 300)); // just outside the 5 minutes
        StatsReader.Range r = new StatsReader(redis, "t", CLOCK).window(StatsWindow.FIVE_MINUTES);
        assertEquals(300, r.timesMs().length);
        assertEquals(SECOND - 1000, r.timesMs()[299], "ends with the last complete second");
        assertEquals(SECOND - 300_000, r.timesMs()[0]);
        assertEquals(4L, r.rows().get(299).get("q:auth_get:processed"));
        assertEquals(4L, r.rows().stream().mapToLong(m -> m.getOrDefault("q:auth_get:processed", 0L)).sum());
        StatsReader.Range hour = new StatsReader(redis, "t", CLOCK).window(StatsWindow.ONE_HOUR);
        assertEquals(60, hour.timesMs().length);
        assertEquals(NOW / 60_000 * 60_000, hour.timesMs()[59], "ends with the current minute");
        assertEquals(13L, hour.rows().stream().mapToLong(m -> m.getOrDefault("q:auth_get:processed", 0L)).sum());
    }
}
