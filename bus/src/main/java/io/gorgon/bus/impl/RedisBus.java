package io.gorgon.bus.impl;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.gorgon.bus.Admin;
import io.gorgon.bus.Bus;
import io.gorgon.bus.BusException;
import io.gorgon.bus.BusMetrics;
import io.gorgon.bus.BusOptions;
import io.gorgon.bus.ConsumerOptions;
import io.gorgon.bus.DeliveryOptions;
import io.gorgon.bus.Failure;
import io.gorgon.bus.Handler;
import io.gorgon.bus.Keys;
import io.gorgon.bus.Subscription;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Response;

/** The Redis Streams implementation of {@link Bus}. */
final class RedisBus implements Bus {
    private static final Logger log = LoggerFactory.getLogger(RedisBus.class);

    final BusOptions options;
    final Keys keys;
    final Connections connections;
    final Writer writer;
    final Metrics metrics = new Metrics();
    final ExecutorService handlers = Executors.newVirtualThreadPerTaskExecutor();
    final ScheduledThreadPoolExecutor scheduler;
    final Registry registry;
    final HopWrites hops;
    private final ReplyListener replies;
    private final Map<String, CompletableFuture<String>> pending = new ConcurrentHashMap<>();
    private final List<StreamConsumer> consumers = new CopyOnWriteArrayList<>();
    private final Map<String, List<Consumer<JsonElement>>> controlListeners = new ConcurrentHashMap<>();
    private final AtomicLong seq = new AtomicLong();
    private final AdminImpl admin;
    private volatile boolean closed;

    private RedisBus(BusOptions options) {
        this.options = options;
        this.keys = new Keys(options.namespace());
        this.connections = new Connections(options.redisUri(), options.instanceId());
        this.writer = new Writer(connections, options.instanceId(), options.replicaAcks());
        this.scheduler = new ScheduledThreadPoolExecutor(1, Thread.ofPlatform().daemon().name("gorgon-timer").factory());
        scheduler.setRemoveOnCancelPolicy(true);
        this.registry = new Registry(this);
        this.hops = new HopWrites(writer, connections);
        this.replies = new ReplyListener(this);
        this.admin = new AdminImpl(keys, connections, options.heartbeat(), options.takeoverAfter());
    }

    static RedisBus connect(BusOptions options) {
        RedisBus bus = new RedisBus(options);
        bus.registry.register();
        bus.replies.start();
        long period = options.heartbeat().toMillis();
        bus.scheduler.scheduleAtFixedRate(bus::heartbeat, period, period, TimeUnit.MILLISECONDS);
        bus.scheduler.scheduleAtFixedRate(bus::publishMetrics, 1000 - System.currentTimeMillis() % 1000, 1000, TimeUnit.MILLISECONDS);
        log.info("event=bus_connected instance={} role={} redis={}", options.instanceId(), options.role(), bus.connections.describe());
        return bus;
    }

    // ---- verbs ----

    @Override
    public CompletableFuture<Void> sendAsync(String queue, String type, Object body, DeliveryOptions delivery) {
        Envelope e = envelope(queue, type, body, delivery.headers(), null, null, 0);
        String json = EnvelopeCodec.encode(e);
        String stream = keys.stream(queue);
        return writer.submit(stream, p -> p.xadd(stream, redis.clients.jedis.params.XAddParams.xAddParams(), Map.of("e", json)), timeoutMs(delivery))
                .thenAccept(id -> metrics.sent(queue));
    }

    @Override
    public CompletableFuture<JsonElement> request(String queue, String type, Object body, DeliveryOptions delivery) {
        return requestJson(queue, type, body, delivery).thenApply(com.google.gson.JsonParser::parseString);
    }

    @Override
    public CompletableFuture<String> requestJson(String queue, String type, Object body, DeliveryOptions delivery) {
        long now = System.currentTimeMillis();
        long timeoutMs = timeoutMs(delivery);
        String corr = options.instanceId() + "." + Long.toString(seq.incrementAndGet(), 36);
        Envelope e = envelope(queue, type, body, delivery.headers(), keys.replies(options.instanceId()), corr, now + timeoutMs);
        CompletableFuture<String> reply = new CompletableFuture<>();
        pending.put(corr, reply);
        var timer = scheduler.schedule(() -> {
            if (pending.remove(corr, reply)) {
                reply.completeExceptionally(new BusException(Failure.TIMEOUT, "no reply from " + queue + " within " + timeoutMs + " ms"));
            }
        }, timeoutMs, TimeUnit.MILLISECONDS);
        reply.whenComplete((r, x) -> timer.cancel(false));
        enqueueIfConsumed(queue, EnvelopeCodec.encode(e), Math.min(sendTimeoutMs(), timeoutMs)).whenComplete((id, err) -> {
            if (err != null) {
                if (pending.remove(corr, reply)) reply.completeExceptionally(unwrapUnavailable(err));
            } else if (id == null) {
                if (pending.remove(corr, reply)) {
                    reply.completeExceptionally(new BusException(Failure.NO_CONSUMER, "no live instance consumes " + queue));
                }
            } else {
                metrics.sent(queue);
            }
        });
        return reply;
    }

