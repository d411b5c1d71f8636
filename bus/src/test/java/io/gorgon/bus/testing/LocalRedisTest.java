package io.gorgon.bus.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gorgon.bus.redis.LocalRedis;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

class LocalRedisTest {
    @Test
    void startsOnAFreePortAndSurvivesACrashWithAof(@TempDir Path dir) {
        try (LocalRedis redis = RedisTestBase.crashableRedis(dir)) {
            assertTrue(redis.port() > 0);
            try (Jedis j = new Jedis("127.0.0.1", redis.port())) {
                j.set("k", "v");
            }
            redis.kill();
            redis.start();
            try (Jedis j = new Jedis("127.0.0.1", redis.port())) {
                assertEquals("v", j.get("k"), "an fsynced write must survive SIGKILL of redis-server");
            }
        }
    }
}
