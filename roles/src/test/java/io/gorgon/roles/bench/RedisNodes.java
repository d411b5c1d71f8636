package io.gorgon.roles.bench;

import com.google.gson.JsonObject;
import io.gorgon.bus.Admin;
import io.gorgon.bus.QueueInfo;
import io.gorgon.bus.RedisTopology;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import redis.clients.jedis.Jedis;

/**
 * Every Redis node of a topology (the one server, or each node of a cluster), read with INFO: whether it is a
 * primary, and the commands it has processed (sent by clients or, on a replica, by its primary's replication
 * stream; commands run inside scripts are not counted). Two snapshots give each node's share of the load.
 */
final class RedisNodes {
    record Node(boolean primary, long commands) {}

    private RedisNodes() {}

    /** host:port → the node's state now. */
    static Map<String, Node> snapshot(String busUri) {
        RedisTopology t = RedisTopology.parse(busUri);
        Map<String, Node> out = new TreeMap<>();
        for (String address : t.nodes()) {
            try (Jedis j = BenchSupport.node(address, t, 3000)) {
                boolean primary = j.info("replication").contains("role:master");
                long commands = j.info("stats").lines().filter(l -> l.startsWith("total_commands_processed:"))
                        .mapToLong(l -> Long.parseLong(l.substring(l.indexOf(':') + 1).trim())).findFirst().orElse(0);
                out.put(address, new Node(primary, commands));
            }
        }
        return out;
    }

    /**
     * Per node between two snapshots: role, commands, commands per GET /info and the share of the primaries' commands;
     * the totals over primaries as {@code primaries_cmds_per_info}. {@code cpuUsPerInfo} (the node's process CPU per info,
     * keyed redis-PORT, or redis for a single server) is added where known.
     */
    static JsonObject delta(Map<String, Node> before, Map<String, Node> after, double requests, Map<String, Double> cpuUsPerInfo) {
        long primaries = 0;
        for (var e : after.entrySet()) {
            if (e.getValue().primary()) primaries += e.getValue().commands() - before.getOrDefault(e.getKey(), new Node(true, 0)).commands();
        }
        JsonObject nodes = new JsonObject();
        for (var e : after.entrySet()) {
            long n = e.getValue().commands() - before.getOrDefault(e.getKey(), new Node(true, 0)).commands();
            JsonObject o = new JsonObject();
            o.addProperty("role", e.getValue().primary() ? "primary" : "replica");
            o.addProperty("commands", n);
            o.addProperty("cmds_per_info", Math.round(10 * n / Math.max(1, requests)) / 10.0);
            if (e.getValue().primary()) o.addProperty("share_of_primaries_pct", Math.round(1000.0 * n / Math.max(1, primaries)) / 10.0);
            String port = e.getKey().substring(e.getKey().lastIndexOf(':') + 1);
            Double cpu = after.size() == 1 ? cpuUsPerInfo.get("redis") : cpuUsPerInfo.get("redis-" + port);
            if (cpu != null) o.addProperty("cpu_us_per_info", Math.round(cpu));
            nodes.add(e.getKey(), o);
        }
        JsonObject out = new JsonObject();
        out.add("nodes", nodes);
        out.addProperty("primaries_cmds_per_info", Math.round(10 * primaries / Math.max(1, requests)) / 10.0);
        return out;
    }

    /** Queue name → the node that holds it (as {@code status} shows it; empty on a single Redis). */
    static Map<String, String> queueNodes(Admin admin) {
        Map<String, String> out = new LinkedHashMap<>();
        for (QueueInfo q : admin.queues()) out.put(q.name(), q.node());
        return out;
    }
}
