package io.gorgon.simulator;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * What one seeding phase has got into the store, counted from its own messages only (store_put also carries the
 * provider's), never going backwards, with an ETA from a smoothed rate.
 *
 * <p>A message is done once the store consumed and acknowledged it. store_put is one FIFO stream, so every entry
 * older than its oldest undelivered or unacknowledged entry is done: {@link #observe} takes that watermark (now minus
 * the queue's oldest age) and counts the messages of ours that Redis had acknowledged before it, from checkpoints of
 * our own ack count taken at each observation. That is a lower bound, exact once the queue is empty.
 */
final class SeedProgress {
    private static final double SMOOTHING = 0.3; // weight of the newest second in the rate

    private record Checkpoint(long atMs, long acked) {}

    private final String what;
    private final long total;
    private final long startNanos = System.nanoTime();
    private final List<Checkpoint> checkpoints = new ArrayList<>();
    private long done;
    private long outstanding;
    private long oldestAgeMs;
    private long lastLineNanos = startNanos;
    private long doneAtLastLine;
    private double rate = -1;

    SeedProgress(String what, long total) {
        this.what = what;
        this.total = total;
    }

    /**
     * @param acked        our messages Redis acknowledged so far (read before the gauges)
     * @param outstanding  the queue's backlog + pending, everybody's
     * @param oldestAgeMs  age of its oldest undelivered or unacknowledged entry
     */
    void observe(long nowMs, long acked, long outstanding, long oldestAgeMs) {
        long newDone;
        if (outstanding == 0) {
            newDone = acked;
        } else {
            long watermark = nowMs - oldestAgeMs;
            newDone = 0;
            for (int i = checkpoints.size() - 1; i >= 0; i--) {
                if (checkpoints.get(i).atMs() < watermark) {
                    newDone = checkpoints.get(i).acked();
                    break;
                }
            }
        }
        done = Math.min(total, Math.max(done, newDone));
        this.outstanding = outstanding;
        this.oldestAgeMs = oldestAgeMs;
        checkpoints.add(new Checkpoint(nowMs, acked));
        if (checkpoints.size() > 4096) checkpoints.subList(0, 2048).clear(); // the watermark never looks that far back
    }

    /** The store has taken every member (known from the queue, not estimated from acks). */
    void finish() {
        done = total;
    }

    long done() {
        return done;
    }

    /** Prints a line if a second has passed since the last one (or {@code force}). */
    void maybePrint(PrintStream out, long resent, boolean paused, boolean force) {
        long now = System.nanoTime();
        double dt = (now - lastLineNanos) / 1e9;
        if (!force && dt < 1) return;
        double instant = (done - doneAtLastLine) / Math.max(dt, 1e-3);
        rate = rate < 0 ? instant : SMOOTHING * instant + (1 - SMOOTHING) * rate;
        doneAtLastLine = done;
        lastLineNanos = now;
        out.println(line(resent, paused, (now - startNanos) / 1e9));
    }

    String line(long resent, boolean paused, double elapsedS) {
        String eta = done >= total ? "0s" : rate < 1 ? "?" : Math.round((total - done) / rate) + "s";
        StringBuilder b = new StringBuilder(String.format("seed %s %d/%d (%.0f%%) rate=%.0f/s eta=%s elapsed=%.0fs",
                what, done, total, 100.0 * done / Math.max(1, total), Math.max(0, rate), eta, elapsedS));
        // The queue's own figures (everybody's messages, the provider's too), so a slow phase shows why.
        if (outstanding > 0) b.append(String.format(" store_put: %d waiting, oldest %.1fs", outstanding, oldestAgeMs / 1000.0));
        if (paused) b.append(" - paused: the store is behind");
        if (resent > 0) b.append(" resent=").append(resent);
        return b.toString();
    }
}
