package io.gorgon.roles.infra;

import io.gorgon.bus.redis.LocalRedis;
import io.gorgon.roles.config.GorgonConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The servers {@code gorgon up} runs itself when the config says {@code embedded}: a real redis-server with AOF on
 * under {@code redis.dir}, and the durable embedded MongoDB ({@link MongoDaemon}) under {@code mongo.dir}, each its
 * own process. External servers are left alone.
 */
public final class EmbeddedInfra implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedInfra.class);

    private final LocalRedis redis;
    private final MongoChild mongo;
    private final List<Integer> ports;
    private EmbeddedCluster cluster; // redis.mode=cluster: six nodes instead of the one redis

    private EmbeddedInfra(LocalRedis redis, MongoChild mongo, List<Integer> ports) {
        this.redis = redis;
        this.mongo = mongo;
        this.ports = List.copyOf(ports);
    }

    /**
     * Recognises what a dead run left in the embedded servers' data directories ({@link DataDirOwner}): stops its
     * orphaned servers and removes its pid files, with one line each to {@code say}. Throws IllegalStateException if
     * a live 'gorgon up' uses them.
     */
    public static void cleanStale(GorgonConfig config, Consumer<String> say) {
        if (config.redis().embedded()) DataDirOwner.cleanStale(Path.of(config.redis().dir()), "redis-server", "redis-server", say);
        if (config.mongo().embedded()) DataDirOwner.cleanStale(Path.of(config.mongo().dir()), "embedded mongo", "infra mongo", say);
    }

    /** Starts what is embedded; throws IllegalStateException with a one-line reason if it cannot. */
    public static EmbeddedInfra start(GorgonConfig config, Path logsDir) {
        LocalRedis redis = null;
        MongoChild mongo = null;
        List<Integer> ports = new ArrayList<>();
        EmbeddedCluster cluster = null;
        // Idempotent: the caller has normally applied them already (its own clients need the password).
        config = io.gorgon.roles.config.EmbeddedSecrets.apply(config, true);
        try {
            cleanStale(config, line -> log.warn("event=stale_run_cleaned {}", line));
            if (config.redis().embedded() && config.redis().cluster()) {
                cluster = EmbeddedCluster.start(config);
                ports.addAll(cluster.ports());
            } else if (config.redis().embedded()) {
                URI uri = URI.create(config.redis().uri());
                int port = uri.getPort() < 0 ? 6379 : uri.getPort();
                Path dir = Path.of(config.redis().dir());
                freeRedisPort(config, port, dir);
                LocalRedis.Builder b = LocalRedis.builder().port(port).dir(dir).appendOnly(true)
                        .appendFsync(config.redis().appendFsync())
                        // The mesh writes about three AOF bytes per byte of data it keeps (messages come and go):
                        // at Redis' 100 % the whole dataset was rewritten every few seconds while seeding.
                        .arg("--auto-aof-rewrite-percentage", "400");
                // Generated into the data dir by EmbeddedSecrets unless the config gives one: never an open Redis.
                b.password(io.gorgon.bus.RedisTopology.parse(config.redis().busUri()).password());
                redis = b.build().start();
                DataDirOwner.claim(dir, redis.pid());
                ports.add(port);
                log.info("redis started pid={} port={} dir={} appendfsync={}", redis.pid(), port, dir, config.redis().appendFsync());
            }
            if (config.mongo().embedded()) {
                int port = mongoPort(config.mongo().uri());
                if (!Ports.isFree(port)) {
                    throw new IllegalStateException("mongo.uri: port " + port + " is in use by another program"
                            + " (or set mongo.embedded=false to use that server)");
                }
                mongo = new MongoChild(port, Path.of(config.mongo().dir()), logsDir.resolve("mongo.log")).start();
                DataDirOwner.claim(Path.of(config.mongo().dir()), mongo.pid());
                ports.add(port);
            }
            EmbeddedInfra infra = new EmbeddedInfra(redis, mongo, ports);
            infra.cluster = cluster;
            return infra;
        } catch (RuntimeException e) {
            if (cluster != null) cluster.close();
            if (mongo != null) mongo.stop();
            if (redis != null) redis.stop();
            throw e;
        }
    }

    /** The ports the embedded servers listen on (role instances must not be given these). */
    public List<Integer> ports() {
        return ports;
    }

    /** {@code {"redis":{"pid","port"},"mongo":{"pid","port"}}} for what is embedded, for status displays. */
    public com.google.gson.JsonObject toJson() {
        com.google.gson.JsonObject o = new com.google.gson.JsonObject();
        if (redis != null) o.add("redis", server(redis.pid(), redis.port()));
        if (cluster != null) o.add("redisCluster", cluster.toJson());
        if (mongo != null) o.add("mongo", server(mongo.pid(), mongo.port()));
        return o;
    }

    private static com.google.gson.JsonObject server(long pid, int port) {
        com.google.gson.JsonObject o = new com.google.gson.JsonObject();
        o.addProperty("pid", pid);
        o.addProperty("port", port);
        return o;
    }

    /** True when this process runs the mesh's Redis (so it can restart it for a drill). */
    public boolean hasRedis() {
        return redis != null;
    }

    /**
     * A Redis restart drill: SIGTERM (Redis writes its AOF and exits), then start again on the same port and data.
     * Clients see an outage and reconnect; nothing acknowledged is lost, unlike a SIGKILL under appendfsync everysec.
     */
    public void restartRedis() {
        if (redis == null) throw new IllegalStateException("redis is not embedded");
        redis.stop();
        redis.start();
        DataDirOwner.claim(redis.dir(), redis.pid());
        log.info("event=redis_restarted port={}", redis.port());
    }

    /** Stops Mongo, then Redis (roles are gone by now). */
    @Override
    public void close() {
        if (mongo != null) {
            mongo.stop();
            if (!mongo.isRunning()) DataDirOwner.release(mongo.dir());
        }
        if (cluster != null) cluster.close();
        if (redis != null) {
            redis.stop();
            DataDirOwner.release(redis.dir());
            log.info("redis stopped");
        }
    }

    /**
     * A redis-server of an earlier {@code gorgon up} that was SIGKILLed (so it could not stop its children) still
     * holds the port: if it serves our own data directory, shut it down (it syncs its AOF first); anything else on
     * the port is someone else's, and an error.
     */
    private static void freeRedisPort(GorgonConfig config, int port, Path dir) {
        if (Ports.isFree(port)) return;
        String leftover = null;
        try (Jedis j = RedisConnections.open(config.redis().busUri())) { // with the password
            Map<String, String> d = j.configGet("dir");
            String theirs = d.get("dir");
            if (theirs != null && Path.of(theirs).toAbsolutePath().normalize().equals(dir.toAbsolutePath().normalize())) {
                leftover = infoField(j.info("server"), "process_id");
                log.warn("stopping leftover redis-server pid={} port={} dir={} (its supervisor is gone)", leftover, port, dir);
                try {
                    j.shutdown();
                } catch (JedisException closedOnUs) {
                    // SHUTDOWN ends the connection instead of replying.
                }
            }
        } catch (JedisException notRedisOrNotOurs) {
            // fall through to the error below
        }
        for (int i = 0; leftover != null && i < 100 && !Ports.isFree(port); i++) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (!Ports.isFree(port)) {
            throw new IllegalStateException("redis.uri: port " + port + " is in use by another program"
                    + " (or set redis.embedded=false to use that server)");
        }
    }

    private static String infoField(String info, String field) {
        for (String line : info.split("\r?\n")) {
            if (line.startsWith(field + ":")) return line.substring(field.length() + 1).trim();
        }
        return "?";
    }

    static int mongoPort(String uri) {
        String hosts = new com.mongodb.ConnectionString(uri).getHosts().get(0);
        int colon = hosts.lastIndexOf(':');
        return colon < 0 ? 27017 : Integer.parseInt(hosts.substring(colon + 1));
    }
}
