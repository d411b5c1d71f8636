package io.gorgon.bus.testing;

import io.gorgon.bus.Bus;
import io.gorgon.bus.BusOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Buses for one test, on their own namespace of a shared real Redis; all closed together. */
public final class TestBuses implements AutoCloseable {
    private final String redisUri;
    private final String namespace = "t" + UUID.randomUUID().toString().substring(0, 8);
    private final List<Bus> buses = new ArrayList<>();

    public TestBuses(String redisUri) {
        this.redisUri = redisUri;
    }

    public String namespace() {
        return namespace;
    }

    public Bus bus(String role) {
        return bus(options(role));
    }

    public BusOptions options(String role) {
        return BusOptions.of(redisUri, role).withNamespace(namespace)
                .withTimings(Duration.ofMillis(250), Duration.ofMillis(1500));
    }

    public synchronized Bus bus(BusOptions options) {
        Bus b = Bus.connect(options);
        buses.add(b);
        return b;
    }

    @Override
    public synchronized void close() {
        for (Bus b : buses) {
            try {
                b.close(Duration.ofSeconds(3));
            } catch (RuntimeException ignored) {
                // best effort
            }
        }
        buses.clear();
    }
}
