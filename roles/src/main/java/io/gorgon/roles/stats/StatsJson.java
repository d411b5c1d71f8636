package io.gorgon.roles.stats;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JSON of {@code /api/stats} and of each {@code /api/stream} event:
 *
 * <pre>
 * {window, resolution, resolutionSeconds, delta, generatedAt, times: [ms…], buckets: [latency bucket label…],
 *  series: {throughput: {queue: {in, processed, failed, redelivered, deadLettered: [count per bucket…]}},
 *           items: {added, edited, deleted: […]}},
 *  heatmap: {series: {times: [ms…], buckets: [label…], cells: [[timeIndex, bucketIndex, count]…], total}},
 *  queues: [QueueGauge…], instances: [InstanceRow…], deadLetters: {queue: n}, meshError?: "…"}
 * </pre>
 *
 * Counts are per bucket (divide by resolutionSeconds for a rate). A delta event carries the last few seconds; the
 * page replaces those seconds and appends new ones.
 */
public final class StatsJson {
    private static final Logger log = LoggerFactory.getLogger(StatsJson.class);
    static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();
    private static final String[][] THROUGHPUT = {
            {"in", "sent"}, {"processed", "processed"}, {"failed", "failed"},
            {"redelivered", "redelivered"}, {"deadLettered", "deadLettered"}};
    private static final String[][] ITEMS = {{"added", "add"}, {"edited", "edit"}, {"deleted", "delete"}};

    private StatsJson() {}

    public static String payload(String window, StatsReader.Range range, boolean delta, MeshView mesh, long nowMs) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("window", window);
        out.put("resolution", range.resolution().key());
        out.put("resolutionSeconds", range.resolution().step().toSeconds());
        out.put("delta", delta);
        out.put("generatedAt", nowMs);
        out.put("times", range.timesMs());
        out.put("buckets", LatencyBuckets.labels());
        Map<String, Object> series = new LinkedHashMap<>();
        series.put("throughput", throughput(range));
        series.put("items", items(range));
        out.put("series", series);
        out.put("heatmap", heatmaps(range));
        putMesh(out, mesh);
        return GSON.toJson(out);
    }

    private static Map<String, Map<String, long[]>> throughput(StatsReader.Range range) {
        TreeSet<String> queues = new TreeSet<>();
        for (Map<String, Long> row : range.rows()) {
            for (String f : row.keySet()) {
                if (f.startsWith("q:")) queues.add(f.substring(2, f.lastIndexOf(':')));
            }
        }
        Map<String, Map<String, long[]>> out = new TreeMap<>();
        int n = range.timesMs().length;
        for (String q : queues) {
            Map<String, long[]> lines = new LinkedHashMap<>();
            for (String[] c : THROUGHPUT) {
                long[] v = new long[n];
                String field = StatsKeys.queueField(q, c[1]);
                for (int i = 0; i < n; i++) v[i] = range.rows().get(i).getOrDefault(field, 0L);
                lines.put(c[0], v);
            }
            out.put(q, lines);
        }
        return out;
    }

    private static Map<String, long[]> items(StatsReader.Range range) {
        Map<String, long[]> out = new LinkedHashMap<>();
        int n = range.timesMs().length;
        for (String[] k : ITEMS) {
            long[] v = new long[n];
            String field = StatsKeys.itemField(k[1]);
            for (int i = 0; i < n; i++) v[i] = range.rows().get(i).getOrDefault(field, 0L);
            out.put(k[0], v);
        }
        return out;
    }

    private static Map<String, Object> heatmaps(StatsReader.Range range) {
        // "http" first, then the queues by name.
        TreeMap<String, List<long[]>> cells = new TreeMap<>((a, b) -> a.equals(b) ? 0
                : a.equals("http") ? -1 : b.equals("http") ? 1 : a.compareTo(b));
        TreeMap<String, Long> totals = new TreeMap<>(cells.comparator());
        List<Map<String, Long>> rows = range.rows();
        for (int t = 0; t < rows.size(); t++) {
            for (var e : rows.get(t).entrySet()) {
                String f = e.getKey();
                if (!f.startsWith("h:") || e.getValue() == 0) continue;
                int colon = f.lastIndexOf(':');
                String series = f.substring(2, colon);
                int bucket;
                try {
                    bucket = Integer.parseInt(f.substring(colon + 1));
                } catch (NumberFormatException notABucket) {
                    continue;
                }
                if (bucket < 0 || bucket >= LatencyBuckets.COUNT) continue;
                cells.computeIfAbsent(series, s -> new ArrayList<>()).add(new long[]{t, bucket, e.getValue()});
                totals.merge(series, e.getValue(), Long::sum);
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        cells.forEach((series, list) -> {
            list.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
            Map<String, Object> h = new LinkedHashMap<>();
            h.put("times", range.timesMs());
            h.put("buckets", LatencyBuckets.labels());
            h.put("cells", list);
            h.put("total", totals.get(series));
            out.put(series, h);
        });
        return out;
    }

    private static void putMesh(Map<String, Object> out, MeshView mesh) {
        try {
            out.put("queues", mesh.queues());
            out.put("instances", mesh.instances());
            out.put("deadLetters", new TreeMap<>(mesh.deadLetters()));
        } catch (RuntimeException e) {
            log.warn("event=stats_mesh_unavailable error=\"{}\"", e.toString());
            out.put("queues", List.of());
            out.put("instances", List.of());
            out.put("deadLetters", Map.of());
            out.put("meshError", "mesh state unavailable: " + e.getMessage());
        }
    }

    /** {"error": code, "message": text}: every 4xx/5xx body. */
    public static String error(String code, String message) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("error", code);
        m.put("message", message);
        return GSON.toJson(m);
    }
}
