package io.gorgon.bus.impl;

import com.google.gson.JsonElement;
import io.gorgon.bus.Failure;
import io.gorgon.bus.Message;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * A delivered message. What the handler answers (a reply, a forward, or a failure) is held until the handler returns
 * and then written together with the ack, as one step ({@link HopWrites}): a handler that throws after answering
 * sends nothing, and its retry cannot duplicate the answer.
 */
final class MessageImpl implements Message {
    private final RedisBus bus;
    private final Envelope envelope;
    private final long deliveries;
    /** The reply to push (ok or failure), or null. */
    private String reply;
    /** The forward's queue and encoded envelope, or null. */
    private String forwardQueue;
    private String forwardJson;
    private boolean answered;

    MessageImpl(RedisBus bus, Envelope envelope, long deliveries) {
        this.bus = bus;
        this.envelope = envelope;
        this.deliveries = deliveries;
    }

    @Override
    public String id() {
        return envelope.id();
    }

    @Override
    public String type() {
        return envelope.type();
    }

    @Override
    public long sentAt() {
        return envelope.ts();
    }

    @Override
    public String header(String name) {
        return envelope.header(name);
    }

    @Override
    public JsonElement body() {
        return envelope.body().json();
    }

    @Override
    public String bodyJson() {
        String raw = envelope.body().raw();
        return raw != null ? raw : EnvelopeCodec.GSON.toJson(envelope.body().json()); // as the encoder writes a tree
    }

    @Override
    public long deliveries() {
        return deliveries;
    }

    @Override
    public <T> T body(Class<T> type) {
        return EnvelopeCodec.GSON.fromJson(envelope.body().json(), type);
    }

    @Override
    public synchronized void reply(Object body) {
        if (!envelope.expectsReply() || answered) return;
        answered = true;
        JsonElement json = body instanceof JsonElement je ? je : EnvelopeCodec.GSON.toJsonTree(body);
        reply = EnvelopeCodec.okReply(envelope.corr(), json);
    }

    @Override
    public synchronized void replyJson(String json) {
        if (!envelope.expectsReply() || answered) return;
        answered = true;
        reply = EnvelopeCodec.okReplyJson(envelope.corr(), json);
    }

    @Override
    public void forward(String queue, String type, Object body, Map<String, String> extraHeaders) {
        forwardBody(queue, type, body instanceof JsonElement je ? Body.of(je) : Body.of(EnvelopeCodec.GSON.toJsonTree(body)), extraHeaders);
    }

    @Override
    public void forward(String queue, String type, Map<String, String> extraHeaders) {
        forwardBody(queue, type, envelope.body(), extraHeaders);
    }

    private synchronized void forwardBody(String queue, String type, Body body, Map<String, String> extraHeaders) {
        if (answered) throw new IllegalStateException("message already answered");
        answered = true;
        Map<String, String> headers = new HashMap<>(envelope.headers());
        extraHeaders.forEach((k, v) -> {
            if (v == null) headers.remove(k); else headers.put(k, v);
        });
        Envelope next = bus.envelope(queue, type, body, headers, envelope.replyTo(), envelope.corr(), envelope.deadline());
        forwardQueue = queue;
        forwardJson = EnvelopeCodec.encode(next);
    }

    synchronized void fail(int code, String text) {
        if (!envelope.expectsReply() || answered) return;
        answered = true;
        reply = failureReply(Failure.HANDLER_FAILED, code, text);
    }

    /** The handler threw: what it answered is not sent (the message is retried or dead-lettered). */
    synchronized void discardAnswer() {
        answered = false;
        reply = null;
        forwardQueue = forwardJson = null;
    }

    private String failureReply(Failure failure, int code, String text) {
        return EnvelopeCodec.failureReply(envelope.corr(), failure, code, text);
    }

    /**
     * Writes the answer together with the ack of entry {@code entryId}; {@code ack} acknowledges when there is no
     * answer to write. Completes when both are in Redis.
     */
    synchronized CompletableFuture<Object> answerAndAck(String stream, String group, String entryId, Supplier<CompletableFuture<Object>> ack) {
        long timeout = bus.sendTimeoutMs();
        if (forwardQueue != null) {
            String queue = forwardQueue;
            boolean knownLive = bus.registry.knownLive(queue);
            return bus.hops.forwardAndAck(bus.keys.stream(queue), bus.keys.consumers(queue), !knownLive, bus.livenessMs(),
                    forwardJson, stream, group, entryId, timeout).thenCompose(outcome -> {
                if (outcome == HopWrites.Outcome.FORWARDED) bus.metrics.sent(queue);
                if (outcome != HopWrites.Outcome.NO_CONSUMER) return CompletableFuture.<Object>completedFuture(null);
                if (!envelope.expectsReply()) return ack.get();
                return bus.hops.replyAndAck(envelope.replyTo(), failureReply(Failure.NO_CONSUMER, 503, "no live instance consumes " + queue),
                        bus.replyTtlMs(), stream, group, entryId, timeout);
            });
        }
        if (reply != null) return bus.hops.replyAndAck(envelope.replyTo(), reply, bus.replyTtlMs(), stream, group, entryId, timeout);
        return ack.get();
    }

    /** Sends a failure reply on its own (before the entry is dead-lettered); completes at once if none is due. */
    synchronized CompletableFuture<Object> sendReplyOnly() {
        if (reply == null) return CompletableFuture.completedFuture(null);
        return bus.sendReply(envelope, reply);
    }
}
