package io.gorgon.simulator;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * What the HTTP clients saw: latency of successful requests (µs, HdrHistogram) and every other outcome by kind.
 * A request ends in exactly one of: ok; a clear error (a response with a JSON {error} body, or a network failure the
 * client saw at once: refused, reset); or unanswered (no response within the request timeout, or an error response
 * that does not say what went wrong).
 */
final class Outcomes {
    static final long HIGHEST_US = 3_600_000_000L;

    private final Recorder recorder = new Recorder(HIGHEST_US, 3);
    private final Histogram total = new Histogram(HIGHEST_US, 3);
    private final LongAdder ok = new LongAdder();
    private final LongAdder unanswered = new LongAdder();
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    private boolean measuring = true;

    void ok(long latencyNanos) {
        recorder.recordValue(Math.min(HIGHEST_US, Math.max(1, latencyNanos / 1000)));
        ok.increment();
    }

    void error(String kind) {
        errors.computeIfAbsent(kind, k -> new LongAdder()).increment();
    }

    /** No success and no clear error: counted by kind and as unanswered. */
    void unanswered(String kind) {
        error(kind);
        unanswered.increment();
    }

    /** The latencies since the last call; also added to the run's total once measuring. Called by the ticker. */
    synchronized Histogram interval() {
        Histogram h = recorder.getIntervalHistogram();
        if (measuring) total.add(h);
        return h;
    }

    /** Warm-up: latencies are shown per second but kept out of the total until {@code on}. */
    synchronized void measuring(boolean on) {
        measuring = on;
    }

    /** The whole run's latencies; call after {@link #interval()} once more at the end. */
    synchronized Histogram total() {
        return total.copy();
    }

    long ok() {
        return ok.sum();
    }

    long unanswered() {
        return unanswered.sum();
    }

    long errorCount() {
        return errors.values().stream().mapToLong(LongAdder::sum).sum();
    }

    Map<String, Long> errors() {
        Map<String, Long> m = new TreeMap<>();
        errors.forEach((k, v) -> m.put(k, v.sum()));
        return m;
    }
}
