package io.gorgon.bus.impl;

import com.codahale.metrics.Histogram;
import com.codahale.metrics.MetricRegistry;
import com.google.gson.JsonObject;
import io.gorgon.bus.BusMetrics;
import java.util.List;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Recorder;

/**
 * The bus's {@link BusMetrics}: the consumers and senders record here; {@link #snapshot} produces the per-second
 * document every instance publishes on the {@code metrics} topic for the stats role.
 */
final class Metrics implements BusMetrics {
    private static final List<String> NAMES = COUNTERS;
    private static final int N = NAMES.size();

    private final MetricRegistry registry = new MetricRegistry();
    private final Map<String, QueueCounters> queues = new ConcurrentHashMap<>();
    private final Map<String, Series> latencies = new ConcurrentHashMap<>();
    private final LongAdder lateReplies = new LongAdder();
    private final LongAdder processedTotal = new LongAdder();

    @Override
    public MetricRegistry registry() {
        return registry;
    }

    void sent(String queue) { counters(queue).add(0); }
    void failed(String queue) { counters(queue).add(2); }
    void redelivered(String queue) { counters(queue).add(3); }
    void deadLettered(String queue) { counters(queue).add(4); }
    void expired(String queue) { counters(queue).add(5); }
    void lateReply() { lateReplies.increment(); }

    /** A message is about to be handled after waiting this long since it was enqueued (microseconds). */
    void waited(String queue, long waitMicros) {
        latency("wait:" + queue).record(waitMicros);
    }

    /** A message finished: handler time (until its answer and ack are in Redis) and enqueue-to-done time, in µs. */
    void processed(String queue, long handlerMicros, long endToEndMicros) {
        counters(queue).add(1);
        processedTotal.increment();
        latency("handler:" + queue).record(handlerMicros);
        latency("queue:" + queue).record(endToEndMicros);
    }

    @Override
    public long count(String queue, String counter) {
        int i = NAMES.indexOf(counter);
        if (i < 0) throw new IllegalArgumentException("unknown counter " + counter);
        QueueCounters c = queues.get(queue);
        return c == null ? 0 : c.total[i].sum();
    }

    @Override
    public long lateReplies() {
        return lateReplies.sum();
    }

    @Override
    public long processedTotal() {
        return processedTotal.sum();
    }

    @Override
    public Latency latency(String series) {
        return latencies.computeIfAbsent(series, s -> new Series(registry.register("latency." + s, new Histogram(new HdrReservoir()))));
    }

    private QueueCounters counters(String queue) {
        return queues.computeIfAbsent(queue, QueueCounters::new);
    }

    /**
     * The document published each second: counter deltas since the previous snapshot and the interval latency
     * histograms (HdrHistogram, compressed, base64, microseconds).
     */
    synchronized JsonObject snapshot(String instance, String role, String host, long pid, long ts) {
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
            for (int i = 0; i < N; i++) {
                long now = c.total[i].sum();
                long delta = now - c.reported[i];
                c.reported[i] = now;
                q.addProperty(NAMES.get(i), delta);
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
        final LongAdder[] total = new LongAdder[N];
        final long[] reported = new long[N];

        QueueCounters(String queue) {
            for (int i = 0; i < N; i++) {
                LongAdder a = new LongAdder();
                total[i] = a;
                registry.gauge("queue." + queue + "." + NAMES.get(i), () -> a::sum);
            }
        }

        void add(int i) {
            total[i].increment();
        }
    }

    /** One latency series: a cumulative histogram for the registry and an interval recorder for per-second snapshots. */
    private static final class Series implements Latency {
        private final Histogram cumulative;
        private final Recorder recorder = new Recorder(3);
        private org.HdrHistogram.Histogram recycled;

        Series(Histogram cumulative) {
            this.cumulative = cumulative;
        }

        @Override
        public void record(long micros) {
            long v = Math.max(1, micros);
            recorder.recordValue(v);
            cumulative.update(v);
        }

        @Override
        public Histogram histogram() {
            return cumulative;
        }

        synchronized org.HdrHistogram.Histogram interval() {
            recycled = recorder.getIntervalHistogram(recycled);
            return recycled;
        }
    }
}
