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
    /** What {@link #forwardAndAck} found: forwarded (and acked), no live consumer (nothing done), or acked already. */
    enum Outcome { FORWARDED, NO_CONSUMER, ALREADY_ACKED }

    private final Writer writer;
    private final Connections connections;

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
