package io.gorgon.roles.infra;

import io.gorgon.bus.RedisTopology;
import io.gorgon.bus.redis.LocalCluster;
import io.gorgon.roles.config.GorgonConfig;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local Redis Cluster of {@code gorgon up} with {@code redis.mode=cluster} and {@code redis.embedded=true}: six
 * redis-servers (three primaries, three replicas) on the configured nodes' ports, data under {@code redis.dir}/cluster
 * so a second {@code up} restarts the same cluster. Needs Redis 7 (Debian's redis-server and redis-cli).
 */
public final class EmbeddedCluster implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedCluster.class);
    private final LocalCluster cluster;

    private EmbeddedCluster(LocalCluster cluster) {
        this.cluster = cluster;
    }

    /** Starts the cluster; throws IllegalStateException with a one-line reason (a port in use, no redis-cli…). */
    public static EmbeddedCluster start(GorgonConfig config) {
        List<Integer> ports = config.redis().nodes().stream().map(RedisTopology::port).toList();
        for (int p : ports) {
            if (!Ports.isFree(p)) {
                throw new IllegalStateException("redis.nodes: port " + p + " is in use (another 'gorgon up'? or set redis.embedded=false)");
            }
        }
        Path dir = Path.of(config.redis().dir()).resolve("cluster");
        LocalCluster c = LocalCluster.start(dir, ports, 1, false, io.gorgon.bus.RedisTopology.parse(config.redis().busUri()).password());
        log.info("event=redis_cluster_started nodes={} dir={}", c.seeds(), dir);
        return new EmbeddedCluster(c);
    }

    public List<Integer> ports() {
        return cluster.nodes().stream().map(io.gorgon.bus.redis.LocalRedis::port).toList();
    }

    /** Each node's pid and port, for status displays. */
    public com.google.gson.JsonArray toJson() {
        com.google.gson.JsonArray a = new com.google.gson.JsonArray();
        for (var n : cluster.nodes()) {
            com.google.gson.JsonObject o = new com.google.gson.JsonObject();
            o.addProperty("pid", n.pid());
            o.addProperty("port", n.port());
            a.add(o);
        }
        return a;
    }

    /** SIGTERM to every node: each flushes its AOF, and the next {@code up} restarts the same cluster. */
    @Override
    public void close() {
        cluster.stop();
        log.info("event=redis_cluster_stopped");
    }
}
