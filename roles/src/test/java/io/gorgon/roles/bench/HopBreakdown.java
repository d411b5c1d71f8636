package io.gorgon.roles.bench;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.gorgon.bus.Bus;
import io.gorgon.bus.Keys;
import io.gorgon.roles.stats.MetricsSnapshot;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.resps.StreamEntry;

/**
 * Where a {@code GET /info} spends its time, per hop: each consumer records, from the envelope's timestamp, the wait
 * (enqueue to handler start) and the handling (handler start until its output and ack are in Redis), and publishes
 * them each second on the metrics topic. This merges the snapshots of a time window.
 */
final class HopBreakdown {
    static final List<String> HOPS = List.of("auth_get", "app_get", "store_get");

    private HopBreakdown() {}

    /** {hop: {wait_p50_ms, wait_p99_ms, handle_p50_ms, handle_p99_ms, n}} over the snapshots stamped in [fromMs, toMs]. */
    static JsonObject read(UnifiedJedis redis, String namespace, long fromMs, long toMs) {
        Map<String, Histogram> merged = new LinkedHashMap<>();
        String stream = new Keys(namespace).stream(Bus.METRICS_TOPIC);
        for (StreamEntry e : redis.xrange(stream, fromMs + "-0", toMs + "-0")) {
            String env = e.getFields().get("e");
            if (env == null) continue;
            MetricsSnapshot s;
            try {
                s = MetricsSnapshot.fromJson(JsonParser.parseString(env).getAsJsonObject().get("body").toString());
            } catch (RuntimeException bad) {
                continue;
            }
            for (String hop : HOPS) {
                for (String kind : List.of("wait:", "handler:")) {
                    Histogram h = s.histogram(kind + hop);
                    if (h != null) merged.computeIfAbsent(kind + hop, k -> new Histogram(3)).add(h);
                }
            }
        }
        JsonObject out = new JsonObject();
        for (String hop : HOPS) {
            JsonObject o = new JsonObject();
            Histogram w = merged.get("wait:" + hop), h = merged.get("handler:" + hop);
            if (w == null || h == null) continue;
            o.addProperty("wait_p50_ms", ms(w.getValueAtPercentile(50)));
            o.addProperty("wait_p99_ms", ms(w.getValueAtPercentile(99)));
            o.addProperty("handle_p50_ms", ms(h.getValueAtPercentile(50)));
            o.addProperty("handle_p99_ms", ms(h.getValueAtPercentile(99)));
            o.addProperty("n", h.getTotalCount());
            out.add(hop, o);
        }
        return out;
    }

    static String format(JsonObject hops) {
        StringBuilder b = new StringBuilder();
        for (String hop : hops.keySet()) {
            JsonObject o = hops.getAsJsonObject(hop);
            b.append(String.format(Locale.ROOT, "  %-10s wait p50 %6.2f ms p99 %7.2f ms | handle+write p50 %6.2f ms p99 %7.2f ms (n=%d)%n", hop,
                    o.get("wait_p50_ms").getAsDouble(), o.get("wait_p99_ms").getAsDouble(), o.get("handle_p50_ms").getAsDouble(),
                    o.get("handle_p99_ms").getAsDouble(), o.get("n").getAsLong()));
        }
        return b.toString();
    }

    private static double ms(long micros) {
        return Math.round(micros / 10.0) / 100.0;
    }
}
