package io.gorgon.bus.impl;

import io.gorgon.bus.RedisTopology;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.RedisSentinelClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * Opens Redis connections for a {@link RedisTopology}: to the one Redis, to the primary the sentinels name, or to
 * the cluster node serving a key's slot. The slot map (cluster) and the primary's address (sentinel) are cached and
 * re-read by {@link #refresh()}, which callers invoke after a failure or a MOVED reply: that is how producers,
 * consumers and reply listeners find a promoted replica.
 */
final class Connections {
    private static final Logger log = LoggerFactory.getLogger(Connections.class);

    private final RedisTopology topology;
    private final JedisClientConfig config;
    private final JedisClientConfig sentinelConfig;
    private final Object lock = new Object();
    private volatile HostAndPort[] slots; // cluster: slot → primary
    private volatile HostAndPort primary; // single/sentinel
    private UnifiedJedis unified;
    private final Set<String> known = java.util.concurrent.ConcurrentHashMap.newKeySet();

    Connections(String uri, String clientName) {
        this.topology = RedisTopology.parse(uri);
        DefaultJedisClientConfig.Builder b = DefaultJedisClientConfig.builder()
                .resp2() // plain Jedis connections speak RESP2; saying so avoids a per-connection negotiation warning
                .connectionTimeoutMillis(2000)
                .socketTimeoutMillis(5000)
                .clientName(clientName)
                .ssl(topology.tls())
                .database(topology.database());
        if (topology.user() != null) b.user(topology.user());
        if (topology.password() != null) b.password(topology.password());
        this.config = b.build();
        this.sentinelConfig = DefaultJedisClientConfig.builder().resp2().connectionTimeoutMillis(1000)
                .socketTimeoutMillis(1000).ssl(topology.tls()).build();
        if (topology.mode() == RedisTopology.Mode.SINGLE) primary = node(topology.nodes().get(0));
    }

    RedisTopology topology() {
        return topology;
    }

    boolean cluster() {
        return topology.mode() == RedisTopology.Mode.CLUSTER;
    }

    /** A connection for commands on keys in {@code key}'s slot (any key on one Redis or Sentinel). */
    Jedis open(String key) {
        return open(nodeFor(key));
    }

    /** A connection to the primary (single/sentinel), or to some cluster node: for commands that touch no key. */
    Jedis open() {
        return open(cluster() ? slotMap()[0] : nodeFor(null));
    }

    Jedis open(HostAndPort node) {
        Jedis j = new Jedis(node, config);
        try {
            j.ping(); // connect now, so failures surface here and not on the first command
        } catch (RuntimeException e) {
            Quietly.close(j);
            throw e;
        }
        return j;
    }

    /** The node (primary) serving {@code key}; {@code key} is ignored outside a cluster. */
    HostAndPort nodeFor(String key) {
        return switch (topology.mode()) {
            case SINGLE -> primary;
            case SENTINEL -> {
                HostAndPort p = primary;
                yield p != null ? p : resolvePrimary();
            }
            case CLUSTER -> slotMap()[key == null ? 0 : JedisClusterCRC16.getSlot(key)];
        };
    }

    /**
     * True when one Lua script may touch both keys: always on one Redis or Sentinel, on a cluster only when they hash
     * to one slot. A fused step (e.g. forward + ack) falls back to two pipelined commands otherwise.
     */
    boolean sameSlot(String a, String b) {
        return !cluster() || JedisClusterCRC16.getSlot(a) == JedisClusterCRC16.getSlot(b);
    }

    /** Forgets the cached slot map or primary: the next {@link #nodeFor} asks the cluster or the sentinels again. */
    void refresh() {
        if (topology.mode() == RedisTopology.Mode.CLUSTER) slots = null;
        if (topology.mode() == RedisTopology.Mode.SENTINEL) primary = null;
    }

    /** A human-readable description for logs (no password). */
    String describe() {
        return RedisTopology.redact(topology.uri());
    }

    /**
     * A routing client of Jedis's own for one-off commands (admin views, deregistration): it follows MOVED and
     * failovers by itself. Not for the hot path, which pipelines per node.
     */
    UnifiedJedis unified() {
        synchronized (lock) {
            if (unified == null) unified = newClient(8);
            return unified;
        }
    }

    /** A new routing client of this topology; the caller closes it. */
    UnifiedJedis newClient(int poolSize) {
        redis.clients.jedis.ConnectionPoolConfig pool = new redis.clients.jedis.ConnectionPoolConfig();
        pool.setMaxTotal(poolSize);
        pool.setMaxIdle(poolSize);
        Set<HostAndPort> nodes = new HashSet<>();
        for (String n : topology.nodes()) nodes.add(node(n));
        return switch (topology.mode()) {
            case SINGLE -> RedisClient.builder().hostAndPort(primary).clientConfig(config).poolConfig(pool).build();
            case CLUSTER -> RedisClusterClient.builder().nodes(nodes).clientConfig(config).maxAttempts(10)
                    .maxTotalRetriesDuration(java.time.Duration.ofSeconds(10)).poolConfig(pool).build();
            case SENTINEL -> RedisSentinelClient.builder().masterName(topology.masterName()).sentinels(nodes)
                    .clientConfig(config).sentinelClientConfig(sentinelConfig).poolConfig(pool).build();
        };
    }

    void close() {
        synchronized (lock) {
            if (unified != null) unified.close();
            unified = null;
        }
    }

    private HostAndPort[] slotMap() {
        HostAndPort[] s = slots;
        if (s != null) return s;
        synchronized (lock) {
            if (slots != null) return slots;
            RuntimeException last = null;
            for (String seed : seedsFirstKnown()) {
                try (Jedis j = open(node(seed))) {
                    HostAndPort[] map = new HostAndPort[16384];
                    for (Object o : j.clusterSlots()) {
                        List<?> range = (List<?>) o;
                        int from = ((Long) range.get(0)).intValue(), to = ((Long) range.get(1)).intValue();
                        List<?> master = (List<?>) range.get(2);
                        String host = new String((byte[]) master.get(0), java.nio.charset.StandardCharsets.UTF_8);
                        HostAndPort hp = new HostAndPort(host.isEmpty() ? RedisTopology.host(seed) : host, ((Long) master.get(1)).intValue());
                        for (int i = from; i <= to; i++) map[i] = hp;
                    }
                    for (HostAndPort h : map) {
                        if (h == null) throw new redis.clients.jedis.exceptions.JedisConnectionException("cluster has unserved slots");
                    }
                    slots = map;
                    for (HostAndPort h : map) known.add(h.toString());
                    log.debug("event=cluster_slots_loaded seed={}", seed);
                    return map;
                } catch (RuntimeException e) {
                    last = e;
                }
            }
            throw last instanceof redis.clients.jedis.exceptions.JedisConnectionException jce ? jce
                    : new redis.clients.jedis.exceptions.JedisConnectionException("no cluster node answered: "
                    + (last == null ? "" : last.getMessage()), last);
        }
    }

    /** Seeds, then every primary of the last map: a cluster whose seed nodes all died is still found. */
    private List<String> seedsFirstKnown() {
        java.util.LinkedHashSet<String> all = new java.util.LinkedHashSet<>(topology.nodes());
        all.addAll(known);
        return List.copyOf(all);
    }

    private HostAndPort resolvePrimary() {
        synchronized (lock) {
            if (primary != null) return primary;
            RuntimeException last = null;
            for (String s : topology.nodes()) {
                try (Jedis j = new Jedis(node(s), sentinelConfig)) {
                    List<String> addr = j.sentinelGetMasterAddrByName(topology.masterName());
                    if (addr == null || addr.size() < 2) throw new IllegalStateException("sentinel " + s + " does not know " + topology.masterName());
                    HostAndPort p = new HostAndPort(addr.get(0), Integer.parseInt(addr.get(1)));
                    try (Jedis m = open(p)) {
                        // after a failover the old primary may still answer for a moment, as a replica now
                        if (!m.info("replication").contains("role:master")) {
                            throw new IllegalStateException(p + " is not a primary yet");
                        }
                    }
                    primary = p;
                    return p;
                } catch (RuntimeException e) {
                    last = e;
                }
            }
            throw new redis.clients.jedis.exceptions.JedisConnectionException("no sentinel named a live primary for "
                    + topology.masterName() + ": " + (last == null ? "" : last.getMessage()), last);
        }
    }

    private static HostAndPort node(String hostPort) {
        return new HostAndPort(RedisTopology.host(hostPort), RedisTopology.port(hostPort));
    }
}
