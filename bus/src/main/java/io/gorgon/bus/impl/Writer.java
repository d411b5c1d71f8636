package io.gorgon.bus.impl;

import io.gorgon.bus.BusException;
import io.gorgon.bus.Failure;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * All non-blocking commands of a bus go through one connection and one thread: whatever piled up while the previous
 * round trip was on the wire is sent as the next pipeline. Under load that batches sends, replies and acks without
 * anyone waiting for a timer; idle, a command costs one round trip. Commands run in submission order, so a reply
 * submitted before an ack reaches Redis before it.
 *
 * <p>Through a Redis outage the writer reconnects with backoff and resubmits each command until its deadline;
 * past it the command fails with {@link Failure#UNAVAILABLE}. A resubmitted command may have run once already
 * (the connection died after Redis executed it): sends are at-least-once.
 */
final class Writer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Writer.class);
    private static final int MAX_BATCH = 1024;

    @FunctionalInterface
    interface Op<T> {
        /** Appends its command(s); returns the response to complete with, or null when it found nothing to send. */
        Response<T> apply(Pipeline p);
    }

    private record Pending<T>(Op<T> op, CompletableFuture<T> future, long deadlineNanos) {
        @SuppressWarnings("unchecked")
        void complete(Object value) {
            future.complete((T) value);
        }
    }

    private final Reconnecting redis;
    private final LinkedBlockingDeque<Pending<?>> queue = new LinkedBlockingDeque<>();
    private final Thread thread;
    private volatile boolean running = true;

    Writer(Connections connections, String name) {
        // Scripts are loaded on every (re)connect: a restarted Redis has an empty script cache.
        this.redis = new Reconnecting(connections, "writer", j -> {
            for (Scripts.Script s : Scripts.ALL) j.scriptLoad(s.source());
        });
        this.thread = Thread.ofPlatform().daemon().name("gorgon-writer-" + name).start(this::loop);
    }

    /** Queues a command; the future completes with its reply, or fails (UNAVAILABLE past the deadline). */
    <T> CompletableFuture<T> submit(Op<T> op, long timeoutMillis) {
        CompletableFuture<T> f = new CompletableFuture<>();
        if (!running) {
            f.completeExceptionally(new BusException(Failure.UNAVAILABLE, "bus is closed"));
            return f;
        }
        long deadline = timeoutMillis == Long.MAX_VALUE ? Long.MAX_VALUE : System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        queue.add(new Pending<>(op, f, deadline));
        return f;
    }

    private void loop() {
        List<Pending<?>> batch = new ArrayList<>(MAX_BATCH);
        while (running || !queue.isEmpty()) {
            try {
                if (batch.isEmpty()) {
                    Pending<?> first = queue.poll(200, TimeUnit.MILLISECONDS);
                    if (first == null) continue;
                    batch.add(first);
                    queue.drainTo(batch, MAX_BATCH - 1);
                }
                failExpired(batch);
                if (batch.isEmpty()) continue;
                execute(redis.get(), batch);
                batch.clear();
                redis.succeeded();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (JedisConnectionException | IllegalStateException e) {
                if (!running) {
                    redis.drop();
                    batch.forEach(p -> p.future().completeExceptionally(new BusException(Failure.UNAVAILABLE, "bus closed while Redis was unreachable")));
                    batch.clear();
                    break;
                }
                redis.failed(e);
                failExpiredQueued();
                // batch is kept and retried: commands whose deadline passes meanwhile fail in failExpired
            } catch (RuntimeException e) {
                log.error("event=writer_error cause=\"{}\"", EnvelopeCodec.oneLine(String.valueOf(e)), e);
                batch.forEach(p -> p.future().completeExceptionally(e));
                batch.clear();
            }
        }
        redis.close();
        for (Pending<?> p; (p = queue.poll()) != null; ) {
            p.future().completeExceptionally(new BusException(Failure.UNAVAILABLE, "bus is closed"));
        }
    }

    private void execute(Jedis jedis, List<Pending<?>> batch) {
        Pipeline p = jedis.pipelined();
        List<Response<?>> responses = new ArrayList<>(batch.size());
        for (Pending<?> op : batch) responses.add(op.op().apply(p));
        p.sync();
        for (int i = 0; i < batch.size(); i++) {
            Pending<?> op = batch.get(i);
            try {
                Response<?> r = responses.get(i);
                op.complete(r == null ? null : r.get());
            } catch (JedisDataException e) {
                op.future().completeExceptionally(e);
            }
        }
    }

    private static void failExpired(List<Pending<?>> batch) {
        long now = System.nanoTime();
        ArrayDeque<Pending<?>> keep = new ArrayDeque<>(batch.size());
        for (Pending<?> p : batch) {
            if (p.future().isDone()) continue;
            if (p.deadlineNanos() != Long.MAX_VALUE && now - p.deadlineNanos() > 0) {
                p.future().completeExceptionally(new BusException(Failure.UNAVAILABLE, "Redis unreachable until the deadline"));
            } else {
                keep.add(p);
            }
        }
        batch.clear();
        batch.addAll(keep);
    }

    /** During an outage, commands waiting behind the retried batch must still fail at their own deadline. */
    private void failExpiredQueued() {
        long now = System.nanoTime();
        for (var it = queue.iterator(); it.hasNext(); ) {
            Pending<?> p = it.next();
            if (p.deadlineNanos() != Long.MAX_VALUE && now - p.deadlineNanos() > 0) {
                it.remove();
                p.future().completeExceptionally(new BusException(Failure.UNAVAILABLE, "Redis unreachable until the deadline"));
            }
        }
    }

    /** Stops after everything already queued was sent (or failed); waits up to the given time. */
    @Override
    public void close() {
        close(5000);
    }

    void close(long waitMillis) {
        running = false;
        try {
            thread.join(waitMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) thread.interrupt();
    }
}
