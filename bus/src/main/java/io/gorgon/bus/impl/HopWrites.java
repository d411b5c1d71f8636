package io.gorgon.bus.impl;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The writes that end a hop: a handler's forward or reply together with the ack of the message it handled, as one
 * Lua script each ({@link Scripts#FORWARD_ACK}, {@link Scripts#REPLY_ACK}). One command per hop instead of two or
 * three, and a crash can no longer leave the forward done but the ack undone (no duplicate handoff).
 *
 * <p>The seam for Redis Cluster: a script may only touch keys of one slot, and each queue is its own hash tag, so a
 * cluster topology replaces these two methods with a pipelined two-step (forward, then ack; reply, then ack). That
 * falls back to at-least-once handoff: a crash between the two steps redelivers the message and forwards it again.
 */
class HopWrites {
    /** What {@link #forwardAndAck} found: forwarded (and acked), no live consumer (nothing done), or acked already. */
    enum Outcome { FORWARDED, NO_CONSUMER, ALREADY_ACKED }

    private final Writer writer;

    HopWrites(Writer writer) {
        this.writer = writer;
    }

    /**
     * Appends {@code envelope} to {@code nextStream} and acknowledges entry {@code id} of {@code stream}. With
     * {@code checkConsumer}, nothing happens unless {@code consumersKey} holds a heartbeat within {@code livenessMs}.
     */
    CompletableFuture<Outcome> forwardAndAck(String nextStream, String consumersKey, boolean checkConsumer, long livenessMs,
                                             String envelope, String stream, String group, String id, long timeoutMs) {
        List<String> keys = List.of(nextStream, consumersKey, stream);
        List<String> args = List.of(checkConsumer ? "1" : "0", String.valueOf(livenessMs), envelope, group, id);
        return writer.submit(p -> p.evalsha(Scripts.FORWARD_ACK.sha(), keys, args), timeoutMs).thenApply(r -> {
            if (r == null) return Outcome.NO_CONSUMER;
            if (r instanceof Long) return Outcome.ALREADY_ACKED;
            return Outcome.FORWARDED;
        });
    }

    /** Pushes {@code reply} onto {@code replyKey} (expiring after {@code ttlMs}) and acknowledges entry {@code id}. */
    CompletableFuture<Object> replyAndAck(String replyKey, String reply, long ttlMs, String stream, String group, String id, long timeoutMs) {
        List<String> keys = List.of(replyKey, stream);
        List<String> args = List.of(reply, String.valueOf(ttlMs), group, id);
        return writer.submit(p -> p.evalsha(Scripts.REPLY_ACK.sha(), keys, args), timeoutMs);
    }
}
