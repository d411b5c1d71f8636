package io.gorgon.bus;

import com.codahale.metrics.Histogram;
import com.codahale.metrics.MetricRegistry;
import java.util.List;

/**
 * Counters per queue and latency series of one instance, in a Dropwizard {@link MetricRegistry} backed by
 * HdrHistogram. The bus publishes a per-second snapshot of them on {@link Bus#METRICS_TOPIC} for the stats role.
 */
public interface BusMetrics {
    /** The per-queue counters, in the order the snapshot document lists them. */
    List<String> COUNTERS = List.of("sent", "processed", "failed", "redelivered", "deadLettered", "expired");

    /** Every metric of this instance, for reporters; roles may add their own. */
    MetricRegistry registry();

    /** A queue's counter since the bus started; {@code counter} is one of {@link #COUNTERS}. */
    long count(String queue, String counter);

    /** Replies that arrived after their request had timed out (or twice, after a redelivery). */
    long lateReplies();

    /** Messages this instance finished, over all queues. */
    long processedTotal();

    /** A named latency series in microseconds, e.g. "http" for end-to-end web requests; created on first use. */
    Latency latency(String series);

    /** One latency series. */
    interface Latency {
        void record(long micros);

        /** Cumulative since the bus started. */
        Histogram histogram();
    }
}
