package io.gorgon.roles.notify;

import io.gorgon.roles.testing.TestRedis;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gorgon.bus.Keys;
import io.gorgon.bus.testing.Await;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.StreamEntryID;

/** The notify role's Redis state on a real redis-server: append, history, fan-out gap detection. */
class NotifyEventLogTest {
    private static TestRedis redisServer;
    private static RedisClient redis;
    private EventLog log;

    @BeforeAll
    static void startRedis() {
        redisServer = new TestRedis();
        redis = redisServer.client;
    }

    @AfterAll
    static void stopRedis() {
        redisServer.close();
    }

    @BeforeEach
    void setUp() {
        log = new EventLog(redis, new Keys("el" + UUID.randomUUID().toString().substring(0, 8)), Duration.ofSeconds(300));
        log.watch(List.of(1L, 2L, 3L, 4L, 12L, 34L, 56L)); // as sockets following them would
        sleepPastTheMillisecond();
    }

    private static void sleepPastTheMillisecond() {
        try {
            Thread.sleep(2);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void onlyTheEventsOfWatchedUsersAreRecorded() {
        assertNull(log.append("u-1", 99, "item.added", 1L, "{\"id\":\"9\"}"), "nobody watches user 99");
        assertFalse(redis.exists(log.userKey(99)));
        assertFalse(redis.exists(log.allKey()), "not fanned out either: no socket can be waiting for it");
        List<EventLog.Appended> mixed = List.of(new EventLog.Appended(99, "item.added", 1L, "{\"id\":\"10\"}"),
                new EventLog.Appended(12, "item.added", 1L, "{\"id\":\"11\"}"));
        StreamEntryID id = log.appendAll("u-2", mixed);
        assertEquals(List.of("{\"id\":\"11\"}"), redis.xrange(log.allKey(), "-", "+").stream().map(e -> e.getFields().get("i")).toList());
        assertEquals(id, redis.xrange(log.userKey(12), "-", "+").get(0).getID());
        // Watched from now on: later events are kept; a redelivered message stays as it was recorded.
        log.watch(List.of(99L));
        assertEquals(id, log.appendAll("u-2", mixed), "a redelivery records nothing more");
        assertNotNull(log.append("u-3", 99, "item.added", 1L, "{\"id\":\"12\"}"));
        assertEquals(1, redis.xlen(log.userKey(99)));
    }

    @Test
    void aResumeFromBeforeAUserWasWatchedIsIncompleteAndARenewalKeepsTheStart() throws Exception {
        StreamEntryID before = log.append("w-0", 12, "item.added", 1L, "{}");
        sleepPastTheMillisecond();
        log.watch(List.of(78L));
        sleepPastTheMillisecond();
        StreamEntryID after = log.append("w-1", 12, "item.added", 1L, "{}");
        long now = after.getTime();
        assertFalse(log.history(List.of(12L, 78L), before, now).complete(), "user 78's events before its watch were not kept");
        assertTrue(log.history(List.of(12L, 78L), after, now).complete());
        String since = redis.get(log.watchKey(78));
        log.watch(List.of(78L));
        assertEquals(since, redis.get(log.watchKey(78)), "a renewal does not move the start");
        long ttl = redis.pttl(log.watchKey(78));
        assertTrue(ttl > 300_000, "outlives the retention window: " + ttl);
        redis.del(log.watchKey(78)); // no longer watched (expired)
        assertFalse(log.history(List.of(78L), after, now).complete());
    }

    @Test
    void aRedeliveredMessageIsAppendedOnce() {
        StreamEntryID a = log.append("msg-1", 12, "item.added", 1L, "{\"id\":\"1\"}");
        StreamEntryID b = log.append("msg-1", 12, "item.added", 1L, "{\"id\":\"1\"}");
        assertEquals(a, b);
        assertEquals(1, redis.xlen(log.allKey()));
        assertEquals(1, redis.xlen(log.userKey(12)));
    }

    @Test
    void aBatchIsAppendedInOrderAsOneStepAndOnceHoweverOftenItIsRedelivered() {
        List<EventLog.Appended> batch = List.of(new EventLog.Appended(12, "item.added", 1L, "{\"id\":\"1\"}"),
                new EventLog.Appended(34, "item.added", 1L, "{\"id\":\"2\"}"),
                new EventLog.Appended(12, "item.added", 1L, "{\"id\":\"3\"}"));
        StreamEntryID last = log.appendAll("batch-1", batch);
        assertEquals(last, log.appendAll("batch-1", batch), "a redelivery appends nothing and answers the same id");
        assertEquals(3, redis.xlen(log.allKey()));
        var all = redis.xrange(log.allKey(), "-", "+");
        assertEquals(List.of("{\"id\":\"1\"}", "{\"id\":\"2\"}", "{\"id\":\"3\"}"), all.stream().map(e -> e.getFields().get("i")).toList());
        assertEquals(List.of(all.get(0).getID(), all.get(2).getID()), redis.xrange(log.userKey(12), "-", "+").stream().map(e -> e.getID()).toList());
        assertEquals(List.of(all.get(1).getID()), redis.xrange(log.userKey(34), "-", "+").stream().map(e -> e.getID()).toList());
        assertEquals(last, all.get(2).getID());
    }

    @Test
    void userStreamsShareTheFanoutIdsAndExpireWithTheRetention() {
        StreamEntryID a = log.append("m1", 12, "item.added", 1L, "{}");
        StreamEntryID b = log.append("m2", 34, "item.added", 1L, "{}");
        StreamEntryID c = log.append("m3", 12, "item.deleted", 1L, "{}");
        assertTrue(a.compareTo(b) < 0 && b.compareTo(c) < 0);
        assertEquals(List.of(a, c), redis.xrange(log.userKey(12), "-", "+").stream().map(e -> e.getID()).toList());
        assertEquals(List.of(a, b, c), redis.xrange(log.allKey(), "-", "+").stream().map(e -> e.getID()).toList());
        long ttl = redis.pttl(log.userKey(12));
        assertTrue(ttl > 290_000 && ttl <= 300_000, "ttl " + ttl);
        assertEquals(-1, redis.pttl(log.allKey()), "the fan-out stream is trimmed, not expired");
    }

    @Test
    void historyIsOneAscendingSequenceAcrossUsersAndSaysWhenItMayBeIncomplete() {
        StreamEntryID first = log.append("m0", 12, "item.added", 1L, "{}");
        StreamEntryID a = log.append("m1", 34, "item.added", 1L, "{\"n\":1}");
        log.append("m2", 56, "item.added", 1L, "{}");
        StreamEntryID c = log.append("m3", 12, "item.added", 1L, "{\"n\":2}");
        long now = first.getTime();
        EventLog.History h = log.history(List.of(12L, 34L), first, now);
        assertEquals(List.of(a, c), h.events().stream().map(NotifyEvent::id).toList());
        assertEquals(List.of(34L, 12L), h.events().stream().map(NotifyEvent::userid).toList());
        assertTrue(h.complete());
        assertFalse(log.history(List.of(12L), first, now + 301_000).complete(), "older than the retention window");
    }

    @Test
    void anOversizedResumeKeepsTheNewestEventsAndSaysItIsIncomplete() {
        StreamEntryID start = log.append("m-start", 12, "item.added", 1L, "{}");
        StreamEntryID last = null;
        for (int i = 0; i < EventLog.HISTORY_MAX + 3; i++) last = log.append("m" + i, 12, "item.added", 1L, "{}");
        EventLog.History h = log.history(List.of(12L), start, start.getTime());
        assertEquals(EventLog.HISTORY_MAX, h.events().size());
        assertEquals(last, h.events().get(h.events().size() - 1).id(), "ends at the newest, joining the live events");
        assertFalse(h.complete());
    }

    @Test
    void aResumeIsBoundedInBytesAndSplitsItsBudgetOverTheUsersAskedFor() {
        // Issue 12 #3: one resume could read 5,000 events x 1,000 users into memory.
        StreamEntryID start = log.append("b-start", 12, "item.added", 1L, "{}");
        String item = "{\"t\":\"" + "x".repeat(90) + "\"}"; // ~100 bytes
        StreamEntryID last = null;
        for (int i = 0; i < 40; i++) last = log.append("b" + i, 12, "item.added", 1L, item);
        EventLog.History h = log.history(List.of(12L), start, start.getTime(), 1_000);
        assertEquals(10, h.events().size(), "the newest that fit in 1,000 bytes (98 each)");
        assertEquals(last, h.events().get(h.events().size() - 1).id());
        assertFalse(h.complete());

        List<Long> many = new java.util.ArrayList<>();
        for (long u = 1000; u < 2000; u++) many.add(u);
        many.add(12L);
        EventLog.History spread = log.history(many, start, start.getTime());
        assertEquals(EventLog.PER_USER_MIN, spread.events().size(), "1,001 users share the budget: 10 events each at most");
        assertFalse(spread.complete());
    }

    /** Followed by no socket, a reader reads nothing; from the moment one follows, it delivers every later event. */
    @Test
    void anIdleReaderSkipsToTheEndAndDeliversWhatFollowsOnceFollowed() throws Exception {
        java.util.concurrent.atomic.AtomicBoolean idle = new java.util.concurrent.atomic.AtomicBoolean(true);
        List<Long> seen = new CopyOnWriteArrayList<>();
        AtomicInteger gaps = new AtomicInteger();
        FanoutReader reader = new FanoutReader(log, e -> seen.add(e.userid()), gaps::incrementAndGet, idle::get);
        reader.start();
        try {
            log.append("i1", 1, "item.added", 1L, "{}");
            log.append("i2", 2, "item.added", 1L, "{}");
            Thread.sleep(3L * FanoutReader.IDLE_MS); // the reader has moved past them
            idle.set(false);
            log.append("i3", 3, "item.added", 1L, "{}");
            log.append("i4", 4, "item.added", 1L, "{}");
            Await.until(Duration.ofSeconds(5), "the events after the follow dispatched", () -> seen.size() == 2);
            Thread.sleep(2L * FanoutReader.IDLE_MS);
            assertEquals(List.of(3L, 4L), seen);
            assertEquals(0, gaps.get(), "skipping while idle is not a gap");
        } finally {
            reader.stop();
        }
    }

    @Test
    void aReaderThatMissedFanoutEntriesReportsAGap() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<Long> seen = new CopyOnWriteArrayList<>();
        AtomicInteger gaps = new AtomicInteger();
        FanoutReader reader = new FanoutReader(log, e -> {
            seen.add(e.userid());
            if (seen.size() == 1) {
                try {
                    release.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
            }
        }, gaps::incrementAndGet, () -> false);
        reader.start();
        try {
            log.append("m1", 1, "item.added", 1L, "{}");
            Await.until(Duration.ofSeconds(5), "first event dispatched", () -> seen.size() == 1);
            StreamEntryID lost = log.append("m2", 2, "item.added", 1L, "{}");
            log.append("m3", 3, "item.added", 1L, "{}");
            redis.xdel(log.allKey(), lost); // as if trimmed before the reader got to it
            release.countDown();
            Await.until(Duration.ofSeconds(5), "third event dispatched", () -> seen.size() == 2);
            assertEquals(List.of(1L, 3L), seen);
            assertEquals(1, gaps.get());
        } finally {
            release.countDown();
            reader.stop();
        }
    }
}
