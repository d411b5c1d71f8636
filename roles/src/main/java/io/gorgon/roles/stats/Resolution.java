package io.gorgon.roles.stats;

import java.time.Duration;

/** A time resolution of the stored aggregates and how long each is kept. */
public enum Resolution {
    SECOND("sec", Duration.ofSeconds(1), Duration.ofMinutes(15)),
    MINUTE("min", Duration.ofMinutes(1), Duration.ofHours(24)),
    HOUR("hour", Duration.ofHours(1), Duration.ofDays(30));

    private final String key;
    private final Duration step;
    private final Duration retention;

    Resolution(String key, Duration step, Duration retention) {
        this.key = key;
        this.step = step;
        this.retention = retention;
    }

    /** The key segment: {@code sec}, {@code min}, {@code hour}. */
    public String key() {
        return key;
    }

    public Duration step() {
        return step;
    }

    public Duration retention() {
        return retention;
    }

    /** Redis TTL of one bucket: retention measured from the bucket's end, plus one step so the window's first bucket is whole. */
    public long ttlSeconds(long bucketStartMs, long nowMs) {
        long expiresAtMs = bucketStartMs + step.toMillis() * 2 + retention.toMillis();
        return Math.max(1, (expiresAtMs - nowMs + 999) / 1000);
    }

    /** The bucket number of an instant: epoch seconds, minutes or hours. */
    public long bucketOf(long epochMs) {
        return Math.floorDiv(epochMs, step.toMillis());
    }

    public long startMs(long bucket) {
        return bucket * step.toMillis();
    }
}
