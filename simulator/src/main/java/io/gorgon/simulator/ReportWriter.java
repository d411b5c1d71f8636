package io.gorgon.simulator;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * Renders a {@link RunReport}: the end-of-run table, the JSON file (flat headline keys for scripts/bench plus the
 * details) and a self-contained HTML page beside it with the latency distribution drawn as inline SVG.
 */
final class ReportWriter {
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeNulls().create();
    static final double[] PERCENTILES = {50, 75, 90, 95, 99, 99.9, 99.99, 100};

    private ReportWriter() {}

    /** Writes FILE (JSON) and the HTML page beside it; returns the HTML path. */
    static Path write(RunReport r, Path json) throws IOException {
        Path parent = json.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        Files.writeString(json, GSON.toJson(json(r)) + "\n", StandardCharsets.UTF_8);
        Path html = htmlPath(json);
        Files.writeString(html, html(r), StandardCharsets.UTF_8);
        return html;
    }

    /** report.json → report.html; any other name gets ".html" appended. */
    static Path htmlPath(Path json) {
        String name = json.getFileName().toString();
        String base = name.endsWith(".json") ? name.substring(0, name.length() - 5) : name;
        return json.resolveSibling(base + ".html");
    }

    static JsonObject json(RunReport r) {
        JsonObject o = new JsonObject();
        o.addProperty("ok", r.failures().isEmpty());
        o.addProperty("exit_code", r.exitCode());
        JsonArray failures = new JsonArray();
        r.failures().forEach(failures::add);
        o.add("failures", failures);
        o.addProperty("started_at", r.startedAt().toString());
        o.addProperty("run_tag", r.runTag());
        o.add("options", options(r.options()));

        LoadResult l = r.load();
        Histogram h = l == null ? new Histogram(Outcomes.HIGHEST_US, 3) : l.latency();
        o.addProperty("info_per_s", round(l == null ? 0 : l.requestsPerS()));
        o.addProperty("info_p50_ms", ms(h, 50));
        o.addProperty("info_p90_ms", ms(h, 90));
        o.addProperty("info_p99_ms", ms(h, 99));
        o.addProperty("info_p999_ms", ms(h, 99.9));
        o.addProperty("info_max_ms", h.getTotalCount() == 0 ? 0 : round(h.getMaxValue() / 1000.0));
        o.addProperty("info_mean_ms", h.getTotalCount() == 0 ? 0 : round(h.getMean() / 1000.0));
        o.addProperty("info_requests", l == null ? 0 : l.requests());
        o.addProperty("info_ok", l == null ? 0 : l.ok());
        JsonObject errors = new JsonObject();
        if (l != null) l.errors().forEach(errors::addProperty);
        o.add("info_errors", errors);
        o.addProperty("unanswered", l == null ? 0 : l.unanswered());
        o.addProperty("ingest_per_s", round(r.seed() == null ? 0 : r.seed().ingestPerS()));
        o.addProperty("inserts_per_s", round(l == null ? 0 : l.insertsPerS()));
        o.addProperty("load_seconds", round(l == null ? 0 : l.seconds()));
        o.addProperty("measured_seconds", round(l == null ? 0 : l.measuredSeconds()));

        if (r.seed() != null) {
            Seeder.Result s = r.seed();
            JsonObject seed = new JsonObject();
            seed.addProperty("users", s.userIds().length);
            seed.addProperty("items", s.items());
            seed.addProperty("user_seconds", round(s.userSeconds()));
            seed.addProperty("item_seconds", round(s.itemSeconds()));
            seed.addProperty("ingest_per_s", round(s.ingestPerS()));
            seed.addProperty("drained", s.drained());
            seed.addProperty("resent", s.resent());
            o.add("seed", seed);
        } else {
            o.add("seed", null);
        }
        if (l != null) {
            JsonObject ins = new JsonObject();
            ins.addProperty("attempted", l.insertsAttempted());
            ins.addProperty("acknowledged", l.insertsAcknowledged());
            ins.addProperty("unknown", l.insertsUnknown());
            ins.addProperty("per_s", round(l.insertsPerS()));
            o.add("inserts", ins);
        }
        if (r.check() != null) {
            Checker.Result c = r.check();
            JsonObject check = new JsonObject();
            check.addProperty("acknowledged", c.acknowledged());
            check.addProperty("lost", c.lost());
            check.addProperty("duplicates", c.duplicates());
            check.addProperty("unexpected", c.unexpected());
            check.addProperty("recovered", c.recovered());
            check.addProperty("unknown_missing", c.unknownMissing());
            check.addProperty("unanswered", l == null ? 0 : l.unanswered());
            JsonArray sample = new JsonArray();
            c.lostSample().forEach(id -> sample.add(Long.toString(id)));
            check.add("lost_sample", sample);
            o.add("check", check);
        } else {
            o.add("check", null);
        }
        JsonArray pct = new JsonArray();
        for (double[] p : distribution(h)) {
            JsonObject e = new JsonObject();
            e.addProperty("percentile", p[0]);
            e.addProperty("ms", round(p[1]));
            pct.add(e);
        }
        o.add("latency_percentiles", pct);
        JsonArray timeline = new JsonArray();
        JsonArray chaos = new JsonArray();
        if (l != null) {
            for (LoadResult.Tick t : l.timeline()) timeline.add(GSON.toJsonTree(t));
            for (LoadResult.ChaosEvent c : l.chaos()) chaos.add(GSON.toJsonTree(c));
        }
        o.add("timeline", timeline);
        o.add("chaos", chaos);
        return o;
    }

