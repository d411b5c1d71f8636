package io.gorgon.simulator;

import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * What the load phase measured.
 *
 * @param measuredSeconds the load after its warm-up: what {@code latency} covers
 * @param latency      successful {@code GET /info} latencies after the warm-up, in µs
 * @param errors       every non-success outcome by kind (http_503, connection_lost, timeout, …)
 * @param unanswered   requests that got neither a success nor a clear error
 * @param insertsUnknown inserts whose send failed: maybe enqueued, maybe not
 */
record LoadResult(double seconds, double measuredSeconds, long ok, Map<String, Long> errors, long unanswered, Histogram latency,
                  long insertsAttempted, long insertsAcknowledged, long insertsUnknown, List<Tick> timeline,
                  List<ChaosEvent> chaos, int maxWebInstances) {

    /** One second of the run, as its progress line showed it. */
    record Tick(int second, double requestsPerS, double p50Ms, double p99Ms, double maxMs, long errors,
                double insertsPerS, long backlog, long pending, int webInstances) {}

    /** One fault injected (or attempted) during the run. */
    record ChaosEvent(double atS, String action, String target, boolean ok, String message) {}

    long requests() {
        return ok + errors.values().stream().mapToLong(Long::longValue).sum()
                - errors.getOrDefault("no_web_instance", 0L); // waits for an instance, not requests
    }

    /** Successful reads per second after the warm-up. */
    double requestsPerS() {
        return measuredSeconds <= 0 ? 0 : latency.getTotalCount() / measuredSeconds;
    }

    double insertsPerS() {
        return seconds <= 0 ? 0 : insertsAcknowledged / seconds;
    }
}
