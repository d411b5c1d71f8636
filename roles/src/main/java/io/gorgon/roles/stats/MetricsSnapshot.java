package io.gorgon.roles.stats;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * What every role instance publishes once a second: counter deltas per queue and interval latency histograms for
 * that second. {@code ts} is the second (ms epoch, truncated to the second).
 *
 * <p>Latency histograms record MICROSECONDS and travel as base64 of
 * {@link Histogram#encodeIntoCompressedByteBuffer}; series are {@code "http"} (end-to-end HTTP request latency) and
 * {@code "queue:<name>"} (end-to-end enqueue to done), {@code "wait:<name>"} (enqueue to handler start) and
 * {@code "handler:<name>"} (handler time). The strings are kept as received so a snapshot round-trips
 * byte for byte; {@link #histogram(String)} decodes one.
 */
public record MetricsSnapshot(String instance, String role, String host, long pid, long ts,
                              Map<String, QueueCounters> queues, Map<String, String> latency) {

    /** Counter deltas of one queue over one second, as counted by one instance. */
    public record QueueCounters(long sent, long processed, long failed, long redelivered, long deadLettered) {
        public static final QueueCounters ZERO = new QueueCounters(0, 0, 0, 0, 0);

        public boolean isZero() {
            return sent == 0 && processed == 0 && failed == 0 && redelivered == 0 && deadLettered == 0;
        }
    }

    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

    public MetricsSnapshot {
        requireText(instance, "instance");
        requireText(role, "role");
        if (ts <= 0) throw new IllegalArgumentException("metrics snapshot: ts must be a positive ms epoch, got " + ts);
        ts = ts - Math.floorMod(ts, 1000L);
        host = host == null ? "" : host;
        queues = queues == null ? Map.of() : Map.copyOf(new TreeMap<>(queues));
        latency = latency == null ? Map.of() : Map.copyOf(latency);
    }

    /** Parses the bus's JSON; throws {@link IllegalArgumentException} naming what is wrong. */
    public static MetricsSnapshot fromJson(String json) {
        JsonObject o;
        try {
            JsonElement e = JsonParser.parseString(json == null ? "" : json);
            if (!e.isJsonObject()) throw new IllegalArgumentException("metrics snapshot: expected a JSON object");
            o = e.getAsJsonObject();
        } catch (JsonParseException e) {
            throw new IllegalArgumentException("metrics snapshot: not JSON: " + e.getMessage(), e);
        }
        try {
            Map<String, QueueCounters> queues = new TreeMap<>();
            if (o.has("queues") && !o.get("queues").isJsonNull()) {
                for (var q : o.getAsJsonObject("queues").entrySet()) {
                    JsonObject c = q.getValue().getAsJsonObject();
                    queues.put(q.getKey(), new QueueCounters(num(c, "sent"), num(c, "processed"), num(c, "failed"),
                            num(c, "redelivered"), num(c, "deadLettered")));
                }
            }
            Map<String, String> latency = new TreeMap<>();
            if (o.has("latency") && !o.get("latency").isJsonNull()) {
                for (var h : o.getAsJsonObject("latency").entrySet()) latency.put(h.getKey(), h.getValue().getAsString());
            }
            return new MetricsSnapshot(str(o, "instance"), str(o, "role"), str(o, "host"), num(o, "pid"), num(o, "ts"),
                    queues, latency);
        } catch (ClassCastException | IllegalStateException | UnsupportedOperationException | NumberFormatException e) {
            throw new IllegalArgumentException("metrics snapshot: wrong field type: " + e.getMessage(), e);
        }
    }

    public String toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("instance", instance);
        o.addProperty("role", role);
        o.addProperty("host", host);
        o.addProperty("pid", pid);
        o.addProperty("ts", ts);
        JsonObject qs = new JsonObject();
        new TreeMap<>(queues).forEach((name, c) -> qs.add(name, GSON.toJsonTree(c)));
        o.add("queues", qs);
        JsonObject ls = new JsonObject();
        new TreeMap<>(latency).forEach(ls::addProperty);
        o.add("latency", ls);
        return GSON.toJson(o);
    }

    /** The decoded interval histogram of one series, or null when this snapshot has none. */
    public Histogram histogram(String series) {
        String b64 = latency.get(series);
        if (b64 == null) return null;
        try {
            return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(b64)), 0);
        } catch (Exception e) {
            throw new IllegalArgumentException("metrics snapshot: latency." + series + " is not a compressed HdrHistogram: "
                    + e.getMessage(), e);
        }
    }

    /** The wire form of a histogram: what a publisher puts under {@code latency.<series>}. */
    public static String encode(Histogram h) {
        ByteBuffer buf = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
        int n = h.encodeIntoCompressedByteBuffer(buf);
        byte[] bytes = new byte[n];
        buf.flip();
        buf.get(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    private static String str(JsonObject o, String k) {
        JsonElement e = o.get(k);
        return e == null || e.isJsonNull() ? null : e.getAsString();
    }

    private static long num(JsonObject o, String k) {
        JsonElement e = o.get(k);
        return e == null || e.isJsonNull() ? 0 : e.getAsLong();
    }

    private static void requireText(String s, String name) {
        if (s == null || s.isBlank()) throw new IllegalArgumentException("metrics snapshot: missing \"" + name + "\"");
    }
}
