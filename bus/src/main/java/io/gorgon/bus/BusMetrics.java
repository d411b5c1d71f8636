package io.gorgon.bus;

import com.codahale.metrics.Histogram;
import com.codahale.metrics.MetricRegistry;
import com.google.gson.JsonObject;
import io.gorgon.bus.impl.HdrReservoir;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Recorder;

/**
 * Counters per queue (sent, processed, failed, redelivered, dead-lettered, expired) and latency series, in a
 * Dropwizard {@link MetricRegistry} backed by HdrHistogram. {@link #snapshot} produces the per-second document every
 * instance publishes on the {@code metrics} topic for the stats role.
 */
public final class BusMetrics {
    public static final String[] COUNTERS = {"sent", "processed", "failed", "redelivered", "deadLettered", "expired"};

    private final MetricRegistry registry = new MetricRegistry();
    private final Map<String, QueueCounters> queues = new ConcurrentHashMap<>();
    private final Map<String, Latency> latencies = new ConcurrentHashMap<>();
    private final LongAdder lateReplies = new LongAdder();
    private final LongAdder processedTotal = new LongAdder();

    public MetricRegistry registry() {
        return registry;
    }

    public void sent(String queue) { counters(queue).add(0); }
    public void failed(String queue) { counters(queue).add(2); }
    public void redelivered(String queue) { counters(queue).add(3); }
    public void deadLettered(String queue) { counters(queue).add(4); }
    public void expired(String queue) { counters(queue).add(5); }
    public void lateReply() { lateReplies.increment(); }

    /** A message is about to be handled after waiting this long since it was enqueued (microseconds). */
    public void waited(String queue, long waitMicros) {
        latency("wait:" + queue).record(waitMicros);
    }

    /** A message finished: handler time and enqueue-to-done time, both in microseconds. */
    public void processed(String queue, long handlerMicros, long endToEndMicros) {
        counters(queue).add(1);
        processedTotal.increment();
        latency("handler:" + queue).record(handlerMicros);
        latency("queue:" + queue).record(endToEndMicros);
    }

    public long count(String queue, String counter) {
        QueueCounters c = queues.get(queue);
        if (c == null) return 0;
        for (int i = 0; i < COUNTERS.length; i++) if (COUNTERS[i].equals(counter)) return c.total[i].sum();
        throw new IllegalArgumentException("unknown counter " + counter);
    }

    public long lateReplies() {
        return lateReplies.sum();
    }

    public long processedTotal() {
        return processedTotal.sum();
    }

    /** A named latency series in microseconds, e.g. "http" for end-to-end web requests. */
    public Latency latency(String series) {
        return latencies.computeIfAbsent(series, s -> new Latency(registry.register("latency." + s, new Histogram(new HdrReservoir()))));
    }

    private QueueCounters counters(String queue) {
        return queues.computeIfAbsent(queue, QueueCounters::new);
    }

    /**
     * The document published each second: counter deltas since the previous snapshot and the interval latency
     * histograms (HdrHistogram, compressed, base64, microseconds).
     */
    public synchronized JsonObject snapshot(String instance, String role, String host, long pid, long ts) {
        JsonObject doc = new JsonObject();
        doc.addProperty("instance", instance);
        doc.addProperty("role", role);
        doc.addProperty("host", host);
        doc.addProperty("pid", pid);
        doc.addProperty("ts", ts);
        JsonObject qs = new JsonObject();
        queues.forEach((name, c) -> {
            JsonObject q = new JsonObject();
            boolean any = false;
            for (int i = 0; i < COUNTERS.length; i++) {
                long now = c.total[i].sum();
                long delta = now - c.reported[i];
                c.reported[i] = now;
                q.addProperty(COUNTERS[i], delta);
                any |= delta != 0;
            }
            if (any) qs.add(name, q);
        });
        doc.add("queues", qs);
        JsonObject lat = new JsonObject();
        latencies.forEach((name, l) -> {
            org.HdrHistogram.Histogram h = l.interval();
            if (h.getTotalCount() == 0) return;
            ByteBuffer buf = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
            int n = h.encodeIntoCompressedByteBuffer(buf);
            lat.addProperty(name, Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buf.array(), n)));
        });
        doc.add("latency", lat);
        return doc;
    }

    private final class QueueCounters {
        final LongAdder[] total = new LongAdder[COUNTERS.length];
        final long[] reported = new long[COUNTERS.length];

        QueueCounters(String queue) {
            for (int i = 0; i < COUNTERS.length; i++) {
                LongAdder a = new LongAdder();
                total[i] = a;
                registry.gauge("queue." + queue + "." + COUNTERS[i], () -> a::sum);
            }
        }

        void add(int i) {
            total[i].increment();
        }
    }

    /** One latency series: a cumulative histogram for the registry and an interval recorder for per-second snapshots. */
    public static final class Latency {
        private final Histogram cumulative;
        private final Recorder recorder = new Recorder(3);
        private org.HdrHistogram.Histogram recycled;

        Latency(Histogram cumulative) {
            this.cumulative = cumulative;
        }

        public void record(long micros) {
            long v = Math.max(1, micros);
            recorder.recordValue(v);
            cumulative.update(v);
        }

        public Histogram histogram() {
            return cumulative;
        }

        synchronized org.HdrHistogram.Histogram interval() {
            recycled = recorder.getIntervalHistogram(recycled);
            return recycled;
        }
    }
}
