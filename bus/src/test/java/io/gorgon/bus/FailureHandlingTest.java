package io.gorgon.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gorgon.bus.testing.Await;
import io.gorgon.bus.testing.RedisTestBase;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.UnifiedJedis;

/** Retries, dead letters, malformed input, takeover rules and bounded memory — against a real redis-server. */
class FailureHandlingTest extends RedisTestBase {
    static ConsumerOptions fastRetries() {
        return ConsumerOptions.defaults().withBackoff(Duration.ofMillis(20), Duration.ofMillis(100));
    }

    QueueInfo queue(Bus bus, String name) {
        return bus.admin().queues().stream().filter(q -> q.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void aFailingMessageIsRetriedWithBackoffThenDeadLetteredWithItsReasonAndCanBeRequeued() {
        Bus worker = buses.bus("worker");
        AtomicInteger attempts = new AtomicInteger();
        List<Long> deliveries = new java.util.concurrent.CopyOnWriteArrayList<>();
        var sub = worker.consume("fragile", fastRetries(), m -> {
            attempts.incrementAndGet();
            deliveries.add(m.deliveries());
            throw new IllegalStateException("database on fire");
        });
        worker.send("fragile", "x", Map.of("n", 1));
        Await.until(Duration.ofSeconds(10), "dead-lettered", () -> queue(worker, "fragile").deadLetters() == 1);
        assertEquals(5, attempts.get(), "default maxDeliveries is 5");
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), deliveries, "each retry is a counted redelivery");
        assertEquals(0, queue(worker, "fragile").pending(), "a dead letter is no longer pending");
        DeadLetter dl = worker.admin().deadLetters("fragile", 10).get(0);
        assertTrue(dl.reason().contains("database on fire"), dl.reason());
        assertEquals(5, dl.deliveries());
        assertEquals(4, worker.metrics().count("fragile", "redelivered"));
        assertEquals(1, worker.metrics().count("fragile", "deadLettered"));

        // Once the cause is fixed, the operator requeues it and it is processed.
        sub.drain(Duration.ofSeconds(2));
        AtomicInteger ok = new AtomicInteger();
        worker.consume("fragile", fastRetries(), m -> ok.incrementAndGet());
        assertEquals(1, worker.admin().requeue("fragile", 10));
        Await.until(Duration.ofSeconds(5), "requeued message processed", () -> ok.get() == 1);
        assertEquals(0, queue(worker, "fragile").deadLetters());
    }

    @Test
    void aHugeDeadLetterStreamIsRequeuedInPagesNotOneBlockingScript() {
        // Issue 12 #11: 'dlq requeue' of a huge stream ran as one Lua call, blocking Redis for everyone meanwhile.
        Bus worker = buses.bus("worker");
        String dlq = new Keys(buses.namespace()).deadLetters("paged");
        try (UnifiedJedis j = redis.client()) {
            for (int i = 0; i < 1_200; i++) j.xadd(dlq, StreamEntryID.NEW_ENTRY, Map.of("e", "{}", "reason", "test"));
            // Script calls are counted on one redis-server; on a cluster the paging is the same code, checked by counts.
            try (Jedis stats = redis.cluster() ? null : new Jedis(java.net.URI.create(redis.uri()))) {
                if (stats != null) stats.configResetStat();
                assertEquals(1_200, worker.admin().requeue("paged", Integer.MAX_VALUE));
                assertEquals(0, j.xlen(dlq));
                assertEquals(1_200, j.xlen(new Keys(buses.namespace()).stream("paged")));
                if (stats != null) {
                    String info = stats.info("commandstats");
                    long evals = java.util.regex.Pattern.compile("cmdstat_eval(?:sha)?:calls=(\\d+)").matcher(info).results()
                            .mapToLong(r -> Long.parseLong(r.group(1))).sum();
                    assertTrue(evals >= 1_200 / 500, "one script per page, not one for the whole stream: " + info);
                }
            }
        }
    }

    @Test
    void aRequestWhoseHandlerKeepsFailingIsAnsweredHandlerFailedWhenDeadLettered() {
        buses.bus("worker").consume("boom", fastRetries(), m -> {
            throw new RuntimeException("nope");
        });
        var f = buses.bus("web").request("boom", "x", Map.of(), Duration.ofSeconds(10));
        BusException e = BusContractTest.failureOf(f);
        assertEquals(Failure.HANDLER_FAILED, e.failure());
        assertEquals(500, e.code());
    }

