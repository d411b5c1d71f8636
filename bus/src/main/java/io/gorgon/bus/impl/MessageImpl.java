package io.gorgon.bus.impl;

import com.google.gson.JsonElement;
import io.gorgon.bus.Failure;
import io.gorgon.bus.Message;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** A delivered message; remembers what the handler sent so the ack waits until that is safely in Redis. */
final class MessageImpl implements Message {
    private final RedisBus bus;
    private final Envelope envelope;
    private final long deliveries;
    private final List<CompletableFuture<?>> outputs = new ArrayList<>(1);
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
        return envelope.body();
    }

    @Override
    public long deliveries() {
        return deliveries;
    }

    @Override
    public <T> T body(Class<T> type) {
        return EnvelopeCodec.GSON.fromJson(envelope.body(), type);
    }

    @Override
    public synchronized void reply(Object body) {
        if (!envelope.expectsReply() || answered) return;
        answered = true;
        JsonElement json = body instanceof JsonElement je ? je : EnvelopeCodec.GSON.toJsonTree(body);
        outputs.add(bus.sendReply(envelope, EnvelopeCodec.okReply(envelope.corr(), json)));
    }

    @Override
    public synchronized void forward(String queue, String type, Object body, Map<String, String> extraHeaders) {
        if (answered) throw new IllegalStateException("message already answered");
        answered = true;
        Map<String, String> headers = new HashMap<>(envelope.headers());
        extraHeaders.forEach((k, v) -> {
            if (v == null) headers.remove(k); else headers.put(k, v);
        });
        Envelope next = bus.envelope(queue, type, body, headers, envelope.replyTo(), envelope.corr(), envelope.deadline());
        CompletableFuture<Object> sent = bus.enqueueIfConsumed(queue, EnvelopeCodec.encode(next), bus.sendTimeoutMs());
        outputs.add(sent.thenCompose(id -> {
            if (id != null) {
                bus.metrics.sent(queue);
                return CompletableFuture.completedFuture(id);
            }
            if (!envelope.expectsReply()) return CompletableFuture.completedFuture(null);
            return bus.sendReply(envelope, EnvelopeCodec.failureReply(envelope.corr(), Failure.NO_CONSUMER, 503, "no live instance consumes " + queue));
        }));
    }

    synchronized void fail(int code, String text) {
        if (!envelope.expectsReply() || answered) return;
        answered = true;
        outputs.add(bus.sendReply(envelope, EnvelopeCodec.failureReply(envelope.corr(), Failure.HANDLER_FAILED, code, text)));
    }

    /** Completes when everything the handler sent is in Redis; fails if any of it failed. */
    synchronized CompletableFuture<Void> outputsDone() {
        return CompletableFuture.allOf(outputs.toArray(CompletableFuture[]::new));
    }
}