    @Override
    public CompletableFuture<Void> publish(String topic, String type, Object body) {
        Envelope e = envelope(topic, type, body, Map.of(), null, null, 0);
        String json = EnvelopeCodec.encode(e);
        String stream = keys.stream(topic);
        return writer.submit(stream, p -> {
            Response<?> r = p.xadd(stream, redis.clients.jedis.params.XAddParams.xAddParams()
                    .maxLen(options.topicRetention()).approximateTrimming(), Map.of("e", json));
            return r;
        }, sendTimeoutMs()).thenAccept(id -> metrics.sent(topic));
    }

    @Override
    public Subscription consume(String queue, ConsumerOptions opts, Handler handler) {
        return start(queue, opts, handler, false);
    }

    @Override
    public Subscription subscribe(String topic, ConsumerOptions opts, Handler handler) {
        return start(topic, opts, handler, true);
    }

    private Subscription start(String queue, ConsumerOptions opts, Handler handler, boolean topic) {
        if (closed) throw new IllegalStateException("bus is closed");
        String group = opts.group() == null ? options.role() : opts.group();
        StreamConsumer c = new StreamConsumer(this, queue, group, opts, handler, topic);
        consumers.add(c);
        c.start();
        return c;
    }

    void removeConsumer(StreamConsumer c) {
        consumers.remove(c);
    }

    @Override
    public void advertise(Map<String, Integer> ports) {
        registry.advertise(ports, consumers);
    }

    @Override
    public Admin admin() {
        return admin;
    }

    @Override
    public BusMetrics metrics() {
        return metrics;
    }

    @Override
    public BusOptions options() {
        return options;
    }

    @Override
    public void onControl(String command, Consumer<JsonElement> listener) {
        controlListeners.computeIfAbsent(command, c -> new CopyOnWriteArrayList<>()).add(listener);
    }

    void fireControl(EnvelopeCodec.Control cmd) {
        String name = cmd.command();
        for (Consumer<JsonElement> l : controlListeners.getOrDefault(name, List.of())) {
            try {
                l.accept(cmd.body());
            } catch (RuntimeException ex) {
                log.warn("event=control_listener_failed command={} cause=\"{}\"", name, EnvelopeCodec.oneLine(ex.toString()));
            }
        }
    }

    // ---- internals used by consumers and messages ----

    Envelope envelope(String queue, String type, Object body, Map<String, String> headers, String replyTo, String corr, long deadline) {
        return envelope(queue, type, Body.from(body), headers, replyTo, corr, deadline);
    }

    Envelope envelope(String queue, String type, Body json, Map<String, String> headers, String replyTo, String corr, long deadline) {
        long now = Envelope.nowMicros();
        return new Envelope(Envelope.VERSION, options.instanceId() + "." + Long.toString(seq.incrementAndGet(), 36),
                type, queue, now / 1000, replyTo, corr, deadline, headers, json, (int) (now % 1000));
    }

    /**
     * Enqueues only if the queue has a live consumer, else completes with null. While the registry view knows a live
     * consumer this is a plain XADD; otherwise a script checks the consumer set in Redis, so NO_CONSUMER is still
     * answered at once. (A consumer that deregistered within the last heartbeat may still be taken as live: then the
     * request waits in its queue for the next consumer, or times out.)
     */
    CompletableFuture<Object> enqueueIfConsumed(String queue, String json, long timeoutMs) {
        String stream = keys.stream(queue);
        if (registry.knownLive(queue)) {
            return writer.submit(stream, p -> p.xadd(stream, redis.clients.jedis.params.XAddParams.xAddParams(), Map.of("e", json)), timeoutMs)
                    .thenApply(id -> (Object) id);
        }
        List<String> k = List.of(stream, keys.consumers(queue));
        List<String> a = List.of(String.valueOf(livenessMs()), json);
        return writer.submit(stream, p -> p.evalsha(Scripts.ENQUEUE_IF_CONSUMED.sha(), k, a), timeoutMs);
    }

