package io.gorgon.bus.impl;

import io.gorgon.bus.BusException;
import io.gorgon.bus.Failure;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisConnectionException;
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
    private static final long WAIT_MS = 1000;
    private static final long UNROUTABLE_BACKOFF_MS = 250;

    @FunctionalInterface
    interface Op<T> {
        /** Appends its command(s); returns the response to complete with, or null when it found nothing to send. */
        Response<T> apply(Pipeline p);
    }

    private record Pending<T>(String key, Op<T> op, CompletableFuture<T> future, long deadlineNanos) {
        @SuppressWarnings("unchecked")
        void complete(Object value) {
            future.complete((T) value);
        }
    }

    private final Connections connections;
    private final int replicaAcks;
    private final Map<HostAndPort, Reconnecting> nodes = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.concurrent.ExecutorService parallel = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();
    private final LinkedBlockingDeque<Pending<?>> queue = new LinkedBlockingDeque<>();
    private final Thread thread;
    private volatile boolean running = true;

    /**
     * @param replicaAcks when above 0, each pipeline ends with WAIT for that many replicas, and its commands count as
     *                    done only once the replicas have them (else they are sent again, until their deadline)
     */
    Writer(Connections connections, String name, int replicaAcks) {
        this.connections = connections;
        this.replicaAcks = replicaAcks;
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
        queue.add(new Pending<>(key, op, f, deadline));
        return f;
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
                failExpired(batch);
                if (batch.isEmpty()) continue;
                List<Pending<?>> retry = new ArrayList<>();
                var groups = byNode(batch, retry);
                // nothing routable (no cluster node or sentinel answered): wait a little before asking again
                long backoff = Math.max(executeAll(groups, retry), groups.isEmpty() ? UNROUTABLE_BACKOFF_MS : 0);
                batch.clear();
                batch.addAll(retry);
                if (!retry.isEmpty()) {
                    if (!running && backoff > 0) {
                        retry.forEach(p -> p.future().completeExceptionally(new BusException(Failure.UNAVAILABLE, "bus closed while Redis was unreachable")));
                        batch.clear();
                        break;
                    }
                    Quietly.sleep(Math.max(backoff, 10)); // a MOVED or failover: give the cluster a moment
                    failExpiredQueued();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        nodes.values().forEach(Reconnecting::close);
        parallel.shutdown();
        for (Pending<?> p; (p = queue.poll()) != null; ) {
            p.future().completeExceptionally(new BusException(Failure.UNAVAILABLE, "bus is closed"));
        }
    }

    /**
     * One pipeline per node; on a cluster the nodes' round trips overlap (one virtual thread each), so a batch
     * spread over three primaries costs about one round trip, not three. Returns the longest backoff asked for.
     */
    private long executeAll(Map<HostAndPort, List<Pending<?>>> groups, List<Pending<?>> retry) throws InterruptedException {
        if (groups.isEmpty()) return 0;
        if (groups.size() == 1) {
            var only = groups.entrySet().iterator().next();
            return executeOn(only.getKey(), only.getValue(), retry);
        }
        List<java.util.concurrent.Future<Long>> running = new ArrayList<>(groups.size());
        List<List<Pending<?>>> retries = new ArrayList<>(groups.size());
        for (var g : groups.entrySet()) {
            List<Pending<?>> mine = new ArrayList<>();
            retries.add(mine);
            running.add(parallel.submit(() -> executeOn(g.getKey(), g.getValue(), mine)));
        }
        long backoff = 0;
        for (int i = 0; i < running.size(); i++) {
            try {
                backoff = Math.max(backoff, running.get(i).get());
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException(e.getCause()); // executeOn handles its own failures
            }
            retry.addAll(retries.get(i));
        }
        return backoff;
    }

    /** Groups the batch by the node serving each op's key, keeping submission order within a node. */
    private Map<HostAndPort, List<Pending<?>>> byNode(List<Pending<?>> batch, List<Pending<?>> retry) {
        Map<HostAndPort, List<Pending<?>>> out = new LinkedHashMap<>();
        for (Pending<?> p : batch) {
            try {
                out.computeIfAbsent(connections.nodeFor(p.key()), n -> new ArrayList<>()).add(p);
            } catch (RuntimeException e) { // no slot map / no primary known right now
                connections.refresh();
                retry.add(p);
            }
        }
        return out;
    }

    /** Runs one node's ops as one pipeline; puts what must be sent again in {@code retry}; returns a backoff. */
    private long executeOn(HostAndPort node, List<Pending<?>> ops, List<Pending<?>> retry) {
        Reconnecting redis = nodes.computeIfAbsent(node, n -> new Reconnecting(connections, null, "writer node=" + n, j -> {
            // Scripts are loaded on every (re)connect: a restarted or promoted node has an empty script cache.
            for (Scripts.Script s : Scripts.all()) j.scriptLoad(s.source());
        }, n));
        try {
            Jedis jedis = redis.get();
            Pipeline p = jedis.pipelined();
            List<Response<?>> responses = new ArrayList<>(ops.size());
            for (Pending<?> op : ops) responses.add(op.op().apply(p));
            Response<Long> acked = replicaAcks > 0 ? p.waitReplicas(replicaAcks, WAIT_MS) : null;
            p.sync();
            if (acked != null && acked.get() < replicaAcks) {
                // Not on enough replicas: a failover now could lose these writes. Send them again (at-least-once).
                log.warn("event=replica_acks_missing node={} wanted={} got={}", node, replicaAcks, acked.get());
                retry.addAll(ops);
                return WAIT_MS;
            }
            redis.succeeded();
            boolean stale = false;
            for (int i = 0; i < ops.size(); i++) {
                Pending<?> op = ops.get(i);
                try {
                    Response<?> r = responses.get(i);
                    op.complete(r == null ? null : r.get());
                } catch (JedisDataException e) {
                    if (Retryable.is(e)) {
                        stale = true;
                        retry.add(op);
                    } else {
                        op.future().completeExceptionally(e);
                    }
                }
            }
            if (stale) return redis.markFailed(new JedisConnectionException("node " + node + " no longer serves some keys"));
            return 0;
        } catch (JedisConnectionException | IllegalStateException e) {
            retry.addAll(ops); // the deadline check fails them when it passes
            return redis.markFailed(e);
        } catch (JedisDataException e) {
            if (!Retryable.is(e)) throw e;
            retry.addAll(ops);
            return redis.markFailed(e);
        } catch (RuntimeException e) {
            log.error("event=writer_error cause=\"{}\"", EnvelopeCodec.oneLine(String.valueOf(e)), e);
            ops.forEach(p -> p.future().completeExceptionally(e));
            return 0;
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
