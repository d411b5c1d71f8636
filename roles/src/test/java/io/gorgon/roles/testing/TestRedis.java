package io.gorgon.roles.testing;

import io.gorgon.bus.redis.LocalRedis;
import redis.clients.jedis.RedisClient;

/** A real redis-server on a free loopback port and a client for it; closing stops both. */
public final class TestRedis implements AutoCloseable {
    public final LocalRedis server;
    public final RedisClient client;

    public TestRedis() {
        server = LocalRedis.builder().build().start();
        client = RedisClient.create(server.uri());
    }

    public String uri() {
        return server.uri();
    }

    @Override
    public void close() {
        try { client.close(); } catch (RuntimeException ignored) { }
        server.close();
    }
}