    private static JsonObject options(SimulatorOptions opt) {
        JsonObject o = new JsonObject();
        o.addProperty("users", opt.users());
        o.addProperty("items", opt.items());
        o.addProperty("clients", opt.clients());
        o.addProperty("rate", opt.rate());
        o.addProperty("duration_s", opt.duration() == null ? null : opt.duration().toMillis() / 1000.0);
        o.addProperty("chaos", opt.chaos());
        o.addProperty("kill_every_s", opt.killEvery().toMillis() / 1000.0);
        o.addProperty("restart_redis", opt.restartRedis());
        o.addProperty("seed_only", opt.seedOnly());
        o.addProperty("load_only", opt.loadOnly());
        o.addProperty("warmup_s", opt.warmup().toMillis() / 1000.0);
        o.addProperty("namespace", opt.namespace());
        return o;
    }

    /** (percentile, ms) points of the latency distribution, fine-grained toward the tail. */
    static List<double[]> distribution(Histogram h) {
        List<double[]> points = new ArrayList<>();
        if (h.getTotalCount() == 0) return points;
        for (HistogramIterationValue v : h.percentiles(5)) {
            points.add(new double[]{Math.min(100, v.getPercentileLevelIteratedTo()), v.getValueIteratedTo() / 1000.0});
        }
        return points;
    }

    static void table(RunReport r, PrintStream out) {
        out.println();
        out.println("================ gorgon simulate: report ================");
        Seeder.Result s = r.seed();
        if (s != null) {
            row(out, "seed users", s.userIds().length + " in " + fmt(s.userSeconds()) + " s");
            row(out, "seed items", s.items() + " in " + fmt(s.itemSeconds()) + " s = " + fmt(s.ingestPerS()) + " items/s"
                    + (s.drained() ? "" : " (NOT drained)"));
        }
        LoadResult l = r.load();
        if (l != null) {
            Histogram h = l.latency();
            row(out, "load", fmt(l.seconds()) + " s, " + r.options().clients() + " clients, up to " + l.maxWebInstances() + " web instances");
            row(out, "GET /info", l.ok() + " ok, " + fmt(l.requestsPerS()) + " req/s"
                    + (l.measuredSeconds() < l.seconds() ? " over the " + fmt(l.measuredSeconds()) + " s after warm-up" : ""));
            StringBuilder lat = new StringBuilder();
            for (double p : PERCENTILES) lat.append(String.format("p%s=%s ", pctName(p), fmt(ms(h, p))));
            row(out, "latency ms", lat.toString().trim());
            row(out, "errors", l.errors().isEmpty() ? "none" : l.errors().toString());
            row(out, "inserts", l.insertsAcknowledged() + " acknowledged of " + l.insertsAttempted() + " ("
                    + l.insertsUnknown() + " unknown) = " + fmt(l.insertsPerS()) + "/s");
            if (!l.chaos().isEmpty()) {
                long kills = l.chaos().stream().filter(c -> c.ok() && c.action().equals("kill")).count();
                row(out, "chaos", kills + " kills, " + l.chaos().size() + " events");
            }
        }
        Checker.Result c = r.check();
        if (c != null) {
            row(out, "check", "lost=" + c.lost() + " duplicates=" + c.duplicates() + " unanswered="
                    + (l == null ? 0 : l.unanswered()) + " unexpected=" + c.unexpected() + " recovered=" + c.recovered()
                    + " (of " + c.acknowledged() + " acknowledged)");
        }
        row(out, "verdict", r.failures().isEmpty() ? "PASS" : "FAIL: " + String.join("; ", r.failures()));
        out.println("=========================================================");
    }

    private static void row(PrintStream out, String k, String v) {
        out.printf("%-12s %s%n", k, v);
    }

    // ---- HTML ----

