package io.gorgon.bus.impl;

import io.gorgon.bus.Admin;
import io.gorgon.bus.Bus;
import io.gorgon.bus.BusOptions;
import io.gorgon.bus.Keys;
import java.time.Duration;
import redis.clients.jedis.Jedis;

/**
 * The one door from the API package into this one, behind {@link Bus#connect}, {@link Admin#connect} and
 * {@code Ids.fromRedis}; everything else here is package-private. Not for use outside {@code io.gorgon.bus}.
 */
public final class Connect {
    private Connect() {}

    public static Bus bus(BusOptions options) {
        return RedisBus.connect(options);
    }

    public static Admin admin(String redisUri, String namespace, Duration heartbeat, Duration takeoverAfter) {
        return new AdminImpl(new Keys(namespace), new Connections(redisUri, "gorgon-admin"), heartbeat, takeoverAfter);
    }

    /** One connection to the node serving {@code key} (any key on one Redis), already answering PING. */
    public static Jedis redis(String redisUri, String clientName, String key) {
        return new Connections(redisUri, clientName).open(key);
    }

    /**
     * A new routing client for any topology of {@link io.gorgon.bus.RedisTopology} (a pooled client, a cluster
     * client following MOVED, or a sentinel client following failovers); the caller closes it.
     */
    public static redis.clients.jedis.UnifiedJedis client(String redisUri, String clientName) {
        return client(redisUri, clientName, 8);
    }

    /** The same with a pool of up to {@code poolSize} connections (per node on a cluster). */
    public static redis.clients.jedis.UnifiedJedis client(String redisUri, String clientName, int poolSize) {
        return new Connections(redisUri, clientName).newClient(poolSize);
    }
}
