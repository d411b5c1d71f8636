package io.gorgon.roles.bench;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code scripts/bench mesh --cluster} (issue 13): the same mesh scenario ({@link MeshRun}: seed, load, the model's
 * check) on one redis-server and then on an embedded Redis Cluster of 3 primaries + 3 replicas, in one invocation.
 * Prints side by side GET /info per second, p50/p99, CPU per info, Redis CPU and commands per info, and the ratio
 * cluster/single; then each cluster node's commands, CPU and the queues it holds (is the load spread over the
 * primaries?); then the capacity table from the cluster run's per-node figures. Writes target/bench/mesh-cluster.json.
 * On 2 cores a cluster is not faster: six redis-servers and the replication share the same cores; this measures
 * what it costs.
 */
final class MeshClusterCompare {
    private MeshClusterCompare() {}

    static int run(MeshArgs a) throws Exception {
        MeshRun single = new MeshRun(a, false, false);
        if (single.run() != 0) return 1;
        MeshRun cluster = new MeshRun(a, true, false);
        int exit = cluster.run();
        JsonObject out = new JsonObject();
        out.add("single", single.json());
        out.add("cluster", cluster.json());
        if (exit == 0) {
            out.add("side_by_side", sideBySide(a, single.json(), cluster.json()));
            perNode(cluster.json());
            // Cluster run's per-process and per-node CPU; the hottest queue's share from the single run (MONITOR sees one server).
            MeshRun.ModelInputs c = cluster.inputs(), s = single.inputs();
            out.add("capacity", CapacityModel.table(new MeshRun.ModelInputs(c.cpuUsPerInfo(), c.cpuUsPerInsert(), s.hotQueue(), s.hotShare(),
                    c.storeCeiling()), MeshBench.INSERTS_PER_INFO, cluster.json().getAsJsonObject("redis_nodes_during_load").getAsJsonObject("nodes")));
        }
        MeshReport.write(out, Path.of("target", "bench", "mesh-cluster.json"));
        return exit;
    }

    private static JsonObject sideBySide(MeshArgs a, JsonObject s, JsonObject c) {
        JsonObject out = new JsonObject();
        System.out.printf(Locale.ROOT, "%nmesh bench --cluster — %d cores, items=%d, users=%d, clients=%d, %ds load (%ds warm-up), provider %d/s;"
                        + " cluster: 3 primaries + 3 replicas, replicaAcks=%d; load average %s / %s%n",
                Runtime.getRuntime().availableProcessors(), a.items(), a.users(), a.clients(), a.seconds(), a.warmup(), a.rate(), a.replicaAcks(),
                s.get("load_during_mesh").getAsString(), c.get("load_during_mesh").getAsString());
        System.out.printf(Locale.ROOT, "  %-40s %12s %12s %8s%n", "figure", "single", "cluster", "ratio");
        List<Object[]> rows = new ArrayList<>();
        rows.add(new Object[] {"GET /info/s (64 clients, measured window)", s.get("info_per_s").getAsDouble(), c.get("info_per_s").getAsDouble()});
        rows.add(new Object[] {"p50 ms", s.get("info_p50_ms").getAsDouble(), c.get("info_p50_ms").getAsDouble()});
        rows.add(new Object[] {"p99 ms", s.get("info_p99_ms").getAsDouble(), c.get("info_p99_ms").getAsDouble()});
        rows.add(new Object[] {"CPU µs per info, everything (warm)", check(s, "cpu_us_per_info_incl_clients"), check(c, "cpu_us_per_info_incl_clients")});
        rows.add(new Object[] {"  of which Redis (all nodes)", redisUs(s), redisUs(c)});
        rows.add(new Object[] {"  of which the load generator", warm(s, "bench-jvm (simulator)"), warm(c, "bench-jvm (simulator)")});
        rows.add(new Object[] {"Redis commands per info (primaries)", cmds(s), cmds(c)});
        rows.add(new Object[] {"ingest through store_put /s", s.get("ingest_per_s").getAsDouble(), c.get("ingest_per_s").getAsDouble()});
        rows.add(new Object[] {"model check: predicted /s", check(s, "predicted_info_per_s"), check(c, "predicted_info_per_s")});
        rows.add(new Object[] {"model check: measured /s", check(s, "measured_info_per_s"), check(c, "measured_info_per_s")});
        rows.add(new Object[] {"model check: error %", check(s, "error_pct"), check(c, "error_pct")});
        for (Object[] r : rows) {
            double sv = (Double) r[1], cv = (Double) r[2];
            double ratio = sv == 0 ? 0 : cv / sv;
            System.out.printf(Locale.ROOT, "  %-40s %12s %12s %8.2f%n", r[0], MeshReport.fmt(sv), MeshReport.fmt(cv), ratio);
            JsonObject o = new JsonObject();
            o.addProperty("single", sv);
            o.addProperty("cluster", cv);
            o.addProperty("ratio", Math.round(ratio * 100) / 100.0);
            out.add(((String) r[0]).trim(), o);
        }
        return out;
    }

    /** Each cluster node: role, commands during the load and share of the primaries', CPU per info, the queues it holds. */
    private static void perNode(JsonObject c) {
        Map<String, List<String>> held = new TreeMap<>();
        if (c.has("queue_nodes")) {
            for (var e : c.getAsJsonObject("queue_nodes").entrySet()) held.computeIfAbsent(e.getValue().getAsString(), k -> new ArrayList<>()).add(e.getKey());
        }
        System.out.println("  cluster nodes during the 64-client load (commands sent by clients, or replicated to a replica):");
        System.out.printf(Locale.ROOT, "    %-16s %-8s %10s %8s %9s %9s  %s%n", "node", "role", "commands", "share", "cmds/info", "CPU µs/info", "queues held");
        for (var e : c.getAsJsonObject("redis_nodes_during_load").getAsJsonObject("nodes").entrySet()) {
            JsonObject n = e.getValue().getAsJsonObject();
            System.out.printf(Locale.ROOT, "    %-16s %-8s %10d %7s%% %9.1f %9s  %s%n", e.getKey(), n.get("role").getAsString(), n.get("commands").getAsLong(),
                    n.has("share_of_primaries_pct") ? n.get("share_of_primaries_pct").getAsString() : "-", n.get("cmds_per_info").getAsDouble(),
                    n.has("cpu_us_per_info") ? n.get("cpu_us_per_info").getAsString() : "?", String.join(" ", held.getOrDefault(e.getKey(), List.of())));
        }
    }

    private static double check(JsonObject run, String key) {
        return run.getAsJsonObject("model_check").get(key).getAsDouble();
    }

    private static double warm(JsonObject run, String key) {
        JsonElement v = run.getAsJsonObject("cpu_us_per_info_warm").get(key);
        return v == null ? 0 : v.getAsDouble();
    }

    private static double redisUs(JsonObject run) {
        return run.getAsJsonObject("cpu_us_per_info_warm").entrySet().stream().filter(e -> e.getKey().startsWith("redis"))
                .mapToDouble(e -> e.getValue().getAsDouble()).sum();
    }

    private static double cmds(JsonObject run) {
        return run.getAsJsonObject("redis_nodes_during_load").get("primaries_cmds_per_info").getAsDouble();
    }
}
