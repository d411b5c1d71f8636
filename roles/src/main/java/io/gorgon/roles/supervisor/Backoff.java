package io.gorgon.roles.supervisor;

import java.time.Duration;

/**
 * Restart delays for a crashing instance: 0.5 s doubling up to 30 s; an instance that stayed up for a minute starts
 * over at 0.5 s, so one crash after a long healthy run restarts at once.
 */
final class Backoff {
    static final Duration FIRST = Duration.ofMillis(500);
    static final Duration MAX = Duration.ofSeconds(30);
    static final Duration HEALTHY = Duration.ofSeconds(60);

    private Backoff() {}

    /** The count of consecutive quick crashes, given the previous count and how long the instance was up. */
    static int failures(int previous, Duration uptime) {
        return uptime.compareTo(HEALTHY) >= 0 ? 1 : previous + 1;
    }

    /** The delay before restart number {@code failures} (1 = the first crash). */
    static Duration delay(int failures) {
        long ms = FIRST.toMillis();
        for (int i = 1; i < failures && ms < MAX.toMillis(); i++) ms *= 2;
        return Duration.ofMillis(Math.min(ms, MAX.toMillis()));
    }
}
