package io.gorgon.roles.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class StatsPrometheusTextTest {

    private static Map<String, Long> totalsOf(List<MetricsSnapshot> snapshots) {
        Map<String, Long> totals = new HashMap<>();
        for (MetricsSnapshot s : snapshots) StatsAggregator.fields(s).forEach((f, d) -> totals.merge(f, d, Long::sum));
        return totals;
    }

    @Test
    void everyLineFollowsTheExpositionGrammarAndEverySampleHasHelpAndType() {
        SyntheticMesh mesh = new SyntheticMesh();
        Map<String, Long> totals = totalsOf(mesh.second(1_763_800_000_000L));
        totals.putAll(totalsOf(mesh.second(1_763_800_001_000L)));
        totals.put(StatsKeys.itemField("add"), 12L);
        String text = PrometheusText.render(totals, PrometheusText.MeshSnapshot.read(mesh));

        PrometheusParser p = PrometheusParser.parse(text);

        assertEquals("counter", p.types.get("gorgon_queue_processed_total"));
        assertEquals("histogram", p.types.get("gorgon_latency_seconds"));
        assertEquals("gauge", p.types.get("gorgon_queue_length"));
        assertEquals(totals.get("q:store_put:processed"), (long) p.value("gorgon_queue_processed_total", "queue", "store_put"));
        assertEquals(12, p.value("gorgon_items_events_total", "kind", "add"));
        assertEquals(0, p.value("gorgon_items_events_total", "kind", "delete"));
        long httpSamples = 0;
        for (int k = 0; k < LatencyBuckets.COUNT; k++) httpSamples += totals.getOrDefault(StatsKeys.latencyField("http", k), 0L);
        assertTrue(httpSamples > 0);
        assertEquals(httpSamples, (long) p.value("gorgon_latency_seconds_count", "series", "http"));
        assertEquals(httpSamples, (long) p.value("gorgon_latency_seconds_bucket", "series", "http", "le", "+Inf"));
        assertEquals(totals.get("hsum:http") / 1e6, p.value("gorgon_latency_seconds_sum", "series", "http"), 1e-9);
        assertEquals(3, p.value("gorgon_queue_dead_letters", "queue", "store_put"));
        assertEquals(1, p.value("gorgon_queue_dead_letters", "queue", "auth_login"));
        assertEquals(0, p.value("gorgon_instance_up", "role", "stats", "instance", "stats-0c5b", "host", "h1"));
        assertEquals(1, p.value("gorgon_instance_up", "role", "store", "instance", "store-5e07", "host", "h2"));
        assertEquals(1, p.value("gorgon_stats_mesh_up"));
    }

    @Test
    void bucketsUseTheLatencyBoundsInSeconds() {
        Histogram h = new Histogram(3);
        h.recordValue(100);        // ≤ 0.0001 s
        h.recordValue(150_000);    // ≤ 0.2048 s
        h.recordValue(20_000_000); // +Inf
        Map<String, Long> totals = totalsOf(List.of(new MetricsSnapshot("web-1", "web", "h", 1, 1000, Map.of(),
                Map.of("http", MetricsSnapshot.encode(h)))));
        PrometheusParser p = PrometheusParser.parse(PrometheusText.render(totals, null));
        assertEquals(1, p.value("gorgon_latency_seconds_bucket", "series", "http", "le", "0.0001"));
        assertEquals(1, p.value("gorgon_latency_seconds_bucket", "series", "http", "le", "0.1024"));
        assertEquals(2, p.value("gorgon_latency_seconds_bucket", "series", "http", "le", "0.2048"));
        assertEquals(2, p.value("gorgon_latency_seconds_bucket", "series", "http", "le", "13.1072"));
        assertEquals(3, p.value("gorgon_latency_seconds_bucket", "series", "http", "le", "+Inf"));
        assertEquals(0, p.value("gorgon_stats_mesh_up"));
        assertFalse(p.types.containsKey("gorgon_queue_length"), "no mesh, no mesh gauges");
    }

    @Test
    void labelValuesAreEscaped() {
        Map<String, Long> totals = Map.of(StatsKeys.queueField("we\"ird\\q\nx", "processed"), 1L);
        PrometheusParser p = PrometheusParser.parse(PrometheusText.render(totals, null));
        assertEquals(1, p.value("gorgon_queue_processed_total", "queue", "we\"ird\\q\nx"));
    }

    @Test
    void theParserIsStrict() {
        assertThrows(AssertionError.class, () -> PrometheusParser.parse("x 1\n"), "no HELP/TYPE");
        assertThrows(AssertionError.class, () -> PrometheusParser.parse("# HELP x h\n# TYPE x gauge\nx{a=\"1} 1\n"));
        assertThrows(AssertionError.class, () -> PrometheusParser.parse("# HELP x h\n# TYPE x gauge\nx one\n"));
        assertThrows(AssertionError.class, () -> PrometheusParser.parse("# HELP x h\n# TYPE x gauge\nx 1\nx 2\n"), "series twice");
        assertThrows(AssertionError.class, () -> PrometheusParser.parse(
                "# HELP h h\n# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_count 1\nh_sum 1\n"), "not cumulative");
        PrometheusParser.parse("# HELP x h\n# TYPE x gauge\nx{a=\"q\\\"\"} 1.5e3\n");
    }
}
