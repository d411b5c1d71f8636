package io.gorgon.bus;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a bus needs to connect and identify itself.
 *
 * @param redisUri       where Redis is ({@link RedisTopology}): redis://[user:secret@]host:6379[/0] for one Redis,
 *                       redis+cluster://h1:p1,h2:p2 for a cluster, redis+sentinel://s1:p1,s2:p2/master; rediss… = TLS
 * @param namespace      prefix of every Redis key, so several meshes can share one Redis
 * @param role           the consumer group this instance's consumers join
 * @param instanceId     unique per process; also the consumer name and the reply address
 * @param host           advertised in the registry
 * @param ports          advertised in the registry, e.g. {"http": 8080}
 * @param heartbeat      how often the instance refreshes its registry entry
 * @param takeoverAfter  an instance silent this long is dead: its pending messages are taken over
 * @param sendTimeout    how long a send keeps retrying through a Redis outage before failing UNAVAILABLE
 * @param replyTtl       how long replies wait for a requester that is gone before Redis expires them
 * @param topicRetention entries a topic keeps at most (queues never drop an undelivered or unacknowledged entry)
 * @param replicaAcks    0, or how many replicas must have a write (Redis WAIT) before a send, reply or ack counts as
 *                       done: then a failover loses no acknowledged send, and a shard with fewer live replicas
 *                       refuses writes (UNAVAILABLE after sendTimeout)
 */
public record BusOptions(String redisUri, String namespace, String role, String instanceId, String host,
                         Map<String, Integer> ports, Duration heartbeat, Duration takeoverAfter, Duration sendTimeout,
                         Duration replyTtl, long topicRetention, int replicaAcks) {
    public BusOptions(String redisUri, String namespace, String role, String instanceId, String host,
                      Map<String, Integer> ports, Duration heartbeat, Duration takeoverAfter, Duration sendTimeout,
                      Duration replyTtl, long topicRetention) {
        this(redisUri, namespace, role, instanceId, host, ports, heartbeat, takeoverAfter, sendTimeout, replyTtl, topicRetention, 0);
    }

    public BusOptions {
        Objects.requireNonNull(redisUri, "redisUri");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(instanceId, "instanceId");
        ports = ports == null ? Map.of() : Map.copyOf(ports);
        if (namespace.isBlank() || namespace.contains("{") || namespace.contains("}")) {
            throw new IllegalArgumentException("namespace must be non-blank without braces");
        }
        if (takeoverAfter.compareTo(heartbeat.multipliedBy(2)) < 0) {
            throw new IllegalArgumentException("takeoverAfter must be at least two heartbeats");
        }
        if (replicaAcks < 0) throw new IllegalArgumentException("replicaAcks must be >= 0");
        RedisTopology.parse(redisUri); // a bad URI fails here, with a readable line
    }

    public static BusOptions of(String redisUri, String role) {
        return new BusOptions(redisUri, "gorgon", role, newInstanceId(role), localHost(), Map.of(),
                Duration.ofSeconds(1), Duration.ofSeconds(3), Duration.ofSeconds(5), Duration.ofSeconds(60), 100_000);
    }

    public BusOptions withNamespace(String ns) {
        return new BusOptions(redisUri, ns, role, instanceId, host, ports, heartbeat, takeoverAfter, sendTimeout, replyTtl, topicRetention, replicaAcks);
    }

    public BusOptions withInstanceId(String id) {
        return new BusOptions(redisUri, namespace, role, id, host, ports, heartbeat, takeoverAfter, sendTimeout, replyTtl, topicRetention, replicaAcks);
    }

    public BusOptions withPorts(Map<String, Integer> p) {
        return new BusOptions(redisUri, namespace, role, instanceId, host, p, heartbeat, takeoverAfter, sendTimeout, replyTtl, topicRetention, replicaAcks);
    }

    public BusOptions withTimings(Duration heartbeat, Duration takeoverAfter) {
        return new BusOptions(redisUri, namespace, role, instanceId, host, ports, heartbeat, takeoverAfter, sendTimeout, replyTtl, topicRetention, replicaAcks);
    }

    public BusOptions withSendTimeout(Duration t) {
        return new BusOptions(redisUri, namespace, role, instanceId, host, ports, heartbeat, takeoverAfter, t, replyTtl, topicRetention, replicaAcks);
    }

    public BusOptions withReplicaAcks(int n) {
        return new BusOptions(redisUri, namespace, role, instanceId, host, ports, heartbeat, takeoverAfter, sendTimeout, replyTtl, topicRetention, n);
    }

    /** role-xxxxxxxx: readable in logs, unique enough across restarts and hosts. */
    public static String newInstanceId(String role) {
        long r = java.util.concurrent.ThreadLocalRandom.current().nextLong() & 0xffffffffffL;
        return role + "-" + Long.toString(r, 36);
    }

    public static String localHost() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "localhost";
        }
    }
}
