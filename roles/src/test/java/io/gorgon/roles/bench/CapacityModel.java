package io.gorgon.roles.bench;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The mesh's capacity on paper (issue 13), from what one {@code scripts/bench mesh} run measured:
 * <ul>
 *   <li>CPU per {@code GET /info} of each role and of Redis and MongoDB over the loaded window, the provider's inserts
 *       taken out, plus CPU per insert (measured while seeding) at the scenario's ratio of inserts to reads;</li>
 *   <li>the share of Redis's work on the hottest queue (commands on its key / commands on the path's keys), since a
 *       queue is one stream in one slot: one Redis core, whatever the number of primaries;</li>
 *   <li>the embedded store's bulk ceiling (one MongoDB process, one writer).</li>
 * </ul>
 * Assumptions: CPU per request stays what it is here at any scale (roles and Redis scale out linearly: more instances,
 * more primaries, each queue's slot on one primary); cores are used to 100% (no headroom); one Redis primary is one
 * core; network round trips between hosts cost latency, not CPU, beyond the loopback's kernel share measured here.
 * Self-check: the CPU per info of the main load predicts a second load run's throughput from the CPU this mesh could
 * get in it (cores minus what other processes used meanwhile): {@code available cores / CPU per info}, within 25%.
 */
final class CapacityModel {
    private CapacityModel() {}

    /**
     * @param cpuUsPerInfo   per process (web-1, auth-1, …, redis, mongo, and the load generator) CPU µs per info, inserts
     *                       taken out
     * @param cpuUsPerInsert per process, CPU µs per insert (measured while seeding)
     * @param hotQueue       the queue with the largest share of Redis's path work, and that share (0..1)
     * @param insertsPerInfo the scenario's inserts per GET /info
     * @param storeCeiling   the embedded store's bulk inserts per second
     */
    static JsonObject table(Map<String, Double> cpuUsPerInfo, Map<String, Double> cpuUsPerInsert, String hotQueue, double hotShare,
                            double insertsPerInfo, double storeCeiling) {
        Map<String, Double> byRole = new TreeMap<>();
        cpuUsPerInfo.forEach((name, us) -> {
            if (name.startsWith("bench-jvm")) return; // the load generator is the clients, not the mesh
            byRole.merge(name.replaceFirst("-\\d+$", ""), us, Double::sum);
        });
        cpuUsPerInsert.forEach((name, us) -> byRole.merge(name.replaceFirst("-\\d+$", ""), us * insertsPerInfo, Double::sum));
        double redisUs = byRole.getOrDefault("redis", 0.0);
        double hotQueueLimit = redisUs * hotShare > 0 ? 1e6 / (redisUs * hotShare) : Double.POSITIVE_INFINITY;
        double storeLimit = insertsPerInfo > 0 && storeCeiling > 0 ? storeCeiling / insertsPerInfo : Double.POSITIVE_INFINITY;
        JsonObject out = new JsonObject();
        out.addProperty("inserts_per_info", round2(insertsPerInfo));
        out.addProperty("hot_queue", hotQueue);
        out.addProperty("hot_queue_share_of_redis", round2(hotShare));
        out.addProperty("hot_queue_limit_info_per_s", Math.round(hotQueueLimit));
        out.addProperty("embedded_store_limit_info_per_s", Math.round(storeLimit));
        JsonArray rows = new JsonArray();
        System.out.printf(Locale.ROOT, "%nmesh bench: capacity model (CPU per GET /info as measured, %.2f inserts per info, cores at 100%%, one Redis core per primary)%n",
                insertsPerInfo);
        System.out.printf(Locale.ROOT, "%-10s %s  %9s  %s%n", "GET/info/s", rolesHeader(byRole), "primaries", "first to run out");
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
            long primaries = (long) Math.ceil(target * redisUs / 1e6);
            String first = firstOut(target, hotQueue, hotQueueLimit, storeLimit);
            row.add("cores", cores);
            row.addProperty("redis_primaries", primaries);
            row.addProperty("first_to_run_out", first);
            rows.add(row);
            System.out.printf(Locale.ROOT, "%-10d%s  %9d  %s%n", target, line, primaries, first);
        }
        out.add("rows", rows);
        System.out.printf(Locale.ROOT, "  limits that adding machines does not lift: one queue's slot (%s, %.0f%% of Redis's path work) at %.0f GET /info/s;"
                + " one embedded MongoDB's bulk ceiling (%.0f inserts/s) at %.0f GET /info/s%n", hotQueue, 100 * hotShare, hotQueueLimit, storeCeiling, storeLimit);
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

    /**
     * Predicted throughput of a load run on this box: the CPU the mesh and its clients could use in it (cores minus
     * other processes' use in the same window) over their CPU per info measured before, load generator included
     * since it shares the cores.
     */
    static JsonObject selfCheck(int cores, double machineBusyCoreSeconds, double ourCpuSeconds, double seconds,
                                double totalCpuUsPerInfo, double measuredInfoPerS) {
        double others = Math.max(0, (machineBusyCoreSeconds - ourCpuSeconds) / seconds);
        double available = Math.max(0.1, cores - others);
        double predicted = available * 1e6 / totalCpuUsPerInfo;
        double error = (predicted - measuredInfoPerS) / measuredInfoPerS;
        JsonObject o = new JsonObject();
        o.addProperty("other_processes_cores", round2(others));
        o.addProperty("available_cores", round2(available));
        o.addProperty("cpu_us_per_info_incl_clients", Math.round(totalCpuUsPerInfo));
        o.addProperty("predicted_info_per_s", Math.round(predicted));
        o.addProperty("measured_info_per_s", Math.round(measuredInfoPerS));
        o.addProperty("error_pct", Math.round(1000 * error) / 10.0);
        o.addProperty("within_25pct", Math.abs(error) <= 0.25);
        System.out.printf(Locale.ROOT, "mesh bench: model check on this box: %.2f cores free of other processes / %.0f µs per info (clients included) = %.0f/s predicted,"
                + " %.0f/s measured in the same window: %+.1f%% %s%n", available, totalCpuUsPerInfo, predicted, measuredInfoPerS, 100 * error,
                Math.abs(error) <= 0.25 ? "ok" : "MISSED (> 25%)");
        return o;
    }

    private static double round2(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
