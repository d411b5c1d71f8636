package io.gorgon.bus.impl;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.util.KeyValue;

/**
 * Waits on this instance's own reply list. Replies are addressed to one instance, so no other instance can take
 * them (the original's shared web_data queue let instances steal each other's replies). A reply list of a dead
 * instance expires in Redis after the reply TTL.
 */
final class ReplyListener implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ReplyListener.class);
    private final RedisBus bus;
    private final String key;
    private final Reconnecting redis;
    /** Requests awaiting a reply from which a drain is always tried: replies then usually arrive in bursts. */
    private static final int DRAIN_WHEN_WAITING = 16;
    private volatile boolean running = true;
    private boolean lastDrainFound; // only the loop thread
    private volatile long clientId = -1;
    private Thread thread;

    ReplyListener(RedisBus bus) {
        this.bus = bus;
        this.key = bus.keys.replies(bus.options.instanceId());
        this.redis = new Reconnecting(bus.connections, key, "replies", j -> clientId = j.clientId());
    }

    void start() {
        thread = Thread.ofPlatform().daemon().name("gorgon-replies").start(this::loop);
    }

    private void loop() {
        while (running) {
            try {
                Jedis conn = redis.get();
                KeyValue<String, String> first = conn.blpop(1.0, key);
                redis.succeeded();
                if (first == null) continue;
                bus.onReply(first.getValue());
                // Drain what else arrived in one round trip: under load replies come in bursts. With no other
                // request waiting, no other reply can be there: skip the round trip (one command less per request).
                // With a few waiting, a drain mostly finds nothing (4 clients: 0.7 empty LPOPs per request): drain
                // only while drains find something or many wait; the next BLPOP returns a waiting reply at once anyway.
                int waiting = bus.awaitingReplies();
                if (waiting == 0 || (waiting < DRAIN_WHEN_WAITING && !lastDrainFound)) continue;
                List<String> more = conn.lpop(key, 256);
                lastDrainFound = more != null && !more.isEmpty();
                if (more != null) for (String r : more) bus.onReply(r);
            } catch (JedisConnectionException e) {
                if (!running) break;
                redis.failed(e);
            } catch (JedisDataException e) {
                if (!Retryable.is(e)) log.error("event=reply_loop_error cause=\"{}\"", EnvelopeCodec.oneLine(e.toString()), e);
                redis.failed(e); // MOVED, CLUSTERDOWN, UNBLOCKED after a failover…: find the primary again
            } catch (RuntimeException e) {
                log.error("event=reply_loop_error cause=\"{}\"", EnvelopeCodec.oneLine(e.toString()), e);
                redis.failed(e);
            }
        }
        redis.close();
    }

    @Override
    public void close() {
        running = false;
        long id = clientId;
        // Wake the blocking BLPOP now rather than after its timeout.
        if (id > 0) {
            try (Jedis j = bus.connections.open(key)) {
                j.clientUnblock(id);
            } catch (RuntimeException ignored) {
                // Redis gone: the loop ends on its own
            }
        }
        try {
            if (thread != null) thread.join(1500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
