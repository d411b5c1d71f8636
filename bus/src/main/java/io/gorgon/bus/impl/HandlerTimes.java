package io.gorgon.bus.impl;

import java.util.concurrent.TimeUnit;

/**
 * How long a consumer's handlers take, to decide whether a read's entries may run one after the other on the reader
 * thread (no hand-off to a virtual thread per entry) or must run in parallel.
 */
final class HandlerTimes {
    /** The first handlers always run on virtual threads: nothing is known of them yet. */
    private static final int INLINE_AFTER = 16;
    /** A read runs inline only if its entries' handlers take about this long in all. */
    private static final long INLINE_BUDGET_NANOS = TimeUnit.MICROSECONDS.toNanos(500);

    private volatile long timed;
    /** Exponentially weighted mean of the handler's own time (ns), weight 1/8 for the newest. */
    private volatile long meanNanos;

    void add(long nanos) {
        // racy by design: a lost update among concurrent handlers only skews an estimate
        long avg = meanNanos;
        meanNanos = timed == 0 ? nanos : avg + (nanos - avg) / 8;
        timed++;
    }

    /** True when {@code entries} handlers are expected to fit the inline budget together. */
    boolean inlineFits(int entries) {
        return timed >= INLINE_AFTER && entries * meanNanos <= INLINE_BUDGET_NANOS;
    }
}
