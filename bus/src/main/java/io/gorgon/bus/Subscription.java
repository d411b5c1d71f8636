package io.gorgon.bus;

import java.time.Duration;

/** A running consumer. Closing it drains: stop reading, finish and acknowledge what is in flight. */
public interface Subscription extends AutoCloseable {
    String queue();

    /** Stops taking messages and waits up to {@code deadline} for in-flight handlers; returns true if all finished. */
    boolean drain(Duration deadline);

    @Override
    default void close() {
        drain(Duration.ofSeconds(10));
    }
}
