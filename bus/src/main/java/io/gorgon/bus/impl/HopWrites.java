package io.gorgon.bus.impl;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The writes that end a hop: a handler's forward or reply together with the ack of the message it handled, as one
 * Lua script each ({@link Scripts#FORWARD_ACK}, {@link Scripts#REPLY_ACK}). One command per hop instead of two or
 * three, and a crash can no longer leave the forward done but the ack undone (no duplicate handoff).
 *
 * <p>On Redis Cluster a script may only touch keys of one slot, and each queue is its own hash tag: when the two
 * keys are in different slots these methods fall back to two steps (forward, then ack; reply, then ack). That is
 * at-least-once handoff again: a crash between the two steps redelivers the message and forwards it again.
 */
class HopWrites {
    /**
     * What {@link #forwardAndAck} found: forwarded (and acked), no live consumer (nothing done), or acked already;
     * for {@link #forwardIfAndAck} also: the guard key did not hold the expected value (nothing done).
     */
    enum Outcome { FORWARDED, NO_CONSUMER, ALREADY_ACKED, GUARD_MISSED }

    /** What {@link #replyFromAndAck} did: replied (and acked), acked already (nothing pushed), or no body (nothing done). */
    enum Replied { REPLIED, ALREADY_ACKED, NO_BODY }

    private final Writer writer;
    private final Connections connections;
    /** Scripts made of callers' Lua ({@link Scripts#replyFrom}) sent at least once: the reconnect hook loads them since. */
    private final java.util.Set<String> loaded = java.util.concurrent.ConcurrentHashMap.newKeySet();

    HopWrites(Writer writer, Connections connections) {
        this.writer = writer;
        this.connections = connections;
    }

    /**
     * Appends {@code envelope} to {@code nextStream} and acknowledges entry {@code id} of {@code stream}. With
     * {@code checkConsumer}, nothing happens unless {@code consumersKey} holds a heartbeat within {@code livenessMs}.
     */
    CompletableFuture<Outcome> forwardAndAck(String nextStream, String consumersKey, boolean checkConsumer, long livenessMs,
                                             String envelope, String stream, String group, String id, long timeoutMs) {
        if (!connections.sameSlot(nextStream, stream)) {
            // Cluster, two slots: forward (checked like a send), then ack. At-least-once: a crash in between forwards again.
            List<String> k = List.of(nextStream, consumersKey);
            List<String> a = List.of(String.valueOf(livenessMs), envelope);
            return writer.submit(nextStream, p -> p.evalsha(Scripts.ENQUEUE_IF_CONSUMED.sha(), k, a), timeoutMs).thenCompose(r -> r == null
                    ? CompletableFuture.completedFuture(Outcome.NO_CONSUMER)
                    : writer.submit(stream, p -> p.xack(stream, group, new redis.clients.jedis.StreamEntryID(id)), timeoutMs).thenApply(n -> Outcome.FORWARDED));
        }
        List<String> keys = List.of(nextStream, consumersKey, stream);
        List<String> args = List.of(checkConsumer ? "1" : "0", String.valueOf(livenessMs), envelope, group, id);
        return writer.submit(stream, p -> p.evalsha(Scripts.FORWARD_ACK.sha(), keys, args), timeoutMs).thenApply(r -> {
            if (r == null) return Outcome.NO_CONSUMER;
            if (r instanceof Long) return Outcome.ALREADY_ACKED;
            return Outcome.FORWARDED;
        });
    }

    /** True when the guarded forward can run as one script: on Cluster, all three keys in one slot. */
    boolean canGuard(String nextStream, String stream, String guardKey) {
        return connections.sameSlot(nextStream, stream) && connections.sameSlot(guardKey, stream);
    }

    /** The guard's value the plain way (the Cluster fallback of a guarded forward). */
    CompletableFuture<String> get(String key, long timeoutMs) {
        return writer.submit(key, p -> p.get(key), timeoutMs);
    }

    /**
     * {@link #forwardAndAck} only if {@code guardKey} holds {@code expected}, checked in the same script. The caller
     * made sure the keys share a slot ({@link #canGuard}).
     */
    CompletableFuture<Outcome> forwardIfAndAck(String nextStream, String consumersKey, boolean checkConsumer, long livenessMs,
                                               String envelope, String stream, String group, String id, String guardKey,
                                               String expected, long timeoutMs) {
        List<String> keys = List.of(nextStream, consumersKey, stream, guardKey);
        List<String> args = List.of(checkConsumer ? "1" : "0", String.valueOf(livenessMs), envelope, group, id, expected);
        return writer.submit(stream, p -> p.evalsha(Scripts.FORWARD_ACK_IF.sha(), keys, args), timeoutMs).thenApply(r -> {
            if (r == null) return Outcome.NO_CONSUMER;
            if (r instanceof Long n) return n < 0 ? Outcome.GUARD_MISSED : Outcome.ALREADY_ACKED;
            return Outcome.FORWARDED;
        });
    }

    /** True when a reply built by a script can be one step: on Cluster, every key in the slot of {@code stream}. */
    boolean canReplyFrom(String replyKey, String stream, List<String> keys) {
        if (!connections.sameSlot(replyKey, stream)) return false;
        for (String k : keys) if (!connections.sameSlot(k, stream)) return false;
        return true;
    }

    /**
     * Runs the caller's Lua function ({@link Scripts#replyFrom}); if it returns a body, pushes {@code before + body +
     * after} onto {@code replyKey} (expiring after {@code ttlMs}) and acknowledges entry {@code id}, all one step.
     */
    CompletableFuture<Replied> replyFromAndAck(String lua, List<String> fnKeys, List<String> fnArgs, String replyKey, String before,
                                               String after, long ttlMs, String stream, String group, String id, long timeoutMs) {
        Scripts.Script script = Scripts.replyFrom(lua);
        List<String> keys = new java.util.ArrayList<>(2 + fnKeys.size());
        keys.add(replyKey);
        keys.add(stream);
        keys.addAll(fnKeys);
        List<String> args = new java.util.ArrayList<>(5 + fnArgs.size());
        args.addAll(List.of(before, after, String.valueOf(ttlMs), group, id));
        args.addAll(fnArgs);
        // First use by this bus: load it ahead in the same pipeline (later connections load it on connect).
        boolean load = loaded.add(script.sha());
        return writer.submit(stream, p -> {
            if (load) p.scriptLoad(script.source(), stream);
            return p.evalsha(script.sha(), keys, args);
        }, timeoutMs).thenApply(r -> {
            long n = (Long) r;
            return n < 0 ? Replied.NO_BODY : n == 0 ? Replied.ALREADY_ACKED : Replied.REPLIED;
        });
    }

    /** Pushes {@code reply} onto {@code replyKey} (expiring after {@code ttlMs}) and acknowledges entry {@code id}. */
    CompletableFuture<Object> replyAndAck(String replyKey, String reply, long ttlMs, String stream, String group, String id, long timeoutMs) {
        if (!connections.sameSlot(replyKey, stream)) {
            return writer.submit(replyKey, p -> {
                p.rpush(replyKey, reply);
                @SuppressWarnings("unchecked")
                redis.clients.jedis.Response<Object> r = (redis.clients.jedis.Response<Object>) (redis.clients.jedis.Response<?>) p.pexpire(replyKey, ttlMs);
                return r;
            }, timeoutMs).thenCompose(r -> writer.submit(stream, p -> p.xack(stream, group, new redis.clients.jedis.StreamEntryID(id)), timeoutMs))
                    .thenApply(n -> (Object) n);
        }
        List<String> keys = List.of(replyKey, stream);
        List<String> args = List.of(reply, String.valueOf(ttlMs), group, id);
        return writer.submit(stream, p -> p.evalsha(Scripts.REPLY_ACK.sha(), keys, args), timeoutMs);
    }
}
