package io.gorgon.roles.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gorgon.roles.config.GorgonConfig;
import org.junit.jupiter.api.Test;

/** Redis topology in config: cluster and sentinel, credentials and TLS; bad topology is exit 2, secrets masked. */
class RedisTopologyCliTest {
    private static String badSet(String... sets) {
        String[] args = new String[2 + 2 * sets.length];
        args[0] = "config";
        args[1] = "show";
        for (int i = 0; i < sets.length; i++) {
            args[2 + 2 * i] = "--set";
            args[3 + 2 * i] = sets[i];
        }
        return CliErrorsTest.run(args).oneErrorLine(2);
    }

    @Test
    void clusterAndSentinelTopologiesBecomeTheBusUriWithCredentialsAndTls() {
        GorgonConfig c = GorgonConfig.defaults().with("redis.embedded=false", "redis.mode=cluster",
                "redis.nodes=[\"10.0.0.1:7000\",\"10.0.0.2:7000\"]", "redis.user=gorgon", "redis.password=p@ss", "redis.tls=true",
                "redis.replicaAcks=1");
        assertEquals("rediss+cluster://gorgon:p%40ss@10.0.0.1:7000,10.0.0.2:7000", c.redis().busUri());
        assertEquals(1, c.redis().replicaAcks());
        GorgonConfig s = GorgonConfig.defaults().with("redis.embedded=false", "redis.mode=sentinel",
                "redis.nodes=[\"s1:26379\",\"s2:26379\",\"s3:26379\"]", "redis.masterName=main", "redis.password=pw");
        assertEquals("redis+sentinel://:pw@s1:26379,s2:26379,s3:26379/main", s.redis().busUri());
        GorgonConfig one = GorgonConfig.defaults().with("redis.embedded=false", "redis.uri=redis://cache:6379/2",
                "redis.user=app", "redis.password=pw", "redis.tls=true");
        assertEquals("rediss://app:pw@cache:6379/2", one.redis().busUri());
    }

    @Test
    void configShowMasksEveryRedisSecret() {
        var r = CliErrorsTest.run("config", "show", "--set", "redis.embedded=false", "--set", "redis.mode=cluster",
                "--set", "redis.nodes=[\"10.0.0.1:7000\"]", "--set", "redis.password=hunter2",
                "--set", "redis.uri=redis://:hunter3@x:1");
        assertEquals(0, r.code(), r.err());
        assertFalse(r.out().contains("hunter2") || r.out().contains("hunter3"), r.out());
        assertTrue(r.out().contains("***"), r.out());
    }

    @Test
    void invalidTopologyIsExitTwoWithOneLine() {
        assertEquals("config error: redis.mode: must be one of single|cluster|sentinel, got \"ring\"", badSet("redis.mode=ring"));
        assertTrue(badSet("redis.embedded=false", "redis.mode=cluster").contains("redis.nodes"), badSet("redis.embedded=false", "redis.mode=cluster"));
        assertTrue(badSet("redis.embedded=false", "redis.mode=sentinel", "redis.nodes=[\"s:26379\"]").contains("redis.masterName"));
        assertTrue(badSet("redis.embedded=false", "redis.mode=cluster", "redis.nodes=[\"nohost\"]").contains("host:port"));
        assertTrue(badSet("redis.mode=sentinel", "redis.nodes=[\"127.0.0.1:26379\"]", "redis.masterName=m").contains("not sentinel"));
        assertTrue(badSet("redis.mode=cluster", "redis.nodes=[\"127.0.0.1:7000\"]").contains("six nodes"));
        assertTrue(badSet("redis.replicaAcks=-1").contains("redis.replicaAcks"));
    }
}
