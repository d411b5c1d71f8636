package io.gorgon.bus.testing;

import io.gorgon.bus.redis.LocalRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * One real redis-server for a test class (free port, stopped afterwards) and fresh buses on their own namespace for
 * each test, all closed after it.
 */
public abstract class RedisTestBase {
    protected static LocalRedis redis;
    protected TestBuses buses;

    @BeforeAll
    static void startRedis() {
        redis = LocalRedis.builder().build().start();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
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
