package io.gorgon.bus.testing;

import io.gorgon.bus.redis.LocalCluster;
import io.gorgon.bus.redis.LocalRedis;
import java.util.HashSet;
import java.util.Set;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.UnifiedJedis;

/** The Redis a test class runs against: one redis-server or a local cluster, seen through its URI and a client. */
public sealed interface TestRedis extends AutoCloseable {
    /** The bus URI: redis://… or redis+cluster://… */
    String uri();

    /** A new routing client for direct checks; the caller closes it. */
    UnifiedJedis client();

    boolean cluster();

    @Override
    void close();

    static TestRedis single() {
        return new Single(LocalRedis.builder().build().start());
    }

    static TestRedis cluster3x2() {
        return new Cluster(LocalCluster.start());
    }

    record Single(LocalRedis server) implements TestRedis {
        public String uri() { return server.uri(); }
        public UnifiedJedis client() { return RedisClient.create(server.uri()); }
        public boolean cluster() { return false; }
        public void close() { server.close(); }
    }

    record Cluster(LocalCluster nodes) implements TestRedis {
        public String uri() { return "redis+cluster://" + String.join(",", nodes.seeds()); }

        public UnifiedJedis client() {
            Set<HostAndPort> seeds = new HashSet<>();
            for (String s : nodes.seeds()) seeds.add(HostAndPort.from(s));
            return RedisClusterClient.create(seeds);
        }

        public boolean cluster() { return true; }
        public void close() { nodes.close(); }
    }
}
