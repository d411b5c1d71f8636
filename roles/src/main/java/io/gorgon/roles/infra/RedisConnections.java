package io.gorgon.roles.infra;

import redis.clients.jedis.Jedis;

import java.net.URI;

/** Connections for the supervisor and the control commands. */
public final class RedisConnections {
    private static final int TIMEOUT_MS = 3000;

    private RedisConnections() {}

    /**
     * A routing client for the config's Redis topology (one Redis, a cluster, or a sentinel-watched primary): the
     * control keys live in several cluster slots. The caller closes it.
     */
    public static redis.clients.jedis.UnifiedJedis client(io.gorgon.roles.config.GorgonConfig config) {
        return client(config.redis().busUri());
    }

    /** The same for a bus URI ({@code GorgonConfig.Redis#busUri()}). */
    public static redis.clients.jedis.UnifiedJedis client(String busUri) {
        return io.gorgon.bus.impl.Connect.client(busUri, "gorgon-control", 2);
    }

    /** One plain connection to a single redis:// or rediss:// server (password in the URI). */
    public static Jedis open(String uri) {
        return new Jedis(URI.create(uri), TIMEOUT_MS);
    }
}
