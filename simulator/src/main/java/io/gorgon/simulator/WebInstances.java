package io.gorgon.simulator;

import io.gorgon.bus.Admin;
import io.gorgon.bus.BusOptions;
import io.gorgon.bus.InstanceInfo;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The web instances to spread requests over: a fixed list, or the live "web" instances of the bus registry with
 * their "http" port, refreshed by {@link #refresh()} so instances scaled up mid-run get traffic and dead ones stop
 * getting it. An instance on this host is reached over 127.0.0.1 (its host name may not resolve to where it listens).
 */
final class WebInstances {
    private final Admin admin;
    private final List<URI> fixed;
    private final String localHost = BusOptions.localHost();
    private final AtomicLong turn = new AtomicLong();
    private volatile List<URI> current = List.of();

    WebInstances(Admin admin, List<URI> fixed) {
        this.admin = admin;
        this.fixed = List.copyOf(fixed);
        if (!fixed.isEmpty()) current = this.fixed;
    }

    /** Reads the registry again (no-op for a fixed list); keeps the last list if the registry cannot be read. */
    List<URI> refresh() {
        if (!fixed.isEmpty()) return current;
        try {
            current = discover(admin.instances(), localHost);
        } catch (RuntimeException redisDown) {
            // keep serving the last known instances: web may well be up while Redis restarts
        }
        return current;
    }

    List<URI> current() {
        return current;
    }

    /** The next instance, round robin; null if none is known. */
    URI next() {
        List<URI> c = current;
        if (c.isEmpty()) return null;
        return c.get((int) Math.floorMod(turn.getAndIncrement(), (long) c.size()));
    }

    static List<URI> discover(List<InstanceInfo> instances, String localHost) {
        return discover(instances, "web", localHost);
    }

    /**
     * The live instances of {@code role} that advertise an "http" port. An instance is live in the registry a moment
     * before it advertises the ports it bound, so a caller that needs one waits until this is not empty.
     */
    static List<URI> discover(List<InstanceInfo> instances, String role, String localHost) {
        List<URI> out = new ArrayList<>();
        for (InstanceInfo i : instances) {
            Integer port = i.ports().get("http");
            if (!role.equals(i.role()) || !"live".equals(i.status()) || port == null || port <= 0) continue;
            String host = i.host() == null || i.host().isBlank() || i.host().equals(localHost) ? "127.0.0.1" : i.host();
            out.add(URI.create("http://" + host + ":" + port));
        }
        out.sort(null);
        return List.copyOf(out);
    }
}
