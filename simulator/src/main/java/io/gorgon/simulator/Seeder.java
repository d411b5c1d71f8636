package io.gorgon.simulator;

import com.google.gson.JsonObject;
import io.gorgon.bus.Bus;
import io.gorgon.bus.Ids;
import io.gorgon.protocol.Protocol;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * Loads synthetic users and notes through the mesh's own queue, store_put, as the provider role feeds it (notes
 * {@link #ITEMS_PER_MESSAGE} to a {@code store.items.put}): as fast as the store drains it. Sends are pipelined ({@link Bus#sendAsync}) with a bounded number in flight, and
 * paused while store_put holds more than {@link #MAX_OUTSTANDING} undelivered or unacknowledged entries, so Redis
 * never buffers the whole data set. A send that fails (Redis unreachable) is sent again with the same id, which the
 * store writes idempotently.
 */
final class Seeder {
    /** Items unacknowledged by Redis at most (a batch of them holds as many permits as it has items). */
    static final int MAX_IN_FLIGHT = 2048;
    /** Notes per store.items.put: one message, one store handler run and one store_notify event per 50 notes. */
    static final int ITEMS_PER_MESSAGE = 50;
    /**
     * Below the 10,000 entries the operator view scans to count a backlog on Redis 6.2 (which reports no group lag):
     * above it the count is capped, so a higher threshold would never trigger and the progress line would overstate.
     * 8,000 in flight is still 16 of the store's 500-item bulk writes.
     */
    static final long MAX_OUTSTANDING = 8_000;
    private static final Duration CONSUMER_WAIT = Duration.ofSeconds(60);
    private static final long GAUGE_EVERY_NANOS = 250_000_000L;

    /**
     * @param userIds     the seeded users' ids
     * @param itemSeconds from the first note sent until store_put had drained (or the drain timeout)
     * @param ingestPerS  notes stored per second over {@code itemSeconds}
     * @param drained     false if store_put had not drained within the drain timeout
     */
    record Result(long[] userIds, long items, double userSeconds, double itemSeconds, double ingestPerS, boolean drained,
                  long resent) {}

    private final Bus bus;
    private final Ids ids;
    private final QueueGauges gauges;
    private final String runTag;
    private final PrintStream out;
    private final BooleanSupplier stopped;
    private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
    private final Queue<Failed> failed = new ConcurrentLinkedQueue<>();
    private final AtomicLong acked = new AtomicLong();
    private long resent;

    private record Failed(String type, JsonObject body, int count) {}

    /** The body of the message carrying the phase's members {@code first} .. {@code first + n - 1}. */
    private interface Bodies {
        JsonObject of(long first, int n);
    }

    Seeder(Bus bus, Ids ids, String runTag, PrintStream out, BooleanSupplier stopped) {
        this.bus = bus;
        this.ids = ids;
        this.gauges = new QueueGauges(bus.admin());
        this.runTag = runTag;
        this.out = out;
        this.stopped = stopped;
    }

    Result seed(int users, long items, Duration drainTimeout) {
        out.printf("seed: hashing the synthetic users' shared password once (PBKDF2, %d iterations)%n", SyntheticData.PBKDF2_ITERATIONS);
        String passhash = SyntheticData.passhash(SyntheticData.PASSWORD, SyntheticData.PBKDF2_ITERATIONS);
        awaitConsumer();
        long[] userIds = new long[users];
        for (int i = 0; i < users; i++) userIds[i] = ids.next();

        long t0 = System.nanoTime();
        long usersDone = phase("users", users, 1, drainTimeout,
                (i, n) -> SyntheticData.userCreate(userIds[(int) i], runTag, (int) i, passhash), Protocol.STORE_USER_CREATE);
        double userSeconds = (System.nanoTime() - t0) / 1e9;

        long t1 = System.nanoTime();
        long now = System.currentTimeMillis();
        long itemsDone = stopped.getAsBoolean() ? 0 : phase("items", items, ITEMS_PER_MESSAGE, drainTimeout,
                (i, n) -> SyntheticData.seedItems(n, ids, userIds, now), Protocol.STORE_ITEMS_PUT);
        double itemSeconds = (System.nanoTime() - t1) / 1e9;
        double rate = itemsDone == 0 ? 0 : itemsDone / Math.max(itemSeconds, 1e-3);
        boolean drained = usersDone >= users && itemsDone >= items;
        String why = drained ? "" : stopped.getAsBoolean() ? " (stopped before the end)"
                : " (store_put NOT drained: the store is behind or down)";
        out.printf("seed: done users=%d/%d in %.1fs, items=%d/%d in %.1fs, ingest=%.0f items/s%s%n", usersDone, users,
                userSeconds, itemsDone, items, itemSeconds, rate, why);
        return new Result(userIds, itemsDone, userSeconds, itemSeconds, rate, drained, resent);
    }

    /** The store may still be starting: seeding before it consumes would only fill Redis. */
    private void awaitConsumer() {
        long deadline = System.nanoTime() + CONSUMER_WAIT.toNanos();
        boolean said = false;
        while (!stopped.getAsBoolean()) {
            QueueGauges.Snapshot g = gauges.read();
            if (g != null && g.storePutConsumers() > 0) return;
            if (System.nanoTime() > deadline) {
                out.println("seed: warning: still no live store instance consumes store_put after " + CONSUMER_WAIT.toSeconds()
                        + "s; seeding anyway, the data waits in the queue until one does");
                return;
            }
            if (!said) out.println("seed: waiting for a store instance to consume store_put …");
            said = true;
            sleep(250);
        }
    }

    /**
     * Sends {@code total} members, {@code perMessage} to a message, and waits until the store has taken them; returns
     * how many it took.
     */
    private long phase(String what, long total, int perMessage, Duration drainTimeout, Bodies bodies, String type) {
        if (total == 0) return 0;
        SeedProgress progress = new SeedProgress(what, total);
        long nextGauge = 0;
        long outstanding = 0;
        acked.set(0);
        long sent = 0;
        long oldestMs = 0;
        boolean paused = false;
        long allSentAtMs = -1;
        long drainDeadline = Long.MAX_VALUE;
        while (!stopped.getAsBoolean()) {
            long now = System.nanoTime();
            if (now >= nextGauge) {
                long ackedBefore = acked.get();
                boolean allSent = sent == total && inFlight.availablePermits() == MAX_IN_FLIGHT && failed.isEmpty();
                if (allSent && allSentAtMs < 0) allSentAtMs = System.currentTimeMillis();
                QueueGauges.Snapshot g = gauges.read();
                if (g != null) {
                    outstanding = g.storePutOutstanding();
                    oldestMs = g.storePutOldestMs();
                    progress.observe(System.currentTimeMillis(), ackedBefore, outstanding, g.storePutOldestMs());
                }
                nextGauge = now + GAUGE_EVERY_NANOS;
                // All of ours were in Redis at allSentAtMs: once nothing in store_put is older than that, the store has
                // taken them all. The estimate from acks alone assumes first in, first done, which the store's
                // concurrent handlers do not keep.
                boolean taken = allSentAtMs >= 0 && (g == null ? progress.done() >= total
                        : outstanding == 0 || oldestMs < System.currentTimeMillis() - allSentAtMs);
                if (taken) {
                    progress.finish();
                    progress.maybePrint(out, resent, false, true);
                    return progress.done();
                }
                progress.maybePrint(out, resent, paused, false);
            }
            Failed retry = failed.poll();
            // The store is behind: let it catch up (the backlog counts messages; ours carry perMessage members each).
            paused = outstanding > MAX_OUTSTANDING / perMessage && oldestMs > 1000;
            if (paused || (retry == null && sent == total)) {
                if (retry != null) failed.add(retry);
                if (sent == total && drainDeadline == Long.MAX_VALUE) drainDeadline = now + drainTimeout.toNanos();
                if (now > drainDeadline) break;
                sleep(20);
                continue;
            }
            if (retry != null) {
                resent++;
                send(retry.type(), retry.body(), retry.count());
            } else {
                int n = (int) Math.min(perMessage, total - sent);
                send(type, bodies.of(sent, n), n);
                sent += n;
                outstanding++;
            }
        }
        return progress.done();
    }

    private void send(String type, JsonObject body, int count) {
        inFlight.acquireUninterruptibly(count);
        bus.sendAsync(Protocol.STORE_PUT, type, body).whenComplete((ok, err) -> {
            inFlight.release(count);
            if (err == null) acked.addAndGet(count);
            else failed.add(new Failed(type, body, count));
        });
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
