package io.gorgon.bus.impl;

import io.gorgon.bus.ConsumerOptions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.params.XClaimParams;
import redis.clients.jedis.params.XPendingParams;
import redis.clients.jedis.params.XTrimParams;
import redis.clients.jedis.resps.StreamEntry;
import redis.clients.jedis.resps.StreamGroupInfo;
import redis.clients.jedis.resps.StreamPendingEntry;
import redis.clients.jedis.resps.StreamPendingSummary;

/**
 * The housekeeping of one consumer's group membership, a pass every half second on its own connection:
 * <ul>
 *   <li>redelivers the consumer's failed entries once their backoff has passed (XCLAIM to itself),</li>
 *   <li>takes over the pending entries of group members whose registry heartbeat lapsed (never of live ones, so a
 *       slow handler is never stolen),</li>
 *   <li>dead-letters entries delivered {@code maxDeliveries} times, and</li>
 *   <li>trims the stream below the oldest entry any group still needs.</li>
 * </ul>
 * Claimed entries are handed to the consumer, which runs them like freshly read ones.
 */
final class Maintenance {
    private static final Logger log = LoggerFactory.getLogger(Maintenance.class);
    private static final long PERIOD_MS = 500;
    private static final long TRIM_EVERY_MS = 5000;

    private final RedisBus bus;
    private final StreamConsumer consumer;
    private final String stream;
    private final String group;
    private final String me;
    private final ConsumerOptions opts;
    private final Reconnecting redis;
    private final AtomicBoolean running = new AtomicBoolean();
    private ScheduledFuture<?> schedule;
    private long lastTrim;

    Maintenance(RedisBus bus, StreamConsumer consumer, String stream, String group, ConsumerOptions opts) {
        this.bus = bus;
        this.consumer = consumer;
        this.stream = stream;
        this.group = group;
        this.me = bus.options.instanceId();
        this.opts = opts;
        this.redis = new Reconnecting(bus.connections, stream, "maintenance queue=" + consumer.queue(), j -> {});
    }

    void start() {
        schedule = bus.scheduler.scheduleWithFixedDelay(() -> {
            if (running.compareAndSet(false, true)) bus.handlers.execute(this::pass);
        }, PERIOD_MS, PERIOD_MS, TimeUnit.MILLISECONDS);
    }

    /** No more passes; waits (up to the given time) for one still running, then closes the connection. */
    void stop(long untilNanos) {
        if (schedule != null) schedule.cancel(false);
        while (running.get() && System.nanoTime() < untilNanos) Quietly.sleep(5);
        redis.close();
    }

    private void pass() {
        try {
            if (!consumer.isReading() || consumer.isPaused()) return; // paused: no retries, no takeovers either
            Jedis j = redis.get();
            redeliverOwnFailures(j);
            takeOverDeadConsumers(j);
            long now = System.currentTimeMillis();
            if (now - lastTrim > TRIM_EVERY_MS) {
                lastTrim = now;
                trim(j);
            }
            redis.succeeded();
        } catch (JedisConnectionException e) {
            redis.markFailed(e); // the next pass, half a second on, is the retry (on the new primary after a failover)
        } catch (redis.clients.jedis.exceptions.JedisDataException e) {
            if (!Retryable.is(e)) log.warn("event=maintenance_failed queue={} cause=\"{}\"", consumer.queue(), EnvelopeCodec.oneLine(e.toString()), e);
            redis.markFailed(e);
        } catch (RuntimeException | Error e) {
            log.warn("event=maintenance_failed queue={} cause=\"{}\"", consumer.queue(), EnvelopeCodec.oneLine(e.toString()), e);
            redis.drop();
        } finally {
            running.set(false);
        }
    }

    private void redeliverOwnFailures(Jedis j) {
        int free = consumer.freeSlots();
        if (free == 0) return;
        List<StreamPendingEntry> mine = j.xpending(stream, group,
                XPendingParams.xPendingParams(StreamEntryID.MINIMUM_ID, StreamEntryID.MAXIMUM_ID, Math.min(free, 100))
                        .idle(opts.backoffBase().toMillis()).consumer(me));
        List<StreamPendingEntry> due = new ArrayList<>();
        for (StreamPendingEntry pe : mine) {
            if (!consumer.isInFlight(pe.getID().toString()) && pe.getIdleTime() >= opts.backoff(pe.getDeliveredTimes()).toMillis()) {
                due.add(pe);
            }
        }
        claimAndRun(j, due, opts.backoffBase().toMillis());
    }

