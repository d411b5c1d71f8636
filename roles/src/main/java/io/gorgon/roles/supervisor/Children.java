package io.gorgon.roles.supervisor;

import com.google.gson.JsonArray;
import io.gorgon.roles.config.GorgonConfig;
import io.gorgon.roles.infra.Ports;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The role processes of this host: starts the slots the supervisor gives it, restarts crashes after a {@link Backoff},
 * stops (SIGTERM, then SIGKILL after {@link Supervisor#DRAIN}) what it takes away. Used by the supervisor's one
 * thread only, so it needs no locks.
 */
final class Children {
    private static final Logger log = LoggerFactory.getLogger(Children.class);

    private final GorgonConfig config;
    private final Launcher launcher;
    private final Path logsDir;
    private final List<Integer> reservedPorts;
    private final Map<String, Instance> instances = new TreeMap<>();
    private boolean dirty = true;

    Children(GorgonConfig config, Launcher launcher, Path logsDir, List<Integer> infraPorts) {
        this.config = config;
        this.launcher = launcher;
        this.logsDir = logsDir;
        this.reservedPorts = List.copyOf(infraPorts);
    }

    /** True once after anything changed that the status shows. */
    boolean takeDirty() {
        boolean d = dirty;
        dirty = false;
        return d;
    }

    Instance get(String name) {
        return instances.get(name);
    }

    Collection<Instance> all() {
        return instances.values();
    }

    /** Instances not being stopped, by name. */
    List<Instance> active() {
        return instances.values().stream().filter(i -> i.state != Instance.State.STOPPING).toList();
    }

    /** Starts slot {@code name} (e.g. web-2) unless it is here already (or still stopping: next tick). */
    void add(String name) {
        if (instances.containsKey(name)) return;
        String role = MeshState.roleOf(name);
        int index = Integer.parseInt(name.substring(role.length() + 1));
        Instance i = new Instance(role, index, portFor(role), logsDir.resolve(name + ".log"));
        i.nextStartAtMs = 0;
        instances.put(i.name, i);
        dirty = true;
    }

    /**
     * The first instance of a role on this host gets the configured port; others the next free port on this host's
     * address not reserved by the config, the infrastructure or a sibling.
     */
    private int portFor(String role) {
        int base = config.portOf(role);
        if (base <= 0) return base;
        Set<Integer> taken = new HashSet<>(List.of(config.web().port(), config.stats().port(), config.notifier().port()));
        taken.addAll(reservedPorts);
        boolean baseUsed = false;
        for (Instance i : instances.values()) {
            if (i.port > 0) taken.add(i.port);
            if (i.role.equals(role) && i.port == base) baseUsed = true;
        }
        if (!baseUsed) return base;
        String address = role.equals("stats") ? config.stats().host() : config.host().address();
        return Ports.nextFree(address.isEmpty() ? null : address, base, taken);
    }

    /** Notices exits: a stopping instance is done; any other exit is a crash, restarted after a backoff. */
    void reap() {
        long now = System.currentTimeMillis();
        for (Instance i : new ArrayList<>(instances.values())) {
            if (i.state == Instance.State.STOPPING && i.process == null) {
                instances.remove(i.name); // stopped while waiting to restart: nothing to wait for
                dirty = true;
                continue;
            }
            if (i.process == null || i.process.isAlive()) {
                if (i.state == Instance.State.STOPPING && i.process != null && now >= i.stopDeadlineMs) {
                    log.warn("instance did not stop in time, killing name={} pid={}", i.name, i.pid());
                    i.process.destroyForcibly();
                    i.stopDeadlineMs = Long.MAX_VALUE;
                }
                continue;
            }
            i.lastExit = i.process.exitValue();
            long pid = i.process.pid();
            if (i.state == Instance.State.STOPPING) {
                log.info("instance stopped name={} pid={} exit={}", i.name, pid, i.lastExit);
                instances.remove(i.name);
            } else {
                Duration uptime = Duration.ofMillis(now - i.startedAtMs);
                i.failures = Backoff.failures(i.failures, uptime);
                Duration delay = Backoff.delay(i.failures);
                i.restarts++;
                i.state = Instance.State.BACKOFF;
                i.process = null;
                i.nextStartAtMs = now + delay.toMillis();
                log.warn("instance exited name={} pid={} exit={} uptimeMs={} restartInMs={} log={}", i.name, pid,
                        i.lastExit, uptime.toMillis(), delay.toMillis(), i.log);
            }
            dirty = true;
        }
    }

    void startDue() {
        long now = System.currentTimeMillis();
        for (Instance i : instances.values()) {
            if (i.state != Instance.State.BACKOFF || now < i.nextStartAtMs) continue;
            try {
                i.process = launcher.start(i, portKey(i.role));
                i.state = Instance.State.RUNNING;
                i.startedAtMs = now;
                log.info("instance started name={} pid={} port={} log={}", i.name, i.pid(), i.port, i.log);
            } catch (IOException e) {
                i.failures++;
                i.nextStartAtMs = now + Backoff.delay(i.failures).toMillis();
                log.error("instance start failed name={} error={}", i.name, e.getMessage());
            }
            dirty = true;
        }
    }

    private static String portKey(String role) {
        return switch (role) {
            case "web", "stats", "notify" -> role + ".port";
            default -> null;
        };
    }

    void stop(Instance i) {
        i.state = Instance.State.STOPPING;
        i.stopDeadlineMs = System.currentTimeMillis() + Supervisor.DRAIN.toMillis();
        if (i.alive()) {
            log.info("instance stopping name={} pid={}", i.name, i.pid());
            i.process.destroy();
        }
        dirty = true;
    }

    /** Stops every instance and waits for them, up to {@link Supervisor#DRAIN}, then kills what is left. */
    void drainAll() {
        for (Instance i : instances.values()) if (i.state != Instance.State.STOPPING) stop(i);
        long deadline = System.currentTimeMillis() + Supervisor.DRAIN.toMillis();
        for (Instance i : instances.values()) {
            if (i.process == null) continue;
            try {
                long left = Math.max(0, deadline - System.currentTimeMillis());
                if (!i.process.waitFor(left, TimeUnit.MILLISECONDS)) {
                    log.warn("instance did not stop in time, killing name={} pid={}", i.name, i.pid());
                    i.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
                log.info("instance stopped name={} pid={} exit={}", i.name, i.pid(),
                        i.process.isAlive() ? "?" : String.valueOf(i.process.exitValue()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                i.process.destroyForcibly();
            }
        }
        instances.clear();
    }

    JsonArray toJson() {
        JsonArray children = new JsonArray();
        instances.values().forEach(i -> children.add(i.toJson()));
        return children;
    }
}
