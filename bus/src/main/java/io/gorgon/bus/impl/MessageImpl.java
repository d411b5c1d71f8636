package io.gorgon.bus.impl;

import com.google.gson.JsonElement;
import io.gorgon.bus.Failure;
import io.gorgon.bus.Message;
import io.gorgon.bus.Bus;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * A delivered message. What the handler answers (a reply, a forward, or a failure) is held until the handler returns
 * and then written together with the ack, as one step ({@link HopWrites}): a handler that throws after answering
 * sends nothing, and its retry cannot duplicate the answer. The two conditional answers ({@link #forwardIf},
 * {@link #replyFromRedis}) are written at once instead, since the handler needs to know whether they happened.
 */
final class MessageImpl implements Message {
    private final RedisBus bus;
    private final Envelope envelope;
    private final long deliveries;
    /** Where the message is pending (its stream, group and entry id): what a conditional answer acknowledges. */
    private final String stream;
    private final String group;
    private final String entryId;
    /** The reply to push (ok or failure), or null. */
    private String reply;
    /** The forward's queue and encoded envelope, or null. */
    private String forwardQueue;
    private String forwardJson;
    private boolean answered;
    /** A conditional answer and the ack are in Redis already: nothing is left to write. */
    private volatile boolean written;

    MessageImpl(RedisBus bus, Envelope envelope, long deliveries, String stream, String group, String entryId) {
        this.bus = bus;
        this.envelope = envelope;
        this.deliveries = deliveries;
        this.stream = stream;
        this.group = group;
        this.entryId = entryId;
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
        Body b = Body.from(body);
        reply = b.raw() != null ? EnvelopeCodec.okReplyJson(envelope.corr(), b.raw()) : EnvelopeCodec.okReply(envelope.corr(), b.json());
    }

    @Override
    public synchronized void replyJson(String json) {
        if (!envelope.expectsReply() || answered) return;
        answered = true;
        reply = EnvelopeCodec.okReplyJson(envelope.corr(), json);
    }

    @Override
    public void forward(String queue, String type, Object body, Map<String, String> extraHeaders) {
        forwardBody(queue, type, Body.from(body), extraHeaders);
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

    @Override
    public boolean forwardIf(String queue, String type, Map<String, String> extraHeaders, String guardKey, String expected) {
        String nextStream = bus.keys.stream(queue);
        long timeout = bus.sendTimeoutMs();
        if (!bus.hops.canGuard(nextStream, stream, guardKey)) {
            // Cluster, several slots: check, then forward when the handler returns (as HopWrites falls back too).
            if (!expected.equals(Bus.join(bus.hops.get(guardKey, timeout)))) return false;
            forward(queue, type, extraHeaders);
            return true;
        }
        forwardBody(queue, type, envelope.body(), extraHeaders);
        String json;
        synchronized (this) {
            json = forwardJson;
        }
        boolean knownLive = bus.registry.knownLive(queue);
        // Waited for outside the monitor: a virtual thread blocked inside synchronized would pin its carrier.
        HopWrites.Outcome outcome;
        try {
            outcome = Bus.join(bus.hops.forwardIfAndAck(nextStream, bus.keys.consumers(queue), !knownLive, bus.livenessMs(),
                    json, stream, group, entryId, guardKey, expected, timeout));
        } catch (RuntimeException e) {
            // Outcome unknown: never leave the forward to go out unguarded when the handler returns.
            synchronized (this) {
                answered = false;
                forwardQueue = forwardJson = null;
            }
            throw e;
        }
        synchronized (this) {
            switch (outcome) {
                case GUARD_MISSED -> {
                    answered = false;
                    forwardQueue = forwardJson = null;
                    return false;
                }
                // The guard held: answerAndAck sends the forward's NO_CONSUMER answer (or the forward, if one came up).
                case NO_CONSUMER -> {
                    return true;
                }
                case FORWARDED -> bus.metrics.sent(queue);
                case ALREADY_ACKED -> { }
            }
            written = true;
            forwardQueue = forwardJson = null;
            return true;
        }
    }

    @Override
    public boolean replyFromRedis(String lua, List<String> keys, List<String> args) {
        synchronized (this) {
            if (answered) throw new IllegalStateException("message already answered");
        }
        if (!envelope.expectsReply() || !bus.hops.canReplyFrom(envelope.replyTo(), stream, keys)) return false;
        // The reply as okReplyJson writes it, split around the body Redis fills in (a control character never
        // appears unescaped in JSON text, so the split is exact).
        String whole = EnvelopeCodec.okReplyJson(envelope.corr(), "\u0001");
        int at = whole.indexOf('\u0001');
        HopWrites.Replied r = Bus.join(bus.hops.replyFromAndAck(lua, keys, args, envelope.replyTo(), whole.substring(0, at),
                whole.substring(at + 1), bus.replyTtlMs(), stream, group, entryId, bus.sendTimeoutMs()));
        if (r == HopWrites.Replied.NO_BODY) return false;
        synchronized (this) {
            answered = true;
            written = true;
        }
        return true;
    }

    /** True when a conditional answer and the ack are in Redis: a failure after it has nothing left to undo or retry. */
    boolean written() {
        return written;
    }

    synchronized void fail(int code, String text) {
        if (!envelope.expectsReply() || answered) return;
        answered = true;
        reply = failureReply(Failure.HANDLER_FAILED, code, text);
    }

    /** The handler threw: what it answered is not sent (the message is retried or dead-lettered). */
    synchronized void discardAnswer() {
        if (written) return;
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
        if (written) return CompletableFuture.completedFuture(null);
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
