package io.gorgon.bus.impl;

import io.gorgon.bus.BusException;
import io.gorgon.bus.ConsumerOptions;
import io.gorgon.bus.Failure;
import io.gorgon.bus.Handler;
import io.gorgon.bus.HandlerFailure;
import io.gorgon.bus.Subscription;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.CommandObjects;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.resps.StreamEntry;

/**
 * One instance consuming one queue as a member of a consumer group.
 *
 * <p>A reader thread takes entries with XREADGROUP (each lands in the group's pending list, PEL) and runs each on a
 * virtual thread, bounded by {@code concurrency}. An entry is acknowledged (XACK, pipelined) only after its handler
 * returned and its reply or forward is in Redis. A failed entry stays pending; {@link Maintenance} redelivers it,
 * takes over dead members' entries, dead-letters what keeps failing and trims the stream.
 */
final class StreamConsumer implements Subscription {
    private static final Logger log = LoggerFactory.getLogger(StreamConsumer.class);
    private static final int BLOCK_MS = 1000;

    private final RedisBus bus;
    private final String queue;
    private final String group;
    private final ConsumerOptions opts;
    private final Handler handler;
    private final boolean topic;
    private final String stream;
    private final String me;
    private final Semaphore permits;
    /** Entries this instance is working on (until their ack is in Redis): never redelivered meanwhile. */
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    /** For ordered consumers: one virtual thread running handlers in the order entries were read. */
    private final java.util.concurrent.ExecutorService sequential;
    private final AckBatcher acks;
    private final HandlerTimes handlerTimes = new HandlerTimes();
    private volatile boolean reading = true;
    /** An operator paused this queue mesh-wide: take nothing new (reads, retries, takeovers); in-flight work finishes. */
    private volatile boolean paused;
    private volatile long readClientId = -1;
    /** Reader thread only: answers and acks of the entries it ran itself, not sent yet (they go with the next read). */
    private Writer.Hold held;
    private final CommandObjects commands = new CommandObjects(RedisProtocol.RESP2);
    private final Maintenance maintenance;
    private Thread reader;

    StreamConsumer(RedisBus bus, String queue, String group, ConsumerOptions opts, Handler handler, boolean topic) {
        this.bus = bus;
        this.queue = queue;
        this.group = group;
        this.opts = opts;
        this.handler = handler;
        this.topic = topic;
        this.stream = bus.keys.stream(queue);
        this.me = bus.options.instanceId();
        this.permits = new Semaphore(opts.concurrency());
        this.sequential = opts.ordered()
                ? java.util.concurrent.Executors.newSingleThreadExecutor(Thread.ofVirtual().name("gorgon-ordered-" + queue).factory())
                : null;
        this.maintenance = new Maintenance(bus, this, stream, group, opts);
        this.acks = new AckBatcher(bus.writer, stream, group);
    }

    void start() {
        // The group must exist before start returns: for a topic, "from now on" means from this call.
        long deadline = System.currentTimeMillis() + bus.sendTimeoutMs();
        try (Reconnecting redis = new Reconnecting(bus.connections, stream, "consumer queue=" + queue, j -> {})) {
            while (true) {
                try {
                    Jedis j = redis.get();
                    ensureGroup(j);
                    String pausedKey = bus.keys.paused(); // another slot than the queue: through the writer
                    // a queue paused before this instance started stays paused
                    paused = Boolean.TRUE.equals(bus.writer.submit(pausedKey, p -> p.sismember(pausedKey, queue), bus.sendTimeoutMs()).join());
                    bus.registry.touchConsumer(j, queue);
                    String names = topic ? bus.keys.topics() : bus.keys.queues(); // another slot: through the writer
                    bus.writer.submit(names, p -> p.sadd(names, queue), bus.sendTimeoutMs()).join();
                    break;
                } catch (RuntimeException e) {
                    if (e instanceof JedisDataException d && !Retryable.is(d)) throw e;
                    if (System.currentTimeMillis() > deadline) {
                        throw new BusException(Failure.UNAVAILABLE, "cannot reach Redis to consume " + queue + ": " + e.getMessage());
                    }
                    redis.failed(e);
                }
            }
        }
        reader = Thread.ofPlatform().daemon().name("gorgon-read-" + queue).start(this::readLoop);
        maintenance.start();
        log.info("event=consumer_started queue={} group={} consumer={} concurrency={}", queue, group, me, opts.concurrency());
    }

