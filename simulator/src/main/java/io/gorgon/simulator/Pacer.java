package io.gorgon.simulator;

import java.util.concurrent.locks.LockSupport;

/**
 * Spaces events evenly at a fixed rate from a start time (event n is due at start + n/rate), so short stalls are made
 * up without drift; after a stall longer than a second it forgets the missed events instead of bursting them all.
 */
final class Pacer {
    private final double rate;
    private long start = System.nanoTime();
    private long n;

    Pacer(double rate) {
        if (!(rate > 0)) throw new IllegalArgumentException("rate must be > 0: " + rate);
        this.rate = rate;
    }

    /** Blocks until the next event is due; false if interrupted or {@code until} (nanoTime) came first. */
    boolean awaitNext(long untilNanos) {
        long due = start + (long) (n * 1e9 / rate);
        long now = System.nanoTime();
        if (now - due > 1_000_000_000L) { // more than a second behind: restart the schedule from now
            start = now;
            n = 0;
            due = now;
        }
        while ((now = System.nanoTime()) < due) {
            if (now >= untilNanos) return false;
            LockSupport.parkNanos(Math.min(due, untilNanos) - now);
            if (Thread.currentThread().isInterrupted()) return false;
        }
        if (now >= untilNanos) return false;
        n++;
        return true;
    }
}
