package io.gorgon.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report as files: JSON keys scripts/bench reads, values from the HdrHistogram, and an HTML page with a chart. */
class ReportWriterTest {
    @TempDir
    Path dir;

    static RunReport sample(List<String> failures) {
        Histogram h = new Histogram(Outcomes.HIGHEST_US, 3);
        for (int i = 1; i <= 1000; i++) h.recordValue(i * 10L); // 10 µs .. 10 ms, uniform
        h.recordValue(250_000); // one 250 ms outlier
        LoadResult load = new LoadResult(10.0, 10.0, 1001, Map.of("http_503", 3L, "connection_lost", 1L), 0, h, 10_000, 9_990, 10,
                List.of(new LoadResult.Tick(1, 100, 5, 9.9, 250, 4, 999, 12, 3, 2)),
                List.of(new LoadResult.ChaosEvent(5.0, "kill", "web-1", true, "SIGKILL")), 2);
        Seeder.Result seed = new Seeder.Result(new long[]{1, 2, 3}, 300, 0.5, 2.0, 150, true, 0);
        Checker.Result check = new Checker.Result(9_990, 0, 0, 0, 4, 6, List.of());
        SimulatorOptions opts = SimulatorOptions.defaults().withScale(3, 300).withLoad(100, 1000, Duration.ofSeconds(10));
        return new RunReport(Instant.parse("2026-03-01T12:00:00Z"), opts, "abc123", seed, load, check, failures,
                failures.isEmpty() ? 0 : 1);
    }

    @Test
    void jsonHasTheBenchKeysWithHistogramValues() throws Exception {
        Path json = dir.resolve("out/report.json");
        Path html = ReportWriter.write(sample(List.of()), json);

        JsonObject o = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
        for (String k : List.of("info_per_s", "info_p50_ms", "info_p99_ms", "ingest_per_s", "info_max_ms", "info_errors",
                "unanswered", "inserts", "check", "seed", "latency_percentiles", "timeline", "chaos", "ok", "exit_code")) {
            assertTrue(o.has(k), "missing key " + k);
        }
        assertEquals(100.1, o.get("info_per_s").getAsDouble(), 0.01);
        assertEquals(5.0, o.get("info_p50_ms").getAsDouble(), 0.05); // 500th of 1001 values of 10 µs steps
        assertEquals(9.9, o.get("info_p99_ms").getAsDouble(), 0.05);
        assertEquals(250.0, o.get("info_max_ms").getAsDouble(), 0.5);
        assertEquals(150.0, o.get("ingest_per_s").getAsDouble(), 0.001);
        assertEquals(3, o.getAsJsonObject("info_errors").get("http_503").getAsLong());
        assertEquals(9_990, o.getAsJsonObject("inserts").get("acknowledged").getAsLong());
        assertEquals(0, o.getAsJsonObject("check").get("lost").getAsLong());
        assertEquals(4, o.getAsJsonObject("check").get("recovered").getAsLong());
        assertTrue(o.get("ok").getAsBoolean());
        assertTrue(o.getAsJsonArray("latency_percentiles").size() > 10);

        assertEquals(dir.resolve("out/report.html"), html);
        String page = Files.readString(html);
        assertTrue(page.startsWith("<!DOCTYPE html>"));
        assertTrue(page.contains("<svg"), "an inline SVG chart");
        assertTrue(page.contains("<polyline"), "a line drawn in it");
        assertTrue(page.contains("99.9%"), "a percentile axis");
        assertFalse(page.contains("<script"), "self-contained: no scripts");
        assertFalse(page.contains("src=\"http"), "self-contained: nothing loaded from elsewhere");
    }

    @Test
    void failuresShowInJsonTableAndPage() throws Exception {
        RunReport r = sample(List.of("2 acknowledged notes lost, e.g. ids [9, 10]"));
        JsonObject o = ReportWriter.json(r);
        assertFalse(o.get("ok").getAsBoolean());
        assertEquals(1, o.get("exit_code").getAsInt());

        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        ReportWriter.table(r, new PrintStream(buf, true, StandardCharsets.UTF_8));
        String table = buf.toString(StandardCharsets.UTF_8);
        assertTrue(table.contains("FAIL: 2 acknowledged notes lost"), table);
        assertTrue(table.contains("lost=0 duplicates=0 unanswered=0"), table);
        assertTrue(ReportWriter.html(r).contains("class=\"fail\""));
    }

    @Test
    void aRunWithoutRequestsStillRenders() {
        RunReport r = new RunReport(Instant.now(), SimulatorOptions.defaults(), "x", null, null, null, List.of(), 0);
        JsonObject o = ReportWriter.json(r);
        assertEquals(0, o.get("info_per_s").getAsDouble());
        assertTrue(ReportWriter.html(r).contains("No successful requests"));
    }

    @Test
    void htmlPathSitsNextToTheJson() {
        assertEquals(Path.of("a/b.html"), ReportWriter.htmlPath(Path.of("a/b.json")));
        assertEquals(Path.of("a/b.out.html"), ReportWriter.htmlPath(Path.of("a/b.out")));
    }
}