    @Override
    public String queue() {
        return queue;
    }

    private void ensureGroup(Jedis j) {
        try {
            j.xgroupCreate(stream, group, topic ? StreamEntryID.XGROUP_LAST_ENTRY : new StreamEntryID(0, 0), true);
        } catch (JedisDataException e) {
            if (e.getMessage() == null || !e.getMessage().startsWith("BUSYGROUP")) throw e;
        }
    }

    // ---- reading ----

    private void readLoop() {
        Reconnecting redis = new Reconnecting(bus.connections, stream, "consumer queue=" + queue, j -> {
            readClientId = j.clientId();
            ensureGroup(j);
        });
        while (reading) {
            try {
                Jedis conn = redis.get();
                if (paused) {
                    sendHeld();
                    Quietly.sleep(100);
                    continue;
                }
                int n = awaitReadSize();
                Writer.Hold answers = held;
                held = null;
                if (n == 0) {
                    if (answers != null) answers.send();
                    continue;
                }
                var read = commands.xreadGroup(group, me, XReadGroupParams.xReadGroupParams().count(n).block(BLOCK_MS),
                        Map.of(stream, StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY));
                // The answers of the entries this thread ran go in the same write as the next read.
                var res = answers != null ? answers.sendThen(conn, stream, read) : conn.getConnection().executeCommand(read);
                redis.succeeded();
                if (res != null) {
                    for (var perStream : res) {
                        List<StreamEntry> entries = perStream.getValue();
                        if (runInline(entries)) continue;
                        for (StreamEntry e : entries) {
                            // Usually free at once; waits only if a maintenance claim took the slot meanwhile.
                            permits.acquireUninterruptibly();
                            dispatch(e.getID().toString(), e.getFields().get("e"), 1);
                        }
                    }
                }
            } catch (JedisConnectionException e) {
                sendHeld();
                if (!reading) break;
                redis.failed(e);
            } catch (JedisDataException e) {
                sendHeld();
                // NOGROUP: the stream or group vanished (e.g. Redis restarted without persistence): the reconnect
                // recreates it.
                if (!Retryable.is(e)) log.warn("event=consumer_redis_error queue={} cause=\"{}\"", queue, EnvelopeCodec.oneLine(e.getMessage()));
                redis.failed(e);
            } catch (RuntimeException e) {
                sendHeld();
                log.error("event=consumer_loop_error queue={} cause=\"{}\"", queue, EnvelopeCodec.oneLine(e.toString()), e);
                redis.failed(e);
            }
        }
        sendHeld();
        redis.close();
    }

    /** Hands answers held for the next read to the writer (no read follows: paused, stopping, or Redis failed). */
    private void sendHeld() {
        Writer.Hold h = held;
        held = null;
        if (h != null) h.send();
    }

    /**
     * Waits until a handler slot is free and returns how many are (capped at the batch size): the size of the next
     * read. Slots are taken per entry received, not held across the blocking read, so maintenance can use them.
     * 0 when stopping.
     */
    private int awaitReadSize() {
        while (reading) {
            int free = permits.availablePermits();
            if (free > 0) return Math.min(free, opts.batchSize());
            Quietly.sleep(1);
        }
        return 0;
    }

    // ---- what maintenance needs: slots, in-flight entries, running and dead-lettering claimed entries ----

    boolean isReading() {
        return reading;
    }

