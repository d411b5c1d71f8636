package io.gorgon.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gorgon.bus.testing.Await;
import io.gorgon.bus.testing.RedisTestBase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** What an operator does to a live mesh through {@link Admin}: dead letters one by one or in pages, pause and resume. */
class OperatorActionsTest extends RedisTestBase {

    /** Dead-letters {@code n} messages on {@code queue} (one delivery each) and leaves no consumer behind. */
    private void deadLetter(Bus bus, String queue, int n) {
        Subscription sub = bus.consume(queue, ConsumerOptions.defaults().withMaxDeliveries(1), m -> {
            throw new IllegalStateException("poison " + m.body().getAsJsonObject().get("n"));
        });
        for (int i = 0; i < n; i++) bus.send(queue, "x", Map.of("n", i, "text", i == 7 ? "needle-in-hay" : "hay"));
        Await.until(Duration.ofSeconds(20), n + " dead letters", () -> count(bus, queue) == n);
        sub.drain(Duration.ofSeconds(2));
    }

    private static long count(Bus bus, String queue) {
        return bus.admin().queues().stream().filter(q -> q.name().equals(queue)).mapToLong(QueueInfo::deadLetters).sum();
    }

    @Test
    void deadLettersAreBrowsedInPagesSearchedAndHandledOneByOne() {
        Bus bus = buses.bus("worker");
        deadLetter(bus, "letters", 12);
        Admin admin = bus.admin();

        DeadLetterPage first = admin.deadLetters("letters", null, 5, null);
        assertEquals(5, first.letters().size());
        assertNotNull(first.next());
        List<String> all = new ArrayList<>(first.letters().stream().map(DeadLetter::entry).toList());
        for (DeadLetterPage p = admin.deadLetters("letters", first.next(), 5, ""); ; p = admin.deadLetters("letters", p.next(), 5, "")) {
            all.addAll(p.letters().stream().map(DeadLetter::entry).toList());
            if (p.next() == null) break;
        }
        assertEquals(12, all.size());
        assertEquals(12, all.stream().distinct().count());

        DeadLetterPage found = admin.deadLetters("letters", null, 10, "NEEDLE");
        assertEquals(1, found.letters().size(), "search is case-insensitive over the payload");
        DeadLetter needle = found.letters().get(0);
        assertTrue(needle.reason().contains("poison"), needle.reason());
        assertEquals(1, needle.deliveries());
        assertNull(found.next());

        AtomicInteger seen = new AtomicInteger();
        bus.consume("letters", ConsumerOptions.defaults(), m -> seen.incrementAndGet());
        assertTrue(admin.requeueOne("letters", needle.entry()));
        assertFalse(admin.requeueOne("letters", needle.entry()), "already moved");
        Await.until(Duration.ofSeconds(5), "requeued one processed", () -> seen.get() == 1);
        assertTrue(admin.deleteOne("letters", all.get(0)));
        assertFalse(admin.deleteOne("letters", all.get(0)));
        assertEquals(10, count(bus, "letters"));
        assertThrows(IllegalArgumentException.class, () -> admin.deleteOne("letters", "1-0; DEL x"));
        assertThrows(IllegalArgumentException.class, () -> admin.deadLetters("letters", "junk", 5, null));
    }

    @Test
    void requeueAllAndPurgeWorkInPagesOverLongStreams() {
        Bus bus = buses.bus("worker");
        int n = 450; // more than two bulk pages
        deadLetter(bus, "many", n);
        AtomicInteger seen = new AtomicInteger();
        Subscription sub = bus.consume("many", ConsumerOptions.defaults(), m -> seen.incrementAndGet());
        assertEquals(n, bus.admin().requeue("many", Integer.MAX_VALUE));
        Await.until(Duration.ofSeconds(20), "all requeued processed", () -> seen.get() == n);
        sub.drain(Duration.ofSeconds(2));
        deadLetter(bus, "many", n);
        assertEquals(n, bus.admin().purge("many"));
        assertEquals(0, count(bus, "many"));
    }

    @Test
    void aPausedQueueTakesNothingNewFinishesInFlightWorkAndStaysPausedForNewConsumers() throws Exception {
        Bus a = buses.bus("a");
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger done = new AtomicInteger();
        a.consume("work", ConsumerOptions.defaults(), m -> {
            if (m.body().getAsJsonObject().get("n").getAsInt() == 0) {
                started.countDown();
                release.await(10, TimeUnit.SECONDS);
            }
            done.incrementAndGet();
        });
        a.send("work", "x", Map.of("n", 0));
        assertTrue(started.await(5, TimeUnit.SECONDS));
        assertTrue(a.admin().pause("work"));
        assertFalse(a.admin().pause("work"), "already paused");
        assertTrue(a.admin().queues().stream().anyMatch(q -> q.name().equals("work") && q.paused()));
        Thread.sleep(2500); // more than a heartbeat: every consumer has seen the pause
        for (int i = 1; i <= 5; i++) a.send("work", "x", Map.of("n", i));
        release.countDown();
        Await.until(Duration.ofSeconds(5), "in-flight work finished", () -> done.get() == 1);

        // A consumer started while paused takes nothing either.
        AtomicInteger late = new AtomicInteger();
        buses.bus("b").consume("work", ConsumerOptions.defaults().withGroup("a"), m -> late.incrementAndGet());
        Thread.sleep(1500);
        assertEquals(1, done.get());
        assertEquals(0, late.get());
        assertEquals(5, a.admin().queues().stream().filter(q -> q.name().equals("work")).findFirst().orElseThrow().backlog());

        assertTrue(a.admin().resume("work"));
        assertFalse(a.admin().resume("work"));
        Await.until(Duration.ofSeconds(5), "resumed work done", () -> done.get() + late.get() == 6);
        assertEquals(java.util.Set.of(), a.admin().paused());
    }
}
