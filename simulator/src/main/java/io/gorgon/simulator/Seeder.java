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
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.LongFunction;

/**
 * Loads synthetic users and notes through the mesh's own queue, store_put, exactly as the provider role feeds it:
 * as fast as the store drains it. Sends are pipelined ({@link Bus#sendAsync}) with a bounded number in flight, and
 * paused while store_put holds more than {@link #MAX_OUTSTANDING} undelivered or unacknowledged entries, so Redis
 * never buffers the whole data set. A send that fails (Redis unreachable) is sent again with the same id, which the
 * store writes idempotently.
 */
final class Seeder {
    static final int MAX_IN_FLIGHT = 2048;
    /**
     * Below the 10,000 entries the operator view scans to count a backlog on Redis 6.2 (which reports no group lag):
     * above it the count is capped, so a higher threshold would never trigger and the progress line would overstate.
     * 8,000 in flight is still 16 of the store's 500-item bulk writes.
     */
    static final long MAX_OUTSTANDING = 8_000;

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

    private record Failed(String type, JsonObject body) {}

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
        QueueGauges.Snapshot g = gauges.read();
        if (g != null && g.storePutConsumers() == 0) {
            out.println("seed: warning: no live store instance consumes store_put; the data waits in the queue until one does");
        }
        long[] userIds = new long[users];
        for (int i = 0; i < users; i++) userIds[i] = ids.next();

        long t0 = System.nanoTime();
        boolean usersDrained = phase("users", users, drainTimeout,
                i -> SyntheticData.userCreate(userIds[(int) i], runTag, (int) i, passhash), Protocol.STORE_USER_CREATE);
        double userSeconds = (System.nanoTime() - t0) / 1e9;

        long t1 = System.nanoTime();
        long now = System.currentTimeMillis();
        boolean itemsDrained = phase("items", items, drainTimeout,
                i -> SyntheticData.seedItem(ids.next(), userIds[ThreadLocalRandom.current().nextInt(users)], now), Protocol.STORE_ITEM_PUT);
        double itemSeconds = (System.nanoTime() - t1) / 1e9;
        double rate = items == 0 ? 0 : items / Math.max(itemSeconds, 1e-3);
        out.printf("seed: done users=%d in %.1fs, items=%d in %.1fs, ingest=%.0f items/s%s%n", users, userSeconds, items,
                itemSeconds, rate, usersDrained && itemsDrained ? "" : " (store_put NOT drained: the store is behind or down)");
        return new Result(userIds, items, userSeconds, itemSeconds, rate, usersDrained && itemsDrained, resent);
    }

    /** Sends {@code total} messages and waits until store_put has drained; false if it didn't within the timeout. */
    private boolean phase(String what, long total, Duration drainTimeout, LongFunction<JsonObject> body, String type) {
        if (total == 0) return true;
        QueueGauges.Snapshot g0 = gauges.read();
        long baseline = g0 == null ? 0 : g0.storePutOutstanding(); // somebody else's work already waiting
        long start = System.nanoTime();
        long nextLine = start + 1_000_000_000L;
        long nextGauge = 0;
        long outstanding = 0;
        long lastStored = 0;
        long lastLine = start;
        acked.set(0);
        long sent = 0;
        while (sent < total && !stopped.getAsBoolean()) {
            long now = System.nanoTime();
            if (now >= nextGauge) {
                QueueGauges.Snapshot g = gauges.read();
                if (g != null) outstanding = Math.max(0, g.storePutOutstanding() - baseline);
                nextGauge = now + 100_000_000L;
            }
            if (now >= nextLine) {
                long stored = Math.max(0, acked.get() - outstanding);
                progress(what, stored, total, start, now, (stored - lastStored) / ((now - lastLine) / 1e9), outstanding);
                lastStored = stored;
                lastLine = now;
                nextLine += 1_000_000_000L;
            }
            if (outstanding > MAX_OUTSTANDING) { // the store is behind: let it catch up
                sleep(20);
                continue;
            }
            Failed retry = failed.poll();
            if (retry != null) {
                resent++;
                send(retry.type(), retry.body());
            } else {
                send(type, body.apply(sent));
                sent++;
            }
        }
        // every message acknowledged by Redis (failed ones re-sent), then wait for the store to take them all
        long deadline = System.nanoTime() + drainTimeout.toNanos();
        while (!stopped.getAsBoolean() && System.nanoTime() < deadline) {
            Failed retry = failed.poll();
            if (retry != null) {
                resent++;
                send(retry.type(), retry.body());
                continue;
            }
            QueueGauges.Snapshot g = gauges.read();
            long now = System.nanoTime();
            if (g != null) outstanding = Math.max(0, g.storePutOutstanding() - baseline);
            boolean allAcked = inFlight.availablePermits() == MAX_IN_FLIGHT && failed.isEmpty();
            if (allAcked && g != null && outstanding == 0) {
                progress(what, acked.get(), total, start, now, -1, 0);
                return true;
            }
            if (now >= nextLine) {
                long stored = Math.max(0, acked.get() - outstanding);
                progress(what, stored, total, start, now, (stored - lastStored) / ((now - lastLine) / 1e9), outstanding);
                lastStored = stored;
                lastLine = now;
                nextLine += 1_000_000_000L;
            }
            sleep(50);
        }
        return false;
    }

    private void send(String type, JsonObject body) {
        inFlight.acquireUninterruptibly();
        bus.sendAsync(Protocol.STORE_PUT, type, body).whenComplete((ok, err) -> {
            inFlight.release();
            if (err == null) acked.incrementAndGet();
            else failed.add(new Failed(type, body));
        });
    }

    private void progress(String what, long stored, long total, long start, long now, double rate, long outstanding) {
        double elapsed = (now - start) / 1e9;
        double avg = stored / Math.max(elapsed, 1e-3);
        String eta = stored >= total ? "0s" : avg < 1 ? "?" : Math.round((total - stored) / avg) + "s";
        out.printf("seed %s %d/%d (%.0f%%) rate=%.0f/s avg=%.0f/s eta=%s queued=%d resent=%d%n", what, stored, total,
                100.0 * stored / total, rate < 0 ? avg : rate, avg, eta, outstanding, resent);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
