package io.gorgon.roles.infra;

import redis.clients.jedis.Jedis;

import java.net.URI;

/** One plain connection for the supervisor and the control commands (redis:// or rediss://, password in the URI). */
public final class RedisConnections {
    private static final int TIMEOUT_MS = 3000;

    private RedisConnections() {}

    public static Jedis open(String uri) {
        return new Jedis(URI.create(uri), TIMEOUT_MS);
    }
}
