package io.gorgon.roles.bench;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The mesh bench's outputs: the table of figures against the targets, and the JSON report file. */
final class MeshReport {
    private final List<String[]> rows = new ArrayList<>();
    private final JsonObject json;

    MeshReport(JsonObject json) {
        this.json = json;
    }

    /** Writes {@code json} pretty-printed to {@code out} (directories created). */
    static void write(JsonObject json, Path out) throws IOException {
        Files.createDirectories(out.getParent());
        Files.writeString(out, new GsonBuilder().setPrettyPrinting().create().toJson(json) + "\n", StandardCharsets.UTF_8);
        System.out.println("wrote " + out);
    }

    /** Prints one run's figures against the targets (and adds {@code mesh_direct_ratio} to the JSON). */
    void table(MeshArgs a) {
        row("info_per_s", "≥ 3000", "info_per_s", 3000, true);
        row("info_p50_ms", "≤ 3", "info_p50_ms", 3, false);
        row("info_p99_ms", "≤ 20", "info_p99_ms", 20, false);
        row("ingest_per_s", "≥ 10000", "ingest_per_s", 10000, true);
        row("max_role_rss_mb", "≤ 256", "max_role_rss_mb", 256, false);
        if (json.has("low_info_p50_ms")) {
            String at = "(" + json.get("low_concurrency_clients").getAsInt() + " clients)";
            rows.add(new String[] {"low_info_per_s", fmt(json.get("low_info_per_s").getAsDouble()), at, ""});
            row("low_info_p50_ms", "≤ 3", "low_info_p50_ms", 3, false);
            row("low_info_p99_ms", "≤ 20", "low_info_p99_ms", 20, false);
        }
        if (json.has("redis_cmds_per_info")) row("redis_cmds_per_info", "≤ 8", "redis_cmds_per_info", 8, false);
        if (json.has("redis_cmds_per_info_at_load")) {
            rows.add(new String[] {"redis_cmds_at_load", fmt(json.get("redis_cmds_per_info_at_load").getAsDouble()),
                    "(" + a.clients() + " clients)", ""});
        }
        row("mesh_cpu_us_per_info", "≤ 1200", "mesh_cpu_us_per_info", 1200, false);
        rows.add(new String[] {"  … without inserts", fmt(json.get("mesh_cpu_us_per_info_reads_only").getAsDouble()), "", ""});
        row("ingest_share_of_ceiling", "≥ 0.8", "ingest_share_of_ceiling", 0.8, true);
        if (json.has("low_info_p50_ms_no_inserts")) {
            rows.add(new String[] {"low_p50_no_inserts", fmt(json.get("low_info_p50_ms_no_inserts").getAsDouble()), "(ms)", ""});
            rows.add(new String[] {"low_p50_insert_flood", fmt(json.get("low_info_p50_ms_insert_flood").getAsDouble()), "(ms)",
                    "flood/none " + ratio(json.get("low_info_p50_ms_insert_flood").getAsDouble(), json.get("low_info_p50_ms_no_inserts").getAsDouble())});
        }
        JsonObject check = json.getAsJsonObject("model_check");
        rows.add(new String[] {"model_predicted/s", fmt(check.get("predicted_info_per_s").getAsDouble()), "±25%",
                "measured " + fmt(check.get("measured_info_per_s").getAsDouble()) + (check.get("within_25pct").getAsBoolean() ? " ok" : " MISSED")});
        if (json.has("direct_info_per_s")) {
            json.addProperty("mesh_direct_ratio", Math.round(100 * json.get("info_per_s").getAsDouble() / json.get("direct_info_per_s").getAsDouble()) / 100.0);
            rows.add(new String[] {"direct_info_per_s", fmt(json.get("direct_info_per_s").getAsDouble()), "(no bus)",
                    "mesh/direct " + ratio(json.get("info_per_s").getAsDouble(), json.get("direct_info_per_s").getAsDouble())});
            rows.add(new String[] {"direct_info_p50_ms", fmt(json.get("direct_info_p50_ms").getAsDouble()), "(no bus)",
                    "mesh/direct " + ratio(json.get("info_p50_ms").getAsDouble(), json.get("direct_info_p50_ms").getAsDouble())});
            rows.add(new String[] {"direct_info_p99_ms", fmt(json.get("direct_info_p99_ms").getAsDouble()), "(no bus)",
                    "mesh/direct " + ratio(json.get("info_p99_ms").getAsDouble(), json.get("direct_info_p99_ms").getAsDouble())});
        }
        System.out.printf(Locale.ROOT, "%nmesh bench — %d cores, items=%d, clients=%d, %ds load (%ds warm-up), provider %d/s; load average %s%n",
                Runtime.getRuntime().availableProcessors(), a.items(), a.clients(), a.seconds(), a.warmup(), a.rate(), json.get("load_after").getAsString());
        System.out.printf("%-20s %12s %10s  %s%n", "metric", "value", "target", "ratio");
        for (String[] r : rows) System.out.printf("%-20s %12s %10s  %s%n", (Object[]) r);
    }

    private void row(String name, String target, String key, double goal, boolean higherIsBetter) {
        double v = json.get(key).getAsDouble();
        double ratio = higherIsBetter ? v / goal : goal / Math.max(v, 1e-9);
        rows.add(new String[] {name, fmt(v), target, String.format(Locale.ROOT, "%.2f%s", ratio, ratio >= 1 ? " ok" : " MISSED")});
    }

    static String fmt(double v) {
        return v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.2f", v);
    }

    static String ratio(double a, double b) {
        return b == 0 ? "-" : String.format(Locale.ROOT, "%.2f", a / b);
    }
}
