package io.gorgon.roles.provider;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.gorgon.protocol.Protocol;
import io.gorgon.roles.Role;
import io.gorgon.roles.RoleContext;
import io.gorgon.roles.config.GorgonConfig;
import io.gorgon.bus.Ids;
import io.gorgon.protocol.Item;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The seed's provider, the interface to external data: feeds in and webhooks out ({@link ThirdParties}), and the
 * synthetic load. Inserts items from its plugins through store_put at a configured rate (the seed's provider, ~1,000/s). An item
 * counts as inserted once its send is acknowledged by Redis; the store writes it idempotently however often it is
 * delivered. With {@code provider.ackLog} set, every acknowledged id is appended to that file (for loss checks).
 */
public final class ProviderRole implements Role {
    private static final Logger log = LoggerFactory.getLogger(ProviderRole.class);
    private static final int MAX_IN_FLIGHT = 2000;

    private final RoleContext ctx;
    private final List<ProviderPlugin> plugins = new ArrayList<>();
    private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private volatile double rate;
    private volatile boolean running = true;
    private final BufferedWriter ackLog;
    private final Ids ids;
    private Thread pacer;
    private final ThirdParties thirdParties;

    public ProviderRole(RoleContext ctx) throws IOException {
        this.ctx = ctx;
        this.rate = ctx.config().provider().ratePerSecond();
        this.thirdParties = new ThirdParties(ctx);
        for (String name : ctx.config().provider().plugins()) {
            plugins.add(switch (name) {
                case "random" -> new RandomItems(ctx.config().provider().users());
                default -> throw new io.gorgon.roles.config.ConfigException("provider.plugins: unknown plugin '" + name + "'");
            });
        }
        ids = Ids.fromRedis(ctx.redis(), ctx.config().namespace());
        ackLog = ackLog(ctx.config().provider().ackLog());
    }

    private static BufferedWriter ackLog(String path) throws IOException {
        if (path == null || path.isBlank()) return null;
        Path p = Path.of(path);
        if (p.getParent() != null) Files.createDirectories(p.getParent());
        return Files.newBufferedWriter(p, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    @Override
    public void start() {
        thirdParties.start();
        if (!plugins.isEmpty()) pacer = Thread.ofPlatform().name("provider-pacer").start(this::pace);
    }

    /**
     * Each tick wakes the store, MongoDB, notify and stats once, whatever its size. At 10 ms, the bursts of a 1,000/s
     * provider took GET /info's p50 at 4 clients from 2.8-3.4 ms (no inserts) to 3.7-3.9 ms; at 50 ms, 3.2
     * (scripts/bench mesh). A note of this synthetic load is no staler for waiting 50 ms.
     */
    private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    /**
     * Sends at the configured rate in ticks, carrying fractions over, with a cap on unacknowledged items. A tick's
     * items go as one store.items.put: at 1,000/s that is 20 messages a second, not 1,000.
     */
    private void pace() {
        long limit = ctx.config().provider().limit();
        long sent = 0;
        double credit = 0;
        long tick = System.nanoTime();
        int next = 0;
        List<Item> batch = new ArrayList<>();
        while (running && (limit <= 0 || sent < limit)) {
            credit += rate * TICK_NANOS / 1e9;
            while (credit >= 1 && running && (limit <= 0 || sent < limit)) {
                credit -= 1;
                ProviderPlugin plugin = plugins.get(next++ % plugins.size());
                Item item = plugin.next(ids.next(), System.currentTimeMillis());
                if (item == null) continue;
                inFlight.acquireUninterruptibly();
                batch.add(item);
                sent++;
                if (batch.size() == Protocol.MAX_ITEMS_PER_PUT) {
                    insert(batch);
                    batch = new ArrayList<>();
                }
            }
            if (!batch.isEmpty()) {
                insert(batch);
                batch = new ArrayList<>();
            }
            tick += TICK_NANOS;
            long sleep = tick - System.nanoTime();
            if (sleep > 0) {
                try {
                    Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
                } catch (InterruptedException e) {
                    return;
                }
            } else if (sleep < -1_000_000_000L) {
                tick = System.nanoTime(); // fell behind by a second (e.g. Redis was down): don't burst to catch up
            }
        }
        log.info("event=provider_done sent={} acknowledged={}", sent, acknowledged.get());
    }

    /** Sends the items as one message; the list is the send's from here on. */
    private void insert(List<Item> items) {
        JsonArray array = new JsonArray(items.size());
        for (Item i : items) array.add(i.toJson());
        JsonObject body = new JsonObject();
        body.add("items", array);
        ctx.bus().sendAsync(Protocol.STORE_PUT, Protocol.STORE_ITEMS_PUT, body).whenComplete((v, err) -> {
            inFlight.release(items.size());
            if (err != null) {
                // Not acknowledged: not counted as inserted (they may still arrive; the checker calls that "recovered").
                if (failed.addAndGet(items.size()) % 1000 < items.size()) {
                    log.warn("event=provider_send_failed failed={} cause=\"{}\"", failed.get(), err.getMessage());
                }
                return;
            }
            acknowledged.addAndGet(items.size());
            if (ackLog != null) logAcks(items);
        });
    }

    private synchronized void logAcks(List<Item> items) {
        try {
            for (Item i : items) {
                ackLog.write(Long.toString(i.id()));
                ackLog.newLine();
            }
            ackLog.flush(); // a checker reading the log while we run must see every acknowledged id
        } catch (IOException e) {
            log.warn("event=ack_log_failed cause=\"{}\"", e.getMessage());
        }
    }

    @Override
    public void reload(GorgonConfig config) {
        rate = config.provider().ratePerSecond();
        log.info("event=provider_rate_changed rate={}", rate);
    }

    @Override
    public void stop() {
        thirdParties.stop();
        running = false;
        if (pacer != null) pacer.interrupt();
        try {
            if (pacer != null) pacer.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // Sends in flight complete before the bus closes: wait for their acknowledgements.
        try {
            inFlight.tryAcquire(MAX_IN_FLIGHT, 10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public synchronized void close() {
        thirdParties.close();
        if (ackLog != null) {
            try {
                ackLog.close();
            } catch (IOException e) {
                log.warn("event=ack_log_close_failed cause=\"{}\"", e.getMessage());
            }
        }
        log.info("event=provider_closed acknowledged={} failed={}", acknowledged.get(), failed.get());
    }
}
