package io.gorgon.roles.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Issue 12 #10: a 24h window cost thousands of Redis commands per request; now one read per window per bucket. */
class WindowCacheTest {
    @Test
    void aWindowIsReadOncePerBucketWhateverTheAskers() {
        AtomicLong now = new AtomicLong(1_000_000);
        Clock clock = new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return Instant.ofEpochMilli(now.get());
            }
        };
        AtomicInteger reads = new AtomicInteger();
        WindowCache cache = new WindowCache(clock, w -> {
            reads.incrementAndGet();
            return new StatsReader.Range(w.resolution(), new long[0], List.of());
        });
        StatsReader.Range first = cache.get(StatsWindow.ONE_DAY);
        for (int i = 0; i < 100; i++) assertSame(first, cache.get(StatsWindow.ONE_DAY));
        assertEquals(1, reads.get());
        cache.get(StatsWindow.FIVE_MINUTES);
        assertEquals(2, reads.get(), "windows are cached apart");
        now.addAndGet(WindowCache.ttlMs(StatsWindow.ONE_DAY));
        cache.get(StatsWindow.ONE_DAY);
        assertEquals(3, reads.get(), "a bucket later it is read again");
    }
}
