package io.gorgon.bus;

import java.time.Duration;

/**
 * How a consumer takes messages.
 *
 * @param group         the consumer group: by default the bus's role, so a role's instances share the work
 * @param concurrency   handlers running at once in this instance (each on a virtual thread)
 * @param batchSize     entries read per round trip
 * @param maxDeliveries deliveries after which a failing message is dead-lettered
 * @param backoffBase   delay before the first retry of a failed message; doubles per delivery
 * @param backoffMax    cap on that delay
 * @param ordered       run handlers one at a time in stream order (reads still come in batches and acks are still
 *                      pipelined); {@code concurrency} then bounds how many read entries wait their turn. A message
 *                      that fails is retried later, after the ones behind it.
 */
public record ConsumerOptions(String group, int concurrency, int batchSize, int maxDeliveries,
                              Duration backoffBase, Duration backoffMax, boolean ordered) {
    public ConsumerOptions {
        if (concurrency < 1) throw new IllegalArgumentException("concurrency must be >= 1");
        if (batchSize < 1) throw new IllegalArgumentException("batchSize must be >= 1");
        if (maxDeliveries < 1) throw new IllegalArgumentException("maxDeliveries must be >= 1");
    }

    public static ConsumerOptions defaults() {
        return new ConsumerOptions(null, 64, 128, 5, Duration.ofMillis(200), Duration.ofSeconds(10), false);
    }

    public ConsumerOptions withGroup(String g) {
        return new ConsumerOptions(g, concurrency, batchSize, maxDeliveries, backoffBase, backoffMax, ordered);
    }

    public ConsumerOptions withConcurrency(int c) {
        return new ConsumerOptions(group, c, batchSize, maxDeliveries, backoffBase, backoffMax, ordered);
    }

    public ConsumerOptions withBatchSize(int b) {
        return new ConsumerOptions(group, concurrency, b, maxDeliveries, backoffBase, backoffMax, ordered);
    }

    public ConsumerOptions withMaxDeliveries(int n) {
        return new ConsumerOptions(group, concurrency, batchSize, n, backoffBase, backoffMax, ordered);
    }

    public ConsumerOptions withBackoff(Duration base, Duration max) {
        return new ConsumerOptions(group, concurrency, batchSize, maxDeliveries, base, max, ordered);
    }

    /** Handlers one at a time, in stream order; up to {@code buffered} read entries wait their turn. */
    public ConsumerOptions inOrder(int buffered) {
        return new ConsumerOptions(group, buffered, Math.min(batchSize, buffered), maxDeliveries, backoffBase, backoffMax, true);
    }

    /** Delay before redelivering a message that has failed {@code deliveries} times. */
    public Duration backoff(long deliveries) {
        long shift = Math.min(20, Math.max(0, deliveries - 1));
        long ms = Math.min(backoffMax.toMillis(), backoffBase.toMillis() << shift);
        return Duration.ofMillis(ms);
    }
}
