package io.gorgon.bus.testing;

import io.gorgon.bus.redis.LocalRedis;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;

/**
 * One real Redis for a test class, started once and stopped afterwards: a redis-server on a free port, or, for a
 * class that implements {@link OnCluster}, a local Redis Cluster of 3 primaries and 3 replicas. Each test gets fresh
 * buses on their own namespace, all closed after it. A test that crashes Redis itself takes a
 * {@link #crashableRedis} of its own.
 */
public abstract class RedisTestBase {
    protected static TestRedis redis;
    protected TestBuses buses;

    @BeforeAll
    static void startRedis(TestInfo info) {
        boolean cluster = info.getTestClass().map(OnCluster.class::isAssignableFrom).orElse(false);
        redis = cluster ? TestRedis.cluster3x2() : TestRedis.single();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    /**
     * A redis-server of the caller's own (who closes it) with AOF fsynced on every write in {@code dir}, so
     * {@link LocalRedis#kill()} then {@link LocalRedis#start()} is a crash that loses no acknowledged write.
     */
    protected static LocalRedis crashableRedis(Path dir) {
        return LocalRedis.builder().dir(dir).appendOnly(true).appendFsync("always").build().start();
    }

    @BeforeEach
    void newBuses() {
        buses = new TestBuses(redis.uri());
    }

    @AfterEach
    void closeBuses() {
        buses.close();
    }
}
