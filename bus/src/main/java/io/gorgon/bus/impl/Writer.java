package io.gorgon.bus.impl;

import io.gorgon.bus.BusException;
import io.gorgon.bus.Failure;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.CommandObject;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * All non-blocking commands of a bus go through one thread: whatever piled up while the previous round trip was on
 * the wire is sent as the next pipeline, one per Redis node (one node unless on a cluster, where each op goes to
 * the node serving its key's slot). Under load that batches sends, replies and acks without anyone waiting for a
 * timer; idle, a command costs one round trip. Commands to one node run in submission order; across nodes there
 * is no order, so an ack waits for the handler's outputs to complete (MessageImpl), never for their submission.
 *
 * <p>A MOVED/ASK, CLUSTERDOWN, READONLY… reply ({@link Retryable}) means the command did not run: the slot map or
 * primary is re-read and the command sent again.
 *
 * <p>Through a Redis outage the writer reconnects with backoff and resubmits each command until its deadline;
 * past it the command fails with {@link Failure#UNAVAILABLE}. A resubmitted command may have run once already
 * (the connection died after Redis executed it): sends are at-least-once.
 */
final class Writer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Writer.class);
    private static final int MAX_BATCH = 1024;
    static final long UNROUTABLE_BACKOFF_MS = 250;

    @FunctionalInterface
    interface Op<T> {
        /** Appends its command(s); returns the response to complete with, or null when it found nothing to send. */
        Response<T> apply(Pipeline p);
    }

    record Pending<T>(String key, Op<T> op, CompletableFuture<T> future, long deadlineNanos) {
        @SuppressWarnings("unchecked")
        void complete(Object value) {
            future.complete((T) value);
        }
    }

    private final Connections connections;
    private final int replicaAcks;
    private final NodePipelines nodes;
    private final LinkedBlockingDeque<Pending<?>> queue = new LinkedBlockingDeque<>();
    /** Held while ops are sent (by the writer thread, or by a caller sending its own ops: {@link Hold#send}). */
    private final ReentrantLock sending = new ReentrantLock();
    /** Ops submitted and not yet completed or failed: while above 0, a caller's op must queue behind them (order). */
    private final AtomicInteger unfinished = new AtomicInteger();
    /** On a thread inside {@link Hold#during}: where its submits are held. */
    private static final ThreadLocal<List<Pending<?>>> HELD = new ThreadLocal<>();
    private final Thread thread;
    private volatile boolean running = true;
    /**
     * When the last op was sent (System.nanoTime). An op submitted after the writer was idle this long is sent by the
     * submitting thread itself: at a low rate (a paced sender, one request now and then) that saves the hand-off to
     * the writer thread and back, two thread wake-ups that cost more than the round trip on a small VM, and their
     * scheduling delay (the paced bench's tail). Ops that follow within the gap queue as before and batch, so a
     * sender in a loop still gets pipelines, not one round trip per op.
     */
    private volatile long lastSentNanos = System.nanoTime();
    private static final long IDLE_NANOS = TimeUnit.MICROSECONDS.toNanos(300);

    /**
     * @param replicaAcks when above 0, each pipeline ends with WAIT for that many replicas, and its commands count as
     *                    done only once the replicas have them (else they are sent again, until their deadline)
     */
    Writer(Connections connections, String name, int replicaAcks) {
        this.connections = connections;
        this.replicaAcks = replicaAcks;
        this.nodes = new NodePipelines(connections, replicaAcks);
        this.thread = Thread.ofPlatform().daemon().name("gorgon-writer-" + name).start(this::loop);
    }

    /**
     * Queues a command; the future completes with its reply, or fails (UNAVAILABLE past the deadline).
     *
     * @param key a key the op's commands touch: on a cluster the op runs on the node serving its slot, so every key
     *            of one op must share a slot (a queue's keys do, through their hash tag)
     */
    <T> CompletableFuture<T> submit(String key, Op<T> op, long timeoutMillis) {
        CompletableFuture<T> f = new CompletableFuture<>();
        if (!running) {
            f.completeExceptionally(new BusException(Failure.UNAVAILABLE, "bus is closed"));
            return f;
        }
        long deadline = timeoutMillis == Long.MAX_VALUE ? Long.MAX_VALUE : System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        Pending<T> p = new Pending<>(key, op, f, deadline);
        List<Pending<?>> held = HELD.get();
        if (held != null) {
            held.add(p);
            return f;
        }
        // (never with replica acks: the caller would wait for WAIT too)
        if (replicaAcks == 0 && System.nanoTime() - lastSentNanos > IDLE_NANOS && unfinished.get() == 0 && sendHere(List.of(p))) return f;
        unfinished.incrementAndGet();
        queue.add(p);
        return f;
    }

    /**
     * Holds back what a thread submits inside {@link Hold#during}, then {@link Hold#send}s it all as one pipeline from
     * that thread when the writer is idle: a blocking round trip on the caller's thread instead of a hand-off to the
     * writer thread and back (two thread wake-ups, which cost more than the round trip on a small VM). For a
     * consumer's reader thread ending the short hops it ran itself; never for code that waits for its own sends.
     */
    Hold hold() {
        return new Hold();
    }

    final class Hold {
        private final List<Pending<?>> ops = new ArrayList<>(4);

        /** Runs {@code work}; what it submits is held until {@link #send}. Must not wait for those submits. */
        <T> T during(java.util.function.Supplier<T> work) {
            if (HELD.get() != null) return work.get();
            HELD.set(ops);
            try {
                return work.get();
            } finally {
                HELD.remove();
            }
        }

        /**
         * Sends what was held: from this thread when nothing submitted earlier is unfinished (so submission order
         * holds) and the node is connected; else queued, in order, for the writer thread.
         */
        void send() {
            if (ops.isEmpty()) return;
            if (!sendHere(ops)) {
                unfinished.addAndGet(ops.size());
                queue.addAll(ops);
            }
            ops.clear();
        }

        /**
         * Sends what was held followed by {@code next} (a blocking read) on {@code conn}, the caller's own connection
         * to the node serving {@code key}, as one write: the held replies are read and their futures completed first,
         * then {@code next}'s reply is awaited and returned. A consumer's reader thus ends one hop and asks for the
         * next message in one round trip (one wake-up for it and one read event for Redis, instead of two each).
         * When that is not safe (the writer has unfinished ops that must go first, another node, replica acks to
         * wait for) it is {@link #send} then {@code next} on its own. On a connection failure the held ops go to the
         * writer thread, which retries them until their deadline (at-least-once, as any write), and this throws.
         */
        <T> T sendThen(Jedis conn, String key, CommandObject<T> next) {
            if (ops.isEmpty()) return conn.getConnection().executeCommand(next);
            if (!sendableOn(key)) {
                send();
                return conn.getConnection().executeCommand(next);
            }
            List<Pending<?>> mine = List.copyOf(ops);
            ops.clear();
            Connection c = conn.getConnection();
            List<Response<?>> responses = new ArrayList<>(mine.size());
            try {
                Pipeline p = new Pipeline(c);
                for (Pending<?> op : mine) responses.add(op.op().apply(p));
                c.sendCommand(next.getArguments());
                p.sync(); // flushes both, reads the held ops' replies only
            } catch (RuntimeException e) {
                requeue(mine);
                throw e;
            }
            List<Pending<?>> retry = new ArrayList<>(0);
            for (int i = 0; i < mine.size(); i++) {
                Pending<?> op = mine.get(i);
                try {
                    Response<?> r = responses.get(i);
                    op.complete(r == null ? null : r.get());
                } catch (JedisDataException e) {
                    if (Retryable.is(e)) retry.add(op); else op.future().completeExceptionally(e);
                }
            }
            requeue(retry);
            return next.getBuilder().build(c.getOne());
        }

        private boolean sendableOn(String key) {
            if (!running || replicaAcks > 0 || unfinished.get() != 0) return false;
            try {
                HostAndPort node = connections.nodeFor(key);
                for (Pending<?> p : ops) if (!node.equals(connections.nodeFor(p.key()))) return false;
                return true;
            } catch (RuntimeException e) {
                return false;
            }
        }
    }

    /** Ops a caller sent that must be sent again: the writer thread takes them first, in order. */
    private void requeue(List<Pending<?>> ops) {
        if (ops.isEmpty()) return;
        unfinished.addAndGet(ops.size());
        for (int i = ops.size() - 1; i >= 0; i--) queue.addFirst(ops.get(i));
    }

    /** Sends {@code ops} on this thread if the writer is idle and their one node connected; false when they must be queued. */
    private boolean sendHere(List<Pending<?>> ops) {
        if (!running || unfinished.get() != 0 || !sending.tryLock()) return false;
        try {
            if (unfinished.get() != 0) return false; // the writer thread took a batch meanwhile
            HostAndPort node = null;
            for (Pending<?> p : ops) {
                HostAndPort n;
                try {
                    n = connections.nodeFor(p.key());
                } catch (RuntimeException e) {
                    return false; // no slot map or primary known: the writer thread finds it (with backoff)
                }
                if (n == null || (node != null && !node.equals(n))) return false; // several nodes: the writer overlaps them
                node = n;
            }
            if (!nodes.connected(node)) return false; // (re)connecting is the writer thread's job
            List<Pending<?>> mine = List.copyOf(ops);
            unfinished.addAndGet(mine.size());
            List<Pending<?>> retry = new ArrayList<>(0);
            nodes.executeOn(node, mine, retry);
            lastSentNanos = System.nanoTime();
            unfinished.addAndGet(-(mine.size() - retry.size()));
            // Failed over or lost the connection: the writer thread retries them, first and in order, until their deadline.
            for (int i = retry.size() - 1; i >= 0; i--) queue.addFirst(retry.get(i));
            return true;
        } finally {
            sending.unlock();
        }
    }

    private void loop() {
        List<Pending<?>> batch = new ArrayList<>(MAX_BATCH);
        while (running || !queue.isEmpty() || !batch.isEmpty()) {
            try {
                if (batch.isEmpty()) {
                    Pending<?> first = queue.poll(200, TimeUnit.MILLISECONDS);
                    if (first == null) continue;
                    batch.add(first);
                }
                queue.drainTo(batch, MAX_BATCH - batch.size());
                List<Pending<?>> retry = new ArrayList<>();
                long backoff;
                sending.lock();
                try {
                    int inHand = batch.size();
                    failExpired(batch);
                    if (batch.isEmpty()) {
                        unfinished.addAndGet(-inHand);
                        continue;
                    }
                    var groups = nodes.byNode(batch, retry);
                    // nothing routable (no cluster node or sentinel answered): wait a little before asking again
                    backoff = Math.max(nodes.executeAll(groups, retry), groups.isEmpty() ? UNROUTABLE_BACKOFF_MS : 0);
                    batch.clear();
                    batch.addAll(retry);
                    unfinished.addAndGet(-(inHand - retry.size()));
                    lastSentNanos = System.nanoTime();
                } finally {
                    sending.unlock();
                }
                if (!retry.isEmpty()) {
                    if (!running && backoff > 0) {
                        retry.forEach(p -> p.future().completeExceptionally(new BusException(Failure.UNAVAILABLE, "bus closed while Redis was unreachable")));
                        unfinished.addAndGet(-retry.size());
                        batch.clear();
                        break;
                    }
                    Quietly.sleep(Math.max(backoff, 10)); // a MOVED or failover: give the cluster a moment
                    failExpiredQueued();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (RuntimeException e) {
                // A bug must not end the only thread that writes: the batch stays, to be sent again until its deadline.
                log.error("event=writer_error cause=\"{}\"", EnvelopeCodec.oneLine(String.valueOf(e)), e);
                Quietly.sleep(UNROUTABLE_BACKOFF_MS);
            }
        }
        nodes.close();
        for (Pending<?> p; (p = queue.poll()) != null; ) {
            p.future().completeExceptionally(new BusException(Failure.UNAVAILABLE, "bus is closed"));
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
                unfinished.decrementAndGet();
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
