package io.gorgon.roles.provider;

import io.gorgon.roles.config.GorgonConfig;

/**
 * When a feed is polled next. The seed's "round-robin weighted by how many users follow it": a feed with n
 * followers is polled n times as often as one with a single follower ({@code maxIntervalMs / n}). A feed that
 * publishes often is polled at twice its observed rate (half the average gap between new entries, an exponential
 * average as in commafeed's interval calculator), so a busy feed with one follower is not stale for an hour; a quiet
 * one is not polled faster than its followers warrant. Both within [{@code minIntervalMs}, {@code maxIntervalMs}].
 * A failing feed backs off doubling from {@code minIntervalMs} up to {@code maxBackoffMs}, and never sooner than the
 * server's Retry-After (itself capped at {@code maxBackoffMs}, so a hostile header cannot park a feed forever).
 */
final class FeedPolicy {
    /** Weight of the newest gap in the average. */
    static final double GAP_ALPHA = 0.3;
    private final GorgonConfig.Feeds cfg;

    FeedPolicy(GorgonConfig.Feeds cfg) {
        this.cfg = cfg;
    }

    /** @param gapMs the average gap between new entries, or 0 when not known yet */
    long interval(long followers, long gapMs) {
        long byFollowers = cfg.maxIntervalMs() / Math.max(1, followers);
        long byRate = gapMs > 0 ? gapMs / 2 : Long.MAX_VALUE;
        return Math.max(cfg.minIntervalMs(), Math.min(cfg.maxIntervalMs(), Math.min(byFollowers, byRate)));
    }

    /** @param failures consecutive failures, counting this one (>= 1) */
    long backoff(int failures, Long retryAfterMs) {
        long b = cfg.minIntervalMs() << Math.min(Math.max(0, failures - 1), 30);
        b = Math.min(cfg.maxBackoffMs(), Math.max(b, cfg.minIntervalMs()));
        if (retryAfterMs != null) b = Math.max(b, Math.min(retryAfterMs, cfg.maxBackoffMs()));
        return b;
    }

    /** The average gap after {@code fresh} new entries arrived {@code sinceLastMs} after the previous new ones. */
    static long nextGap(long gapMs, long sinceLastMs, int fresh) {
        if (fresh <= 0 || sinceLastMs <= 0) return gapMs;
        long gap = sinceLastMs / fresh;
        return gapMs <= 0 ? gap : Math.round(GAP_ALPHA * gap + (1 - GAP_ALPHA) * gapMs);
    }
}
