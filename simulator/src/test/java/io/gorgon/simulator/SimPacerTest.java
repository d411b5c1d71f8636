package io.gorgon.simulator;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/** The inserter's pacer holds its rate, and a stall is not paid back with a burst. */
class SimPacerTest {
    @Test
    void holdsTheRate() {
        Pacer p = new Pacer(2000);
        long until = System.nanoTime() + 1_000_000_000L;
        int n = 0;
        while (p.awaitNext(until)) n++;
        assertTrue(n >= 1900 && n <= 2050, "2000/s for 1 s gave " + n);
    }

    @Test
    void aLongStallDoesNotBurst() {
        Pacer p = new Pacer(1000);
        assertTrue(p.awaitNext(Long.MAX_VALUE));
        LockSupport.parkNanos(1_500_000_000L); // the sender was stuck (e.g. Redis restarting)
        long until = System.nanoTime() + 200_000_000L;
        int n = 0;
        while (p.awaitNext(until)) n++;
        assertTrue(n <= 260, "after a stall, 200 ms at 1000/s gave " + n + " (a burst would be ~1700)");
        assertTrue(n >= 150, "200 ms at 1000/s gave only " + n);
    }

    @Test
    void stopsAtTheDeadline() {
        Pacer p = new Pacer(1); // one event per second: the second one is due long after the deadline
        assertTrue(p.awaitNext(Long.MAX_VALUE));
        long t0 = System.nanoTime();
        assertFalse(p.awaitNext(t0 + 50_000_000L));
        assertTrue(System.nanoTime() - t0 < 500_000_000L);
    }
}
