package io.gorgon.bus.impl;

import io.gorgon.bus.Keys;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;

/**
 * The instance registry (mutuo's "tracker"): each instance keeps a hash describing itself and a heartbeat score in
 * {@code instances}; each consumed queue keeps the ids of its live consumers. Heartbeats are stamped with Redis's
 * clock, so liveness never depends on the clocks of the hosts. The heartbeat also polls for control commands and the
 * set of paused queues.
 */
final class Registry {
    private static final Logger log = LoggerFactory.getLogger(Registry.class);
    private static final long GONE_AFTER_MS = 10 * 60_000;

    private final RedisBus bus;
    private final String id;
    private final long startedAt = System.currentTimeMillis();
    private String controlVersion;
    private long lastProcessed;
    private long lastBeatNanos = System.nanoTime();
    private int beats;
    private volatile Map<String, Integer> ports;
    /**
     * Queues this instance sends to, and until when (System.nanoTime) each surely has a live consumer: refreshed
     * each heartbeat from the consumer sets, so a send needs no liveness check in Redis while a consumer is known.
     */
    private final Map<String, Long> liveUntil = new java.util.concurrent.ConcurrentHashMap<>();

    Registry(RedisBus bus) {
        this.bus = bus;
        this.id = bus.options.instanceId();
        this.ports = bus.options.ports();
    }

    void advertise(Map<String, Integer> ports, List<StreamConsumer> consumers) {
        this.ports = Map.copyOf(ports);
        heartbeat(consumers); // now, not at the next beat
    }

