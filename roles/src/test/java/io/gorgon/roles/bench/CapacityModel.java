package io.gorgon.roles.bench;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The mesh's capacity on paper (issue 13), from what one {@code scripts/bench mesh} run measured:
 * <ul>
 *   <li>CPU per {@code GET /info} of each role and of Redis and MongoDB over warm load runs, the provider's inserts
 *       taken out, plus CPU per insert (measured while seeding) at the scenario's ratio of inserts to reads;</li>
 *   <li>the share of Redis's work on the hottest queue (commands on its key / commands on the path's keys), since a
 *       queue is one stream in one slot: one Redis core, whatever the number of primaries;</li>
 *   <li>with {@code --cluster}, each cluster node's CPU per info: what the primaries cost together, what the
 *       replicas cost (they apply every write, and with replica acks answer every WAIT), and how unevenly the
 *       primaries are loaded (the busiest one's share × the number of primaries);</li>
 *   <li>the embedded store's bulk ceiling (one MongoDB process, one writer).</li>
 * </ul>
 * Assumptions: CPU per request stays what it is here at any scale (roles and Redis scale out linearly: more instances,
 * more primaries, each queue's slot on one primary); cores are used to 100% (no headroom); one Redis primary is one
 * core; network round trips between hosts cost latency, not CPU, beyond the loopback's kernel share measured here.
 * {@link ModelCheck} checks the same arithmetic against this box.
 */
final class CapacityModel {
    private CapacityModel() {}

    /**
     * @param in             per process CPU µs per info (inserts taken out) and per insert, the hottest queue, the store ceiling
     * @param insertsPerInfo the scenario's inserts per GET /info
     * @param clusterNodes   the cluster run's {@code redis_nodes_during_load.nodes} (role and CPU per info of each node), or null
     */
    static JsonObject table(MeshRun.ModelInputs in, double insertsPerInfo, JsonObject clusterNodes) {
        Map<String, Double> byRole = new TreeMap<>();
        in.cpuUsPerInfo().forEach((name, us) -> {
            if (name.startsWith("bench-jvm") || name.equals("supervisor")) return; // the clients, and per host not per request
            byRole.merge(name.replaceFirst("-\\d+$", ""), us, Double::sum);
        });
        in.cpuUsPerInsert().forEach((name, us) -> byRole.merge(name.replaceFirst("-\\d+$", ""), us * insertsPerInfo, Double::sum));
        double redisUs = byRole.getOrDefault("redis", 0.0);
        // On a cluster: the primaries' part of Redis's CPU, the replicas' part, and how unevenly the primaries share it.
        double primaryShare = 1, imbalance = 1;
        int primariesMeasured = 0;
        if (clusterNodes != null) {
            double p = 0, r = 0, busiest = 0;
            for (var e : clusterNodes.entrySet()) {
                JsonObject n = e.getValue().getAsJsonObject();
                double us = n.has("cpu_us_per_info") ? n.get("cpu_us_per_info").getAsDouble() : 0;
                if (n.get("role").getAsString().equals("primary")) {
                    p += us;
                    busiest = Math.max(busiest, us);
                    primariesMeasured++;
                } else {
                    r += us;
                }
            }
            if (p + r > 0) primaryShare = p / (p + r);
            if (p > 0) imbalance = busiest * primariesMeasured / p;
        }
        double primaryUs = redisUs * primaryShare, replicaUs = redisUs - primaryUs;
        double hotQueueLimit = primaryUs * in.hotShare() > 0 ? 1e6 / (primaryUs * in.hotShare()) : Double.POSITIVE_INFINITY;
        double storeLimit = insertsPerInfo > 0 && in.storeCeiling() > 0 ? in.storeCeiling() / insertsPerInfo : Double.POSITIVE_INFINITY;
        JsonObject out = new JsonObject();
        out.addProperty("inserts_per_info", round2(insertsPerInfo));
        out.addProperty("redis_primary_cpu_us_per_info", Math.round(primaryUs));
        out.addProperty("redis_replica_cpu_us_per_info", Math.round(replicaUs));
        out.addProperty("primary_imbalance", round2(imbalance));
        out.addProperty("hot_queue", in.hotQueue());
        out.addProperty("hot_queue_share_of_redis", round2(in.hotShare()));
        out.addProperty("hot_queue_limit_info_per_s", Math.round(hotQueueLimit));
        out.addProperty("embedded_store_limit_info_per_s", Math.round(storeLimit));
        JsonArray rows = new JsonArray();
        System.out.printf(Locale.ROOT, "%nmesh bench: capacity model (CPU per GET /info as measured%s, %.2f inserts per info, cores at 100%%, one Redis core per primary%s)%n",
                clusterNodes == null ? " on one Redis" : " on the 3+3 cluster", insertsPerInfo,
                clusterNodes == null ? "" : String.format(Locale.ROOT, ", primaries loaded ×%.2f unevenly, replicas %.0f µs per info", imbalance, replicaUs));
        System.out.printf(Locale.ROOT, "%-10s %s  %9s %9s  %s%n", "GET/info/s", rolesHeader(byRole), "primaries", "replicas", "first to run out");
        for (long target : new long[] {10_000, 100_000, 1_000_000}) {
            JsonObject row = new JsonObject();
            row.addProperty("info_per_s", target);
            JsonObject cores = new JsonObject();
            StringBuilder line = new StringBuilder();
            for (var e : byRole.entrySet()) {
                if (e.getKey().equals("redis")) continue;
                double c = target * e.getValue() / 1e6;
                cores.addProperty(e.getKey(), round2(c));
                line.append(String.format(Locale.ROOT, " %8.1f", c));
            }
            long primaries = (long) Math.ceil(target * primaryUs * imbalance / 1e6);
            double replicaCores = target * replicaUs / 1e6;
            String first = firstOut(target, in.hotQueue(), hotQueueLimit, storeLimit);
            row.add("cores", cores);
            row.addProperty("redis_primaries", primaries);
            row.addProperty("redis_replica_cores", round2(replicaCores));
            row.addProperty("first_to_run_out", first);
            rows.add(row);
            System.out.printf(Locale.ROOT, "%-10d%s  %9d %9.1f  %s%n", target, line, primaries, replicaCores, first);
        }
        out.add("rows", rows);
        System.out.printf(Locale.ROOT, "  limits that adding machines does not lift: one queue's slot (%s, %.0f%% of Redis's path work) at %.0f GET /info/s;"
                + " one embedded MongoDB's bulk ceiling (%.0f inserts/s) at %.0f GET /info/s%n", in.hotQueue(), 100 * in.hotShare(), hotQueueLimit,
                in.storeCeiling(), storeLimit);
        return out;
    }

    private static String rolesHeader(Map<String, Double> byRole) {
        StringBuilder b = new StringBuilder();
        for (String r : byRole.keySet()) if (!r.equals("redis")) b.append(String.format(Locale.ROOT, " %8s", r));
        return b.toString();
    }

    private static String firstOut(long target, String hotQueue, double hotQueueLimit, double storeLimit) {
        if (target <= Math.min(hotQueueLimit, storeLimit)) return "nothing: add cores and primaries";
        return storeLimit <= hotQueueLimit
                ? String.format(Locale.ROOT, "the embedded store (one MongoDB writer; at %.0f/s)", storeLimit)
                : String.format(Locale.ROOT, "queue %s's slot (one Redis core; at %.0f/s)", hotQueue, hotQueueLimit);
    }

    private static double round2(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