    /** Handler slots free right now. */
    int freeSlots() {
        return permits.availablePermits();
    }

    /** Takes a handler slot if one is free, for a claimed entry passed to {@link #dispatch} or {@link #deadLetterReserved}. */
    boolean tryReserveSlot() {
        return permits.tryAcquire();
    }

    /** True while this instance works on the entry (until its ack is in Redis): it must not be redelivered meanwhile. */
    boolean isInFlight(String id) {
        return inFlight.contains(id);
    }

    /** Dead-letters an entry for which the caller reserved a slot. */
    void deadLetterReserved(String id, String payload, String reason, long deliveries) {
        inFlight.add(id);
        finishWith(id, maintenance.deadLetter(id, payload, reason, deliveries));
    }

    /** Runs one entry on a virtual thread. The caller holds a slot for it. */
    void dispatch(String id, String payload, long deliveries) {
        inFlight.add(id);
        (sequential != null ? sequential : bus.handlers).execute(() -> process(id, payload, deliveries));
    }

    /**
     * Entries whose handler is known to be short run on this reader thread, one after the other, and their answers
     * and acks go to Redis as one pipeline sent from here when the writer is idle ({@link Writer.Hold}): no hand-off
     * to a virtual thread per entry nor to the writer thread, each a thread wake-up that costs more than a short
     * handler on a small VM. Only while the whole read fits the inline budget of handler time ({@link HandlerTimes});
     * else (a slow handler, a big batch) the entries run in parallel on virtual threads as before.
     */
    private boolean runInline(List<StreamEntry> entries) {
        int n = entries.size();
        if (!handlerTimes.inlineFits(n)) return false;
        if (sequential != null && !inFlight.isEmpty()) return false; // an ordered consumer's earlier entries go first
        if (!permits.tryAcquire(n)) return false;
        Writer.Hold answers = bus.writer.hold();
        int started = 0;
        try {
            for (StreamEntry e : entries) {
                String id = e.getID().toString();
                inFlight.add(id);
                started++;
                process(id, e.getFields().get("e"), 1, answers);
            }
        } finally {
            if (started < n) permits.release(n - started); // the loop broke off: the rest stay pending for maintenance
            Thread.interrupted(); // a handler's interrupt must not leak into the reader's next read
            held = answers; // sent with the next read (readLoop)
        }
        return true;
    }

    private void process(String id, String payload, long deliveries) {
        process(id, payload, deliveries, null);
    }

    /** @param answers where the answer and ack are held when the reader runs this entry itself, else null */
    private void process(String id, String payload, long deliveries, Writer.Hold answers) {
        long started = System.nanoTime();
        Envelope env;
        try {
            env = EnvelopeCodec.decode(payload);
        } catch (EnvelopeCodec.Malformed m) {
            finishWith(id, maintenance.deadLetter(id, payload, m.getMessage(), deliveries));
            return;
        }
        if (deliveries > 1) bus.metrics.redelivered(queue);
        if (env.deadline() > 0 && System.currentTimeMillis() > env.deadline()) {
            // Nobody waits for this answer any more: doing the work would only delay fresher requests.
            bus.metrics.expired(queue);
            finishWith(id, answers != null ? answers.during(() -> acks.ack(id)) : acks.ack(id));
            return;
        }
        bus.metrics.waited(queue, Math.max(0, Envelope.nowMicros() - env.sentMicros()));
        MessageImpl msg = new MessageImpl(bus, env, deliveries, stream, group, id);
        long handling = System.nanoTime();
        try {
            handler.handle(msg);
            handlerTimes.add(System.nanoTime() - handling);
        } catch (HandlerFailure f) {
            handlerTimes.add(System.nanoTime() - handling);
            msg.fail(f.code(), f.getMessage());
        } catch (Throwable t) {
            bus.metrics.failed(queue);
            if (msg.written()) { // a conditional answer and the ack are in Redis: nothing to retry or dead-letter
                finishWith(id, CompletableFuture.completedFuture(null));
                return;
            }
            if (t instanceof InterruptedException) Thread.currentThread().interrupt();
            msg.discardAnswer();
            if (deliveries >= opts.maxDeliveries()) {
                String reason = "handler failed on delivery " + deliveries + ": " + EnvelopeCodec.oneLine(t.toString());
                msg.fail(500, "processing failed after " + deliveries + " attempts");
                finishWith(id, msg.sendReplyOnly().handle((v, e) -> null).thenCompose(v -> maintenance.deadLetter(id, payload, reason, deliveries)));
            } else {
                log.warn("event=handler_failed queue={} id={} type={} delivery={} retryInMs={} cause=\"{}\"", queue, id, env.type(),
                        deliveries, opts.backoff(deliveries).toMillis(), EnvelopeCodec.oneLine(t.toString()));
                release(id); // stays pending: maintenance redelivers it after the backoff
            }
            return;
        }
        CompletableFuture<Object> written = answers != null
                ? answers.during(() -> msg.answerAndAck(stream, group, id, () -> acks.ack(id)))
                : msg.answerAndAck(stream, group, id, () -> acks.ack(id));
        finishWith(id, written.thenRun(() -> {
            bus.metrics.processed(queue, (System.nanoTime() - started) / 1000, Math.max(0, Envelope.nowMicros() - env.sentMicros()));
        }));
    }

