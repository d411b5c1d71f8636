package io.gorgon.roles.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gorgon.roles.config.GorgonConfig;
import org.junit.jupiter.api.Test;

class FeedPolicyTest {
    static final GorgonConfig.Feeds CFG = new GorgonConfig.Feeds(false, 60_000, 3_600_000, 86_400_000, 10_000, 1 << 20, 5, 500, 64, 30_000);
    final FeedPolicy policy = new FeedPolicy(CFG);

    @Test
    void theIntervalShrinksWithFollowersWithinBounds() {
        assertEquals(3_600_000, policy.interval(1, 0));
        assertEquals(360_000, policy.interval(10, 0), "ten followers: ten times as often");
        assertEquals(60_000, policy.interval(1_000_000, 0), "never below the minimum");
        assertEquals(3_600_000, policy.interval(0, 0));
    }

    @Test
    void aBusyFeedIsPolledAtTwiceItsRateAndAQuietOneNoFasterThanItsFollowersWarrant() {
        assertEquals(300_000, policy.interval(1, 600_000), "an entry every 10 min: poll every 5");
        assertEquals(360_000, policy.interval(10, 86_400_000), "daily entries: the followers' interval");
        assertEquals(60_000, policy.interval(1, 1_000));
    }

    @Test
    void failuresBackOffDoublingAndHonourRetryAfterUpToTheCap() {
        assertEquals(60_000, policy.backoff(1, null));
        assertEquals(120_000, policy.backoff(2, null));
        assertEquals(86_400_000, policy.backoff(40, null));
        assertEquals(7_200_000, policy.backoff(1, 7_200_000L), "Retry-After: 2 h");
        assertEquals(120_000, policy.backoff(2, 5_000L), "a short Retry-After does not shorten the backoff");
        assertEquals(86_400_000, policy.backoff(1, Long.MAX_VALUE), "capped");
    }

    @Test
    void theGapIsAnExponentialAverage() {
        assertEquals(600_000, FeedPolicy.nextGap(0, 600_000, 1));
        assertEquals(150_000, FeedPolicy.nextGap(0, 600_000, 4));
        assertEquals(Math.round(0.3 * 100_000 + 0.7 * 600_000), FeedPolicy.nextGap(600_000, 100_000, 1));
        assertEquals(600_000, FeedPolicy.nextGap(600_000, 100_000, 0));
    }
}
