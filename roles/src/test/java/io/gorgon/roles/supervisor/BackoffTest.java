package io.gorgon.roles.supervisor;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

class BackoffTest {
    @Test
    void doublesFromHalfASecondUpToThirtySeconds() {
        assertEquals(Duration.ofMillis(500), Backoff.delay(1));
        assertEquals(Duration.ofMillis(1000), Backoff.delay(2));
        assertEquals(Duration.ofMillis(16000), Backoff.delay(6));
        assertEquals(Duration.ofSeconds(30), Backoff.delay(7));
        assertEquals(Duration.ofSeconds(30), Backoff.delay(1000));
    }

    @Test
    void aMinuteUpResetsTheCount() {
        assertEquals(4, Backoff.failures(3, Duration.ofSeconds(5)));
        assertEquals(1, Backoff.failures(6, Duration.ofSeconds(60)));
    }
}
