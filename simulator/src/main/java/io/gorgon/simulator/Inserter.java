package io.gorgon.simulator;

import io.gorgon.bus.Bus;
import io.gorgon.protocol.Protocol;
import io.gorgon.bus.Ids;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The provider's part of the scenario: new notes for random users onto store_put at a steady rate. Each note's id is
 * assigned here, and the outcome of its send is recorded: acknowledged (in Redis: the mesh owes us this note) or
 * unknown (the send failed or timed out; it may or may not have been enqueued). The checker works from these.
 */
final class Inserter {
    private static final int MAX_IN_FLIGHT = 50_000;

    private final Bus bus;
    private final Ids ids;
    private final long[] userIds;
    private final double rate;
    private final String runTag;
    private final LongBag acknowledged = new LongBag();
    private final LongBag unknown = new LongBag();
    private final AtomicLong attempted = new AtomicLong();
    private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
    private volatile boolean running = true;
    private Thread thread;

    Inserter(Bus bus, Ids ids, long[] userIds, double rate, String runTag) {
        this.bus = bus;
        this.ids = ids;
        this.userIds = userIds;
        this.rate = rate;
        this.runTag = runTag;
    }

    void start() {
        if (rate <= 0) return;
        thread = Thread.ofPlatform().name("sim-inserter").daemon().start(this::loop);
    }

    /** Stops inserting, without waiting. */
    void halt() {
        running = false;
    }

    /** Stops inserting and waits until every send has an outcome (the bus fails a send after its send timeout). */
    void stop() {
        running = false;
        if (thread == null) return;
        try {
            thread.join(5000);
            long waitMs = bus.options().sendTimeout().toMillis() + 2000;
            if (inFlight.tryAcquire(MAX_IN_FLIGHT, waitMs, TimeUnit.MILLISECONDS)) inFlight.release(MAX_IN_FLIGHT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void loop() {
        Pacer pacer = new Pacer(rate);
        long seq = 0;
        while (running && pacer.awaitNext(Long.MAX_VALUE)) {
            long id = ids.next();
            long user = userIds[ThreadLocalRandom.current().nextInt(userIds.length)];
            inFlight.acquireUninterruptibly();
            attempted.incrementAndGet();
            bus.sendAsync(Protocol.STORE_PUT, Protocol.STORE_ITEM_PUT,
                    SyntheticData.loadItem(id, user, System.currentTimeMillis(), runTag, seq++))
                    .whenComplete((ok, err) -> {
                        if (err == null) acknowledged.add(id);
                        else unknown.add(id);
                        inFlight.release();
                    });
        }
    }

    long attempted() {
        return attempted.get();
    }

    long acknowledgedCount() {
        return acknowledged.size();
    }

    long unknownCount() {
        return unknown.size();
    }

    long[] acknowledged() {
        return acknowledged.toArray();
    }

    long[] unknown() {
        return unknown.toArray();
    }
}
