package io.gorgon.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.gorgon.bus.redis.LocalRedis;
import io.gorgon.bus.testing.Await;
import io.gorgon.bus.testing.TestBuses;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The topology URI forms, and a bus that logs in with an ACL user and password. */
class RedisTopologyTest {
    @Test
    void theThreeFormsParseAndRoundTrip() {
        RedisTopology one = RedisTopology.parse("rediss://app:p%40ss@cache:6380/2");
        assertEquals(RedisTopology.Mode.SINGLE, one.mode());
        assertEquals("app", one.user());
        assertEquals("p@ss", one.password());
        assertEquals(2, one.database());
        assertEquals("rediss://app:p%40ss@cache:6380/2", one.uri());
        RedisTopology c = RedisTopology.parse("redis+cluster://:pw@a:7000,b:7001");
        assertEquals(List.of("a:7000", "b:7001"), c.nodes());
        assertEquals(c, RedisTopology.parse(c.uri()));
        RedisTopology s = RedisTopology.parse("redis+sentinel://s1,s2:26380/main");
        assertEquals(List.of("s1:26379", "s2:26380"), s.nodes());
        assertEquals("main", s.masterName());
        assertEquals("redis+sentinel://:***@s1:26379/m", RedisTopology.redact("redis+sentinel://:secret@s1:26379/m"));
        assertThrows(IllegalArgumentException.class, () -> RedisTopology.parse("redis+sentinel://s1:26379"));
        assertThrows(IllegalArgumentException.class, () -> RedisTopology.parse("memcached://x:1"));
        assertThrows(IllegalArgumentException.class, () -> RedisTopology.parse("redis+cluster://a:99999"));
    }

    @Test
    void aBusLogsInWithAnAclUser() {
        try (LocalRedis r = LocalRedis.builder().build().start()) {
            try (redis.clients.jedis.Jedis j = new redis.clients.jedis.Jedis("127.0.0.1", r.port())) {
                j.aclSetUser("gorgon", "on", ">s3cret", "~*", "&*", "+@all");
                j.aclSetUser("default", "off"); // from now on only the ACL user gets in
            }
            delivers("redis://gorgon:s3cret@127.0.0.1:" + r.port());
        }
    }

    private static void delivers(String uri) {
        try (TestBuses buses = new TestBuses(uri)) {
            AtomicInteger got = new AtomicInteger();
            buses.bus("worker").consume("acl", ConsumerOptions.defaults(), m -> got.incrementAndGet());
            buses.bus("producer").send("acl", "x", Map.of());
            Await.until(Duration.ofSeconds(10), "delivered under an ACL user", () -> got.get() == 1);
        }
    }
}
