package io.gorgon.bus.impl;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * The {@link Writer}'s connections, one per Redis node, and how a batch of ops goes over them: one pipeline per
 * node, in submission order within a node. What did not run (a connection lost, MOVED, a failover, missing replica
 * acks) is handed back to be sent again; the writer decides when.
 */
final class NodePipelines implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NodePipelines.class);
    private static final long WAIT_MS = 1000;

    private final Connections connections;
    private final int replicaAcks;
    private final Map<HostAndPort, Reconnecting> nodes = new ConcurrentHashMap<>();
    private final ExecutorService parallel = Executors.newVirtualThreadPerTaskExecutor();

    NodePipelines(Connections connections, int replicaAcks) {
        this.connections = connections;
        this.replicaAcks = replicaAcks;
    }

    /** True when this node's connection is up (a caller may send on it; reconnecting is the writer thread's job). */
    boolean connected(HostAndPort node) {
        Reconnecting redis = nodes.get(node);
        return redis != null && redis.connected();
    }

    /**
     * One pipeline per node; on a cluster the nodes' round trips overlap (one virtual thread each), so a batch
     * spread over three primaries costs about one round trip, not three. Returns the longest backoff asked for.
     */
    long executeAll(Map<HostAndPort, List<Writer.Pending<?>>> groups, List<Writer.Pending<?>> retry) throws InterruptedException {
        if (groups.isEmpty()) return 0;
        if (groups.size() == 1) {
            var only = groups.entrySet().iterator().next();
            return executeOn(only.getKey(), only.getValue(), retry);
        }
        List<Future<Long>> running = new ArrayList<>(groups.size());
        List<List<Writer.Pending<?>>> sent = new ArrayList<>(groups.size()), retries = new ArrayList<>(groups.size());
        for (var g : groups.entrySet()) {
            List<Writer.Pending<?>> mine = new ArrayList<>();
            sent.add(g.getValue());
            retries.add(mine);
            running.add(parallel.submit(() -> executeOn(g.getKey(), g.getValue(), mine)));
        }
        long backoff = 0;
        for (int i = 0; i < running.size(); i++) {
            try {
                backoff = Math.max(backoff, running.get(i).get());
                retry.addAll(retries.get(i));
            } catch (ExecutionException e) { // executeOn handles its own failures: a bug, never the thread's end
                log.error("event=writer_error cause=\"{}\"", EnvelopeCodec.oneLine(String.valueOf(e.getCause())), e.getCause());
                for (Writer.Pending<?> p : sent.get(i)) if (!p.future().isDone()) retry.add(p);
                backoff = Math.max(backoff, Writer.UNROUTABLE_BACKOFF_MS);
            }
        }
        return backoff;
    }

    /** Groups the batch by the node serving each op's key, keeping submission order within a node. */
    Map<HostAndPort, List<Writer.Pending<?>>> byNode(List<Writer.Pending<?>> batch, List<Writer.Pending<?>> retry) {
        Map<HostAndPort, List<Writer.Pending<?>>> out = new LinkedHashMap<>();
        for (Writer.Pending<?> p : batch) {
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
    long executeOn(HostAndPort node, List<Writer.Pending<?>> ops, List<Writer.Pending<?>> retry) {
        Reconnecting redis = nodes.computeIfAbsent(node, n -> new Reconnecting(connections, null, "writer node=" + n, j -> {
            // Scripts are loaded on every (re)connect: a restarted or promoted node has an empty script cache.
            for (Scripts.Script s : Scripts.all()) j.scriptLoad(s.source());
        }, n));
        try {
            Jedis jedis = redis.get();
            Pipeline p = jedis.pipelined();
            List<Response<?>> responses = new ArrayList<>(ops.size());
            for (Writer.Pending<?> op : ops) responses.add(op.op().apply(p));
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
                Writer.Pending<?> op = ops.get(i);
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
        } catch (RuntimeException e) {
            if (e instanceof JedisConnectionException || e instanceof IllegalStateException
                    || e instanceof JedisDataException d && Retryable.is(d)) {
                retry.addAll(ops); // the deadline check fails them when it passes
                return redis.markFailed(e);
            }
            // Not "not here, not now": these ops fail; the writer carries on with the next ones.
            log.error("event=writer_error node={} cause=\"{}\"", node, EnvelopeCodec.oneLine(String.valueOf(e)), e);
            ops.forEach(p -> p.future().completeExceptionally(e));
            return 0;
        }
    }

    @Override
    public void close() {
        nodes.values().forEach(Reconnecting::close);
        parallel.shutdown();
    }
}
