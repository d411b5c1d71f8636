package io.gorgon.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.gorgon.bus.Bus;
import io.gorgon.bus.InstanceInfo;
import io.gorgon.bus.testing.Await;
import io.gorgon.bus.testing.RedisTestBase;
import java.net.URI;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The load finds web instances in the real bus registry: scaled-up ones join, stopped ones leave. */
class SimWebDiscoveryTest extends RedisTestBase {
    @Test
    void followsLiveWebInstancesInTheRegistry() {
        Bus sim = buses.bus("simulator");
        buses.bus(buses.options("store").withPorts(Map.of("http", 9999))); // not a web instance
        buses.bus(buses.options("web").withPorts(Map.of("http", 18081)));
        Bus web2 = buses.bus(buses.options("web").withPorts(Map.of("http", 18082)));
        WebInstances web = new WebInstances(sim.admin(), List.of());

        assertEquals(List.of(URI.create("http://127.0.0.1:18081"), URI.create("http://127.0.0.1:18082")), web.refresh());
        Set<URI> picked = new HashSet<>();
        for (int i = 0; i < 4; i++) picked.add(web.next());
        assertEquals(2, picked.size(), "round robin over both");

        buses.bus(buses.options("web").withPorts(Map.of("http", 18083))); // scaled up
        assertEquals(3, web.refresh().size());

        web2.close(Duration.ofSeconds(2)); // stopped: deregistered
        Await.until(Duration.ofSeconds(5), "web2 to leave", () -> !web.refresh().contains(URI.create("http://127.0.0.1:18082")));
        assertEquals(2, web.current().size());
    }

    @Test
    void ignoresInstancesThatAreNotLiveOrHaveNoHttpPort() {
        List<InstanceInfo> registry = List.of(
                new InstanceInfo("web-a", "web", "here", 1, Map.of("http", 8080), 0, 0, "live", List.of(), 0, 0),
                new InstanceInfo("web-b", "web", "other-host", 2, Map.of("http", 8080), 0, 0, "live", List.of(), 0, 0),
                new InstanceInfo("web-c", "web", "here", 3, Map.of("http", 8081), 0, 0, "late", List.of(), 0, 0),
                new InstanceInfo("web-d", "web", "here", 4, Map.of(), 0, 0, "live", List.of(), 0, 0));
        assertEquals(List.of(URI.create("http://127.0.0.1:8080"), URI.create("http://other-host:8080")),
                WebInstances.discover(registry, "here"));
    }

    @Test
    void aFixedListOverridesTheRegistry() {
        Bus sim = buses.bus("simulator");
        buses.bus(buses.options("web").withPorts(Map.of("http", 18081)));
        WebInstances web = new WebInstances(sim.admin(), List.of(URI.create("http://10.0.0.9:80")));
        assertEquals(List.of(URI.create("http://10.0.0.9:80")), web.refresh());
        assertNull(new WebInstances(sim.admin(), List.of()).next(), "nothing known before the first refresh");
    }
}