    static String html(RunReport r) {
        LoadResult l = r.load();
        Histogram h = l == null ? new Histogram(Outcomes.HIGHEST_US, 3) : l.latency();
        StringBuilder b = new StringBuilder(16_384);
        b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Gorgon simulation ")
                .append(esc(r.startedAt().toString())).append("</title>\n<style>")
                .append("body{font:14px system-ui,sans-serif;margin:2em;color:#222;max-width:60em}")
                .append("table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.25em .6em;text-align:left}")
                .append("th{background:#f3f3f3}.fail{color:#b00;font-weight:bold}.pass{color:#070;font-weight:bold}")
                .append("svg{background:#fff;border:1px solid #ddd;margin:1em 0}</style></head><body>\n");
        b.append("<h1>Gorgon simulation</h1>\n<p>Started ").append(esc(r.startedAt().toString())).append(", run tag ")
                .append(esc(r.runTag())).append(". Verdict: ")
                .append(r.failures().isEmpty() ? "<span class=\"pass\">PASS</span>"
                        : "<span class=\"fail\">FAIL</span> " + esc(String.join("; ", r.failures())))
                .append("</p>\n<table>\n");
        JsonObject j = json(r);
        for (String k : List.of("info_per_s", "info_p50_ms", "info_p90_ms", "info_p99_ms", "info_p999_ms", "info_max_ms",
                "info_requests", "info_ok", "info_errors", "unanswered", "ingest_per_s", "inserts_per_s", "inserts", "check")) {
            if (j.has(k) && !j.get(k).isJsonNull()) {
                b.append("<tr><th>").append(esc(k)).append("</th><td>").append(esc(j.get(k).toString())).append("</td></tr>\n");
            }
        }
        b.append("</table>\n<h2>Latency distribution of GET /info (successful requests)</h2>\n");
        b.append(percentileChart(distribution(h)));
        if (l != null && !l.timeline().isEmpty()) {
            b.append("<h2>Per second</h2>\n");
            List<LoadResult.Tick> t = l.timeline();
            double[] xs = t.stream().mapToDouble(LoadResult.Tick::second).toArray();
            b.append(Svg.chart("requests/s and inserts/s", "second of the load", "per second", List.of(
                    new Svg.Series("GET /info per s", "#1f77b4", xs, t.stream().mapToDouble(LoadResult.Tick::requestsPerS).toArray()),
                    new Svg.Series("inserts per s", "#2ca02c", xs, t.stream().mapToDouble(LoadResult.Tick::insertsPerS).toArray())),
                    null, chaosMarks(l)));
            b.append(Svg.chart("latency per second", "second of the load", "ms", List.of(
                    new Svg.Series("p50", "#1f77b4", xs, t.stream().mapToDouble(LoadResult.Tick::p50Ms).toArray()),
                    new Svg.Series("p99", "#ff7f0e", xs, t.stream().mapToDouble(LoadResult.Tick::p99Ms).toArray()),
                    new Svg.Series("max", "#d62728", xs, t.stream().mapToDouble(LoadResult.Tick::maxMs).toArray())),
                    null, chaosMarks(l)));
        }
        if (l != null && !l.chaos().isEmpty()) {
            b.append("<h2>Chaos</h2>\n<table><tr><th>at s</th><th>action</th><th>target</th><th>result</th></tr>\n");
            for (LoadResult.ChaosEvent c : l.chaos()) {
                b.append("<tr><td>").append(fmt(c.atS())).append("</td><td>").append(esc(c.action())).append("</td><td>")
                        .append(esc(c.target())).append("</td><td>").append(esc(c.message())).append("</td></tr>\n");
            }
            b.append("</table>\n");
        }
        b.append("<h2>Raw report</h2>\n<pre>").append(esc(GSON.toJson(j))).append("</pre>\n</body></html>\n");
        return b.toString();
    }

    private static double[] chaosMarks(LoadResult l) {
        return l.chaos().stream().filter(LoadResult.ChaosEvent::ok).mapToDouble(LoadResult.ChaosEvent::atS).toArray();
    }

    /** Latency against percentile on the usual log scale of 1/(1-p), so the tail gets as much room as the median. */
    static String percentileChart(List<double[]> points) {
        if (points.isEmpty()) return "<p>No successful requests: nothing to draw.</p>\n<svg width=\"0\" height=\"0\"></svg>\n";
        double maxX = 6; // 99.9999 %
        double[] xs = new double[points.size()];
        double[] ys = new double[points.size()];
        for (int i = 0; i < xs.length; i++) {
            double p = points.get(i)[0];
            xs[i] = p >= 100 ? maxX : Math.min(maxX, Math.log10(100.0 / (100.0 - p)));
            ys[i] = points.get(i)[1];
        }
        Map<Double, String> ticks = new java.util.LinkedHashMap<>();
        String[] names = {"0%", "90%", "99%", "99.9%", "99.99%", "99.999%", "99.9999%"};
        for (int i = 0; i <= maxX; i++) ticks.put((double) i, names[i]);
        return Svg.chart("latency by percentile", "percentile", "ms", List.of(new Svg.Series("GET /info", "#1f77b4", xs, ys)),
                ticks, new double[0]);
    }

    private static double ms(Histogram h, double p) {
        return h.getTotalCount() == 0 ? 0 : round(h.getValueAtPercentile(p) / 1000.0);
    }

    private static String pctName(double p) {
        return p == Math.rint(p) ? Long.toString((long) p) : Double.toString(p);
    }

    static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    static String fmt(double v) {
        return v >= 100 ? String.format("%.0f", v) : String.format("%.2f", v);
    }

    static String esc(String s) {
        if (s == null) return "";
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
