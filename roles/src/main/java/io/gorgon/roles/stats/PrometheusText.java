package io.gorgon.roles.stats;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Renders {@code /metrics} in the Prometheus text exposition format 0.0.4: all-time queue and item counters, the
 * latency histograms (in seconds, cumulative buckets on the {@link LatencyBuckets} bounds), and gauges from the
 * mesh. One HELP and one TYPE line per family, every sample of a family right after them.
 */
public final class PrometheusText {
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private static final String[][] QUEUE_COUNTERS = {
            {"sent", "gorgon_queue_sent_total", "Messages enqueued, by queue."},
            {"processed", "gorgon_queue_processed_total", "Messages processed and acknowledged, by queue."},
            {"failed", "gorgon_queue_failed_total", "Handler failures, by queue."},
            {"redelivered", "gorgon_queue_redelivered_total", "Messages delivered again after a consumer died or failed, by queue."},
            {"deadLettered", "gorgon_queue_dead_lettered_total", "Messages moved to the dead-letter queue, by queue."}};

    private PrometheusText() {}

    /** @param mesh null when the mesh state could not be read: its gauges are left out and gorgon_stats_mesh_up is 0 */
    public static String render(Map<String, Long> totals, MeshSnapshot mesh) {
        StringBuilder sb = new StringBuilder(4096);
        TreeSet<String> queues = new TreeSet<>();
        TreeSet<String> series = new TreeSet<>();
        for (String f : totals.keySet()) {
            if (f.startsWith("q:")) queues.add(f.substring(2, f.lastIndexOf(':')));
            else if (f.startsWith("h:")) series.add(f.substring(2, f.lastIndexOf(':')));
            else if (f.startsWith("hsum:")) series.add(f.substring(5));
        }
        for (String[] c : QUEUE_COUNTERS) {
            family(sb, c[1], "counter", c[2]);
            for (String q : queues) sample(sb, c[1], labels("queue", q), totals.getOrDefault(StatsKeys.queueField(q, c[0]), 0L));
        }
        family(sb, "gorgon_items_events_total", "counter", "Item events seen on store_notify, by kind (add, edit, delete, other).");
        for (String kind : StatsKeys.ITEM_KINDS) {
            sample(sb, "gorgon_items_events_total", labels("kind", kind), totals.getOrDefault(StatsKeys.itemField(kind), 0L));
        }
        family(sb, "gorgon_latency_seconds", "histogram",
                "Latency: series http = HTTP requests at the web role, queue:<name> = enqueue to done, "
                        + "wait:<name> = enqueue to handler start, handler:<name> = handler time.");
        for (String s : series) {
            long cumulative = 0;
            for (int k = 0; k < LatencyBuckets.COUNT; k++) {
                cumulative += totals.getOrDefault(StatsKeys.latencyField(s, k), 0L);
                sample(sb, "gorgon_latency_seconds_bucket", labels("series", s, "le", LatencyBuckets.le(k)), cumulative);
            }
            long sumMicros = totals.getOrDefault(StatsKeys.latencySumField(s), 0L);
            sample(sb, "gorgon_latency_seconds_sum", labels("series", s),
                    BigDecimal.valueOf(sumMicros).movePointLeft(6).toPlainString());
            sample(sb, "gorgon_latency_seconds_count", labels("series", s), cumulative);
        }
        family(sb, "gorgon_stats_mesh_up", "gauge", "1 when the stats role could read the mesh state for this scrape.");
        sample(sb, "gorgon_stats_mesh_up", "", mesh == null ? 0 : 1);
        if (mesh != null) meshGauges(sb, mesh);
        return sb.toString();
    }

    /** The mesh state of one scrape, read once so every family sees the same moment. */
    public record MeshSnapshot(List<MeshView.QueueGauge> queues, List<MeshView.InstanceRow> instances,
                               Map<String, Long> deadLetters) {
        public static MeshSnapshot read(MeshView mesh) {
            return new MeshSnapshot(mesh.queues(), mesh.instances(), mesh.deadLetters());
        }
    }

    private static void meshGauges(StringBuilder sb, MeshSnapshot m) {
        family(sb, "gorgon_queue_length", "gauge", "Entries waiting to be delivered, by queue.");
        for (var q : m.queues()) sample(sb, "gorgon_queue_length", labels("queue", q.queue()), q.length());
        family(sb, "gorgon_queue_pending", "gauge", "Entries delivered and not yet acknowledged (in flight), by queue.");
        for (var q : m.queues()) sample(sb, "gorgon_queue_pending", labels("queue", q.queue()), q.pending());
        family(sb, "gorgon_queue_oldest_age_seconds", "gauge", "Age of the oldest waiting or pending entry, by queue.");
        for (var q : m.queues()) {
            sample(sb, "gorgon_queue_oldest_age_seconds", labels("queue", q.queue()),
                    BigDecimal.valueOf(q.oldestAgeMs()).movePointLeft(3).toPlainString());
        }
        family(sb, "gorgon_queue_consumers", "gauge", "Consumers in the queue's group, by queue.");
        for (var q : m.queues()) sample(sb, "gorgon_queue_consumers", labels("queue", q.queue()), q.consumers());
        // Dead letters: the gauge rows and the separate map may each know queues the other does not.
        Map<String, Long> dlq = new TreeMap<>(m.deadLetters());
        for (var q : m.queues()) dlq.merge(q.queue(), q.deadLetters(), Math::max);
        family(sb, "gorgon_queue_dead_letters", "gauge", "Entries in the dead-letter queue, by queue.");
        dlq.forEach((q, n) -> sample(sb, "gorgon_queue_dead_letters", labels("queue", q), n));
        family(sb, "gorgon_instance_up", "gauge", "1 while the instance heartbeats (live or late), 0 once gone.");
        for (var i : m.instances()) {
            sample(sb, "gorgon_instance_up", labels("role", i.role(), "instance", i.id(), "host", i.host()),
                    i.status() == MeshView.Status.GONE ? 0 : 1);
        }
        family(sb, "gorgon_instance_messages_per_second", "gauge", "Messages handled per second by the instance, recently.");
        for (var i : m.instances()) {
            sample(sb, "gorgon_instance_messages_per_second", labels("role", i.role(), "instance", i.id()), number(i.msgsPerSec()));
        }
    }

    private static void family(StringBuilder sb, String name, String type, String help) {
        sb.append("# HELP ").append(name).append(' ').append(escapeHelp(help)).append('\n');
        sb.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void sample(StringBuilder sb, String name, String labels, Object value) {
        sb.append(name).append(labels).append(' ').append(value).append('\n');
    }

    private static String labels(String... kv) {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < kv.length; i += 2) {
            if (i > 0) sb.append(',');
            sb.append(kv[i]).append("=\"").append(escapeLabel(kv[i + 1] == null ? "" : kv[i + 1])).append('"');
        }
        return sb.append('}').toString();
    }

    private static String number(double v) {
        if (Double.isNaN(v)) return "NaN";
        if (Double.isInfinite(v)) return v > 0 ? "+Inf" : "-Inf";
        return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }

    static String escapeLabel(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    private static String escapeHelp(String s) {
        return s.replace("\\", "\\\\").replace("\n", "\\n");
    }
}
