package io.gorgon.bus.testing;

import io.gorgon.bus.redis.LocalRedis;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * One real redis-server for a test class (free port, stopped afterwards) and fresh buses on their own namespace for
 * each test, all closed after it. A test that crashes Redis itself takes a {@link #crashableRedis} of its own.
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