    long livenessMs() {
        return options.takeoverAfter().toMillis();
    }

    long replyTtlMs() {
        return options.replyTtl().toMillis();
    }

    /** Sends a reply (encoded by EnvelopeCodec) to a request's reply address; expires there if the requester is gone. */
    CompletableFuture<Object> sendReply(Envelope request, String payload) {
        String key = request.replyTo();
        long ttl = options.replyTtl().toMillis();
        return writer.submit(key, p -> {
            p.rpush(key, payload);
            @SuppressWarnings("unchecked")
            Response<Object> r = (Response<Object>) (Response<?>) p.pexpire(key, ttl);
            return r;
        }, sendTimeoutMs());
    }

    /** Requests still waiting for their reply. */
    int awaitingReplies() {
        return pending.size();
    }

    /** Called by the reply listener for each reply that arrives. */
    void onReply(String payload) {
        EnvelopeCodec.Reply reply;
        try {
            reply = EnvelopeCodec.decodeReply(payload);
        } catch (EnvelopeCodec.Malformed e) {
            log.warn("event=bad_reply cause=\"{}\"", e.getMessage());
            return;
        }
        CompletableFuture<String> f = reply.corr() == null ? null : pending.remove(reply.corr());
        if (f == null) {
            metrics.lateReply(); // timed out already, or a duplicate after a redelivery
        } else if (reply.failure() == null) {
            f.complete(reply.bodyJson());
        } else {
            f.completeExceptionally(reply.failure());
        }
    }

    private long timeoutMs(DeliveryOptions delivery) {
        return delivery.timeout() == null ? sendTimeoutMs() : delivery.timeout().toMillis();
    }

    long sendTimeoutMs() {
        return options.sendTimeout().toMillis();
    }

    static Throwable unwrapUnavailable(Throwable err) {
        Throwable t = err instanceof java.util.concurrent.CompletionException && err.getCause() != null ? err.getCause() : err;
        if (t instanceof BusException) return t;
        return new BusException(Failure.UNAVAILABLE, EnvelopeCodec.oneLine(t.getMessage()));
    }

    private void heartbeat() {
        try {
            registry.heartbeat(consumers);
        } catch (RuntimeException e) {
            log.warn("event=heartbeat_failed cause=\"{}\"", EnvelopeCodec.oneLine(e.getMessage()));
        }
    }

    private void publishMetrics() {
        if (closed) return;
        try {
            long ts = System.currentTimeMillis() / 1000 * 1000;
            JsonObject snap = metrics.snapshot(options.instanceId(), options.role(), options.host(), ProcessHandle.current().pid(), ts);
            String stream = keys.stream(METRICS_TOPIC);
            Envelope e = envelope(METRICS_TOPIC, "metrics.snapshot", snap, Map.of(), null, null, 0);
            String json = EnvelopeCodec.encode(e);
            writer.submit(stream, p -> p.xadd(stream, redis.clients.jedis.params.XAddParams.xAddParams().maxLen(10_000).approximateTrimming(),
                    Map.of("e", json)), 1000);
        } catch (RuntimeException e) {
            log.debug("event=metrics_publish_failed cause=\"{}\"", e.toString());
        }
    }

    @Override
    public void close(Duration deadline) {
        if (closed) return;
        closed = true;
        long until = System.nanoTime() + deadline.toNanos();
        for (StreamConsumer c : consumers) c.stopReading();
        for (StreamConsumer c : consumers) c.drain(Duration.ofNanos(Math.max(0, until - System.nanoTime())));
        pending.forEach((corr, f) -> f.completeExceptionally(new BusException(Failure.UNAVAILABLE, "bus closed")));
        pending.clear();
        scheduler.shutdownNow();
        try {
            registry.deregister(consumers);
        } catch (RuntimeException e) {
            log.warn("event=deregister_failed cause=\"{}\"", EnvelopeCodec.oneLine(e.getMessage()));
        }
        replies.close();
        writer.close(Math.max(1000, TimeUnit.NANOSECONDS.toMillis(until - System.nanoTime())));
        handlers.shutdown();
        connections.close();
        log.info("event=bus_closed instance={}", options.instanceId());
    }
}