    /**
     * The handler part is over: its slot is free for the next message now, while the entry stays in flight (never
     * redelivered meanwhile) until its outputs and ack are in Redis. Freeing the slot before the ack round trip keeps
     * an ordered or busy consumer from paying read + work + ack in series for every message.
     */
    private void finishWith(String id, CompletableFuture<?> work) {
        permits.release();
        work.whenComplete((v, err) -> {
            if (err != null) {
                // Outputs or ack did not reach Redis: the entry stays pending and is redelivered (at-least-once).
                bus.metrics.failed(queue);
                log.warn("event=ack_failed queue={} id={} cause=\"{}\"", queue, id, EnvelopeCodec.oneLine(String.valueOf(err.getMessage())));
            }
            inFlight.remove(id);
        });
    }

    private void release(String id) {
        inFlight.remove(id);
        permits.release();
    }

    // ---- draining ----

    /** Follows the mesh-wide paused set (read with every heartbeat). */
    void setPaused(boolean now) {
        if (paused == now) return;
        paused = now;
        log.info("event={} queue={} group={} consumer={}", now ? "consumer_paused" : "consumer_resumed", queue, group, me);
        if (now) wakeReader();
    }

    boolean isPaused() {
        return paused;
    }

    void stopReading() {
        if (!reading) return;
        reading = false;
        wakeReader();
    }

    private void wakeReader() {
        long id = readClientId;
        // Wake the reader from its blocking XREADGROUP instead of waiting out the block timeout.
        if (id > 0) bus.writer.submit(stream, p -> p.sendCommand(Protocol.Command.CLIENT, "UNBLOCK", String.valueOf(id)), 1000);
    }

    @Override
    public boolean drain(Duration deadline) {
        stopReading();
        long until = System.nanoTime() + deadline.toNanos();
        boolean done = false;
        while (System.nanoTime() < until) {
            if (inFlight.isEmpty() && permits.availablePermits() >= opts.concurrency()) {
                done = true;
                break;
            }
            Quietly.sleep(10);
        }
        try {
            if (reader != null) reader.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(until - System.nanoTime())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!done) log.warn("event=drain_incomplete queue={} inFlight={}", queue, inFlight.size());
        maintenance.stop(until + TimeUnit.SECONDS.toNanos(2));
        if (sequential != null) sequential.shutdown();
        bus.removeConsumer(this);
        bus.registry.forgetConsumer(queue);
        log.info("event=consumer_drained queue={} complete={}", queue, done);
        return done;
    }
}
