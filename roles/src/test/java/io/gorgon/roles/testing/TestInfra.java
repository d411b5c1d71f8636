package io.gorgon.roles.testing;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.gorgon.bus.redis.LocalRedis;
import redis.clients.jedis.RedisClient;

import java.net.InetSocketAddress;

/** The real things the domain classes talk to: a redis-server and a mongo-java-server on free loopback ports. */
public final class TestInfra implements AutoCloseable {
    public final LocalRedis redisServer;
    public final RedisClient redis;
    public final MongoServer mongoServer;
    public final MongoClient mongoClient;
    public final MongoDatabase db;

    private final TestRedis testRedis;

    public TestInfra() {
        testRedis = new TestRedis();
        redisServer = testRedis.server;
        redis = testRedis.client;
        mongoServer = new MongoServer(new MemoryBackend());
        mongoServer.bind("127.0.0.1", 0);
        InetSocketAddress a = mongoServer.getLocalAddress();
        mongoClient = MongoClients.create("mongodb://127.0.0.1:" + a.getPort());
        db = mongoClient.getDatabase("gorgon_test");
    }

    /** A fresh database and an empty Redis, for test isolation within one class. */
    public MongoDatabase freshDatabase(String name) {
        redis.flushAll();
        MongoDatabase d = mongoClient.getDatabase(name);
        d.drop();
        return d;
    }

    @Override
    public void close() {
        try { mongoClient.close(); } catch (RuntimeException ignored) { }
        mongoServer.shutdownNow();
        testRedis.close();
    }
}
