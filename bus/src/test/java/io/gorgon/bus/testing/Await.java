package io.gorgon.bus.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Polls a condition instead of sleeping a guessed time: tests wait exactly as long as they must, up to a limit. */
public final class Await {
    private Await() {}

    public static void until(Duration limit, String what, BooleanSupplier condition) {
        until(limit, () -> what, condition);
    }

    public static void until(Duration limit, Supplier<String> what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            try {
                if (condition.getAsBoolean()) return;
            } catch (RuntimeException notYet) {
                if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what.get(), notYet);
            }
            if (System.nanoTime() > deadline) throw new AssertionError("timed out after " + limit + " waiting for " + what.get());
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what.get());
            }
        }
    }

    /** Waits a fixed time on purpose, e.g. a quiet period in which a duplicate or a stray redelivery would show up. */
    public static void pause(java.time.Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted");
        }
    }
}