    void register() {
        try {
            beat(List.of()).get(bus.sendTimeoutMs(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            // Not fatal: the heartbeat keeps trying, and consumers/senders report UNAVAILABLE on their own.
            log.warn("event=register_failed instance={} cause=\"{}\"", id, EnvelopeCodec.oneLine(String.valueOf(e.getMessage())));
        }
    }

    void heartbeat(List<StreamConsumer> consumers) {
        beat(consumers.stream().map(StreamConsumer::queue).distinct().toList());
        if (consumers.isEmpty()) return;
        // The operator's paused set rides on the heartbeat: a pause reaches every consumer within one beat.
        bus.writer.submit(bus.keys.paused(), p -> p.smembers(bus.keys.paused()), bus.sendTimeoutMs()).thenAccept(paused -> {
            for (StreamConsumer c : consumers) c.setPaused(paused.contains(c.queue()));
        });
    }

    private CompletableFuture<?> beat(List<String> queues) {
        Keys k = bus.keys;
        long processed = bus.metrics.processedTotal();
        long nowNanos = System.nanoTime();
        double secs = Math.max(0.001, (nowNanos - lastBeatNanos) / 1e9);
        double rate = (processed - lastProcessed) / secs;
        lastProcessed = processed;
        lastBeatNanos = nowNanos;
        Map<String, String> fields = new HashMap<>();
        fields.put("id", id);
        fields.put("role", bus.options.role());
        fields.put("host", bus.options.host());
        fields.put("pid", String.valueOf(ProcessHandle.current().pid()));
        fields.put("ports", EnvelopeCodec.GSON.toJson(ports));
        fields.put("startedAt", String.valueOf(startedAt));
        fields.put("queues", EnvelopeCodec.GSON.toJson(queues));
        fields.put("processed", String.valueOf(processed));
        fields.put("rate", String.format(java.util.Locale.ROOT, "%.1f", rate));
        String hash = k.instance(id);
        long ttl = GONE_AFTER_MS;
        boolean cleanup = beats++ % 60 == 0;
        // The hash and the instances set live in different cluster slots: two ops, one per key.
        bus.writer.submit(hash, p -> {
            p.hset(hash, fields);
            return p.pexpire(hash, ttl);
        }, bus.sendTimeoutMs());
        CompletableFuture<Object> touched = bus.writer.submit(k.instances(), p -> {
            if (cleanup) p.zremrangeByScore(k.instances(), 0, System.currentTimeMillis() - GONE_AFTER_MS);
            return p.evalsha(Scripts.TOUCH.sha(), List.of(k.instances()), List.of(id));
        }, bus.sendTimeoutMs());
        touched.thenAccept(now -> {
            if (now instanceof Long ms) fields.put("hb", String.valueOf(ms));
        });
        for (String q : queues) {
            String key = k.consumers(q);
            bus.writer.submit(key, p -> p.evalsha(Scripts.TOUCH.sha(), List.of(key), List.of(id)), bus.sendTimeoutMs());
        }
        bus.writer.submit(k.controlVersion(), p -> p.get(k.controlVersion()), bus.sendTimeoutMs()).thenAccept(this::onControlVersion);
        refreshLiveness();
        return touched;
    }

    /** True while a consumer of {@code queue} is known live; false (checked in Redis then) until the next refresh. */
    boolean knownLive(String queue) {
        Long until = liveUntil.putIfAbsent(queue, 0L);
        return until != null && System.nanoTime() - until < 0;
    }

    /**
     * The newest heartbeat per queue sent to, against Redis's clock: a queue's consumer is live until that beat plus
     * the liveness window. Judged from Redis's clock as the per-message check was, minus a margin for the time the
     * answer took to arrive.
     */
    private void refreshLiveness() {
        long window = bus.livenessMs();
        // One script per queue: a queue's keys share a cluster slot, different queues' keys need not.
        for (String queue : List.copyOf(liveUntil.keySet())) {
            String key = bus.keys.consumers(queue);
            long sentNanos = System.nanoTime();
            bus.writer.submit(key, p -> p.evalsha(Scripts.NEWEST_HEARTBEATS.sha(), List.of(key), List.of()), bus.sendTimeoutMs()).thenAccept(r -> {
                if (!(r instanceof List<?> out) || out.size() != 2) return;
                long now = Long.parseLong(String.valueOf(out.get(0)));
                long newest = (long) Double.parseDouble(String.valueOf(out.get(1)));
                long leftMs = newest + window - now - 100;
                liveUntil.put(queue, leftMs <= 0 ? sentNanos : sentNanos + leftMs * 1_000_000L);
            });
        }
    }

    private void onControlVersion(String version) {
        // No key yet is version "0": the first command ever sent on a namespace (INCR makes it "1") is then a change.
        String seen = version == null ? "0" : version;
        if (seen.equals(controlVersion)) return;
        boolean first = controlVersion == null;
        controlVersion = seen;
        if (first) return; // commands issued before this instance started are not for it
        bus.writer.submit(bus.keys.controlLast(), p -> p.get(bus.keys.controlLast()), bus.sendTimeoutMs()).thenAccept(json -> {
            if (json == null) return;
            try {
                EnvelopeCodec.Control cmd = EnvelopeCodec.decodeControl(json);
                log.info("event=control_received command={}", cmd.command());
                bus.handlers.execute(() -> bus.fireControl(cmd));
            } catch (EnvelopeCodec.Malformed e) {
                log.warn("event=bad_control_command cause=\"{}\"", e.getMessage());
            }
        });
    }

    /** Marks this instance as a live consumer of a queue right away, so requests don't fail NO_CONSUMER at startup. */
    void touchConsumer(Jedis j, String queue) {
        j.eval(Scripts.TOUCH.source(), List.of(bus.keys.consumers(queue)), List.of(id));
    }

    void forgetConsumer(String queue) {
        String key = bus.keys.consumers(queue);
        bus.writer.submit(key, p -> p.zrem(key, id), 2000);
    }

    void deregister(List<StreamConsumer> consumers) {
        Keys k = bus.keys;
        var j = bus.connections.unified(); // keys in several slots: a routing client
        {
            j.zrem(k.instances(), id);
            j.del(k.instance(id));
            j.del(k.replies(id));
            for (StreamConsumer c : consumers) j.zrem(k.consumers(c.queue()), id);
        }
    }
}