    private void takeOverDeadConsumers(Jedis j) {
        StreamPendingSummary summary = j.xpending(stream, group);
        if (summary == null || summary.getTotal() == 0 || summary.getConsumerMessageCount() == null) return;
        List<String> others = new ArrayList<>();
        summary.getConsumerMessageCount().forEach((name, count) -> {
            if (!name.equals(me) && count > 0) others.add(name);
        });
        if (others.isEmpty()) return;
        List<String> args = new ArrayList<>();
        args.add(String.valueOf(bus.options.takeoverAfter().toMillis()));
        args.addAll(others);
        @SuppressWarnings("unchecked")
        String instances = bus.keys.instances(); // another slot than the stream: through the writer
        List<Long> alive = (List<Long>) bus.writer.submit(instances, p -> p.evalsha(Scripts.ALIVE.sha(), List.of(instances), args),
                bus.sendTimeoutMs()).join();
        for (int i = 0; i < others.size(); i++) {
            if (alive.get(i) == 1L) continue;
            String dead = others.get(i);
            int free = consumer.freeSlots();
            if (free == 0) return;
            List<StreamPendingEntry> entries = j.xpending(stream, group,
                    XPendingParams.xPendingParams(StreamEntryID.MINIMUM_ID, StreamEntryID.MAXIMUM_ID, Math.min(free, 100)).consumer(dead));
            if (entries.isEmpty()) continue;
            log.info("event=takeover queue={} group={} from={} to={} entries={}", consumer.queue(), group, dead, me, entries.size());
            // min-idle makes concurrent survivors claim each entry once: the first claim resets its idle time.
            claimAndRun(j, entries, bus.options.takeoverAfter().toMillis() / 2);
        }
        cleanUpDeadConsumers(j, summary);
    }

    /** Removes group members that are dead and hold nothing, so the group's consumer list stays small. */
    private void cleanUpDeadConsumers(Jedis j, StreamPendingSummary summary) {
        List<String> idle = new ArrayList<>();
        for (var c : j.xinfoConsumers2(stream, group)) {
            long pending = summary.getConsumerMessageCount().getOrDefault(c.getName(), 0L);
            if (!c.getName().equals(me) && pending == 0 && c.getIdle() > bus.options.takeoverAfter().toMillis() * 10) idle.add(c.getName());
        }
        for (String name : idle) j.xgroupDelConsumer(stream, group, name);
    }

    private void claimAndRun(Jedis j, List<StreamPendingEntry> entries, long minIdle) {
        if (entries.isEmpty()) return;
        Map<String, Long> deliveries = new HashMap<>();
        StreamEntryID[] ids = new StreamEntryID[entries.size()];
        for (int i = 0; i < entries.size(); i++) {
            ids[i] = entries.get(i).getID();
            deliveries.put(ids[i].toString(), entries.get(i).getDeliveredTimes() + 1); // XCLAIM counts a delivery
        }
        List<StreamEntry> claimed = j.xclaim(stream, group, me, minIdle, XClaimParams.xClaimParams(), ids);
        for (StreamEntry e : claimed) {
            if (e == null) continue;
            String id = e.getID().toString();
            if (e.getFields() == null) {
                j.xack(stream, group, e.getID()); // deleted under us: nothing left to deliver
                continue;
            }
            long n = deliveries.getOrDefault(id, 2L);
            if (!consumer.tryReserveSlot()) return; // still pending on us: next pass
            String payload = e.getFields().get("e");
            if (n > opts.maxDeliveries()) {
                // Delivered this often without an ack: its handlers keep failing or dying. Park it with the reason.
                consumer.deadLetterReserved(id, payload,
                        "not acknowledged after " + (n - 1) + " deliveries (handler failures or crashed consumers)", n - 1);
            } else {
                consumer.dispatch(id, payload, n);
            }
        }
    }

    /**
     * Moves an entry to the queue's dead letters and acknowledges it, in one script: the consumer's verdict on an
     * entry it cannot run (malformed, or failed on its last delivery), and this class's on one delivered too often.
     */
    CompletableFuture<Object> deadLetter(String id, String payload, String reason, long deliveries) {
        String queue = consumer.queue();
        List<String> keys = List.of(stream, bus.keys.deadLetters(queue));
        List<String> args = List.of(group, id, payload == null ? "" : payload, reason, String.valueOf(deliveries));
        return bus.writer.submit(stream, p -> p.evalsha(Scripts.DEAD_LETTER.sha(), keys, args), 60_000).thenApply(r -> {
            bus.metrics.deadLettered(queue);
            log.warn("event=dead_lettered queue={} group={} id={} deliveries={} reason=\"{}\"", queue, group, id, deliveries, reason);
            return r;
        });
    }

    /**
     * Trims acknowledged entries: below the oldest entry that any group has pending or not yet read. Never drops an
     * undelivered or unacknowledged entry of a queue. Topics are also capped by length (see BusOptions).
     */
    private void trim(Jedis j) {
        List<StreamGroupInfo> groups = j.xinfoGroups(stream);
        if (groups.isEmpty()) return;
        StreamEntryID threshold = null;
        for (StreamGroupInfo g : groups) {
            StreamEntryID candidate = g.getLastDeliveredId();
            if (g.getPending() > 0) {
                StreamPendingSummary s = j.xpending(stream, g.getName());
                if (s.getMinId() != null && s.getMinId().compareTo(candidate) < 0) candidate = s.getMinId();
            }
            if (threshold == null || candidate.compareTo(threshold) < 0) threshold = candidate;
        }
        if (threshold != null && threshold.getTime() > 0) {
            j.xtrim(stream, XTrimParams.xTrimParams().minId(threshold.toString()).approximateTrimming());
        }
    }
}
