package io.gorgon.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Bad options get one readable line naming the flag; durations read the way people write them. */
class SimOptionsTest {
    @Test
    void durations() {
        assertEquals(Duration.ofSeconds(60), SimulatorOptions.parseDuration("--duration", "60s"));
        assertEquals(Duration.ofSeconds(45), SimulatorOptions.parseDuration("--duration", "45"));
        assertEquals(Duration.ofMillis(500), SimulatorOptions.parseDuration("--kill-every", "500ms"));
        assertEquals(Duration.ofMinutes(2), SimulatorOptions.parseDuration("--duration", "2m"));
        assertEquals(Duration.ofHours(1), SimulatorOptions.parseDuration("--duration", "1h"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SimulatorOptions.parseDuration("--kill-every", "soon"));
        assertEquals("--kill-every expects a duration like 60s, 500ms, 2m or 1h, got 'soon'", e.getMessage());
    }

    @Test
    void invalidCombinationsNameTheFlag() {
        SimulatorOptions d = SimulatorOptions.defaults();
        assertEquals("--users must be >= 1, got 0",
                assertThrows(IllegalArgumentException.class, () -> d.withScale(0, 10)).getMessage());
        assertEquals("--seed-only and --load-only exclude each other",
                assertThrows(IllegalArgumentException.class, () -> d.withPhases(true, true)).getMessage());
        assertEquals("--warmup must be shorter than --duration",
                assertThrows(IllegalArgumentException.class, () -> d.withWarmup(Duration.ofSeconds(60))).getMessage());
        assertEquals("--rate must be >= 0, got -1.0",
                assertThrows(IllegalArgumentException.class, () -> d.withLoad(1, -1, null)).getMessage());
        assertEquals(null, d.withLoad(1, 1, null).duration(), "no duration: until stopped");
    }
}
