package io.gorgon.bus.impl;

import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;

/**
 * The one connection a bus loop works on, reopened with backoff after a failure: 50 ms doubling to 2 s, reset by a
 * successful round trip. An outage is logged once when it starts and once when it ends, not once per attempt.
 * Used by one thread at a time (its loop).
 */
final class Reconnecting implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Reconnecting.class);
    static final long FIRST_BACKOFF_MS = 50;
    static final long MAX_BACKOFF_MS = 2000;

    private final Connections connections;
    private final String key;
    private final String component;
    private final Consumer<Jedis> onOpen;
    private final redis.clients.jedis.HostAndPort node;
    private volatile Jedis conn;
    private long backoffMs = FIRST_BACKOFF_MS;
    private boolean down;

    /**
     * @param key       a key in the slot this loop works on (a cluster routes the connection by it); null = any
     * @param component names the loop in logs, e.g. {@code consumer queue=jobs}
     * @param onOpen    runs on every new connection before it is used (load scripts, note the client id…); a
     *                  failure there counts as a failed connect
     */
    Reconnecting(Connections connections, String key, String component, Consumer<Jedis> onOpen) {
        this.connections = connections;
        this.key = key;
        this.component = component;
        this.onOpen = onOpen;
        this.node = null;
    }

    /** A loop pinned to one node (the writer's per-node pipelines), whatever slots it serves. */
    Reconnecting(Connections connections, String key, String component, Consumer<Jedis> onOpen, redis.clients.jedis.HostAndPort node) {
        this.connections = connections;
        this.key = key;
        this.component = component;
        this.onOpen = onOpen;
        this.node = node;
    }

    /** The open connection, connecting first if there is none; throws what connecting threw. */
    Jedis get() {
        Jedis c = conn;
        if (c != null) return c;
        c = node != null ? connections.open(node) : connections.open(key);
        try {
            onOpen.accept(c);
        } catch (RuntimeException e) {
            Quietly.close(c);
            throw e;
        }
        conn = c;
        return c;
    }

    /** True while a connection is open (not dropped after a failure). */
    boolean connected() {
        return conn != null;
    }

    /** A round trip worked: the next failure starts from the first backoff again. */
    void succeeded() {
        backoffMs = FIRST_BACKOFF_MS;
        if (down) {
            down = false;
            log.info("event=redis_reconnected component={}", component);
        }
    }

    /** Drops the connection after {@code cause} and sleeps the backoff, which then doubles. */
    void failed(RuntimeException cause) {
        Quietly.sleep(markFailed(cause));
    }

    /**
     * Drops the connection after {@code cause} and forgets where the slot's primary was (a failover or reshard
     * moves it); returns the backoff to sleep, which then doubles. For loops that serve several nodes.
     */
    long markFailed(RuntimeException cause) {
        drop();
        connections.refresh();
        if (!down) {
            down = true;
            log.warn("event=redis_unavailable component={} cause=\"{}\"", component, EnvelopeCodec.oneLine(String.valueOf(cause.getMessage())));
        }
        long sleep = backoffMs;
        backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
        return sleep;
    }

    /** Closes the connection without waiting; the next {@link #get} opens a new one. */
    void drop() {
        Jedis c = conn;
        conn = null;
        Quietly.close(c);
    }

    @Override
    public void close() {
        drop();
    }
}