    @Test
    void malformedEnvelopesAreDeadLetteredWithAReasonAndTheConsumerKeepsRunning() {
        Bus worker = buses.bus("worker");
        AtomicInteger good = new AtomicInteger();
        worker.consume("mixed", ConsumerOptions.defaults(), m -> good.incrementAndGet());
        String stream = buses.namespace() + ":q:{mixed}";
        try (UnifiedJedis j = redis.client()) {
            j.xadd(stream, StreamEntryID.NEW_ENTRY, Map.of("e", "{not json"));
            j.xadd(stream, StreamEntryID.NEW_ENTRY, Map.of("e", "{\"v\":1,\"id\":\"x\",\"queue\":\"mixed\",\"ts\":1,\"body\":{}}"));
            j.xadd(stream, StreamEntryID.NEW_ENTRY, Map.of("e", "{\"v\":99,\"id\":\"x\",\"type\":\"t\",\"queue\":\"mixed\",\"ts\":1,\"body\":{}}"));
            j.xadd(stream, StreamEntryID.NEW_ENTRY, Map.of("other", "field"));
            j.xadd(stream, StreamEntryID.NEW_ENTRY, Map.of("e", "[1,2]"));
        }
        worker.send("mixed", "fine", Map.of());
        Await.until(Duration.ofSeconds(5), "5 dead letters and 1 good", () -> queue(worker, "mixed").deadLetters() == 5 && good.get() == 1);
        // Handlers run concurrently, so dead letters arrive in any order: match each expected reason once.
        String reasons = worker.admin().deadLetters("mixed", 10).stream().map(DeadLetter::reason).toList().toString();
        for (String expected : List.of("bad JSON", "missing field type", "unknown envelope version 99", "no envelope field", "not a JSON object")) {
            assertTrue(reasons.contains(expected), expected + " in " + reasons);
        }
        worker.send("mixed", "fine", Map.of());
        Await.until(Duration.ofSeconds(5), "still consuming", () -> good.get() == 2);
    }

    @Test
    void aSlowHandlerOnALiveInstanceIsNeverStolen() throws Exception {
        Bus slow = buses.bus("worker");
        CountDownLatch started = new CountDownLatch(1);
        AtomicInteger slowRuns = new AtomicInteger();
        slow.consume("long", ConsumerOptions.defaults(), m -> {
            slowRuns.incrementAndGet();
            started.countDown();
            Thread.sleep(4000); // > takeoverAfter (1.5 s in tests): only liveness may decide, not idle time
        });
        slow.send("long", "x", Map.of());
        assertTrue(started.await(5, TimeUnit.SECONDS));
        AtomicInteger stolen = new AtomicInteger();
        buses.bus("worker").consume("long", ConsumerOptions.defaults(), m -> stolen.incrementAndGet());
        Await.until(Duration.ofSeconds(8), "slow handler done", () -> queue(slow, "long").pending() == 0);
        assertEquals(0, stolen.get(), "the live instance kept its message");
        assertEquals(1, slowRuns.get());
    }

    @Test
    void expiredRequestsAreSkippedNotProcessed() {
        Bus worker = buses.bus("worker");
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch gate = new CountDownLatch(1);
        worker.consume("busy", ConsumerOptions.defaults().withConcurrency(1), m -> {
            if (runs.incrementAndGet() == 1) gate.await(5, TimeUnit.SECONDS);
        });
        Bus web = buses.bus("web");
        worker.send("busy", "block", Map.of());
        Await.until(Duration.ofSeconds(5), "first started", () -> runs.get() == 1);
        var late = web.request("busy", "x", Map.of(), Duration.ofMillis(200));
        BusContractTest.failureOf(late);
        gate.countDown();
        Await.until(Duration.ofSeconds(5), "expired counted", () -> worker.metrics().count("busy", "expired") == 1);
        assertEquals(1, runs.get(), "the expired request's handler never ran");
    }

    @Test
    void streamsAreTrimmedButNeverBelowAnUnacknowledgedEntry() {
        Bus worker = buses.bus("worker");
        CountDownLatch hold = new CountDownLatch(1);
        AtomicInteger done = new AtomicInteger();
        worker.consume("churn", ConsumerOptions.defaults(), m -> {
            if (m.body().getAsJsonObject().get("n").getAsInt() == 0) hold.await(30, TimeUnit.SECONDS);
            done.incrementAndGet();
        });
        Bus producer = buses.bus("producer");
        producer.send("churn", "x", Map.of("n", 0));
        for (int i = 1; i <= 3000; i++) producer.sendAsync("churn", "x", Map.of("n", i));
        Await.until(Duration.ofSeconds(20), "3000 done", () -> done.get() == 3000);
        String stream = buses.namespace() + ":q:{churn}";
        try (UnifiedJedis j = redis.client()) {
            // The held first entry pins the stream: the trimmer may not cut below it.
            Await.pause(Duration.ofSeconds(6));
            assertTrue(j.xlen(stream) > 2900, "nothing trimmed while the oldest entry is unacknowledged: " + j.xlen(stream));
            hold.countDown();
            Await.until(Duration.ofSeconds(15), () -> "trimmed, xlen=" + j.xlen(stream), () -> j.xlen(stream) < 200);
        }
        assertEquals(3001, done.get());
    }
}
