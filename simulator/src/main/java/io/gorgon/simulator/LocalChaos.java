package io.gorgon.simulator;

import io.gorgon.bus.Bus;
import io.gorgon.bus.BusOptions;
import io.gorgon.bus.InstanceInfo;
import java.util.List;

/**
 * Chaos without a supervisor's help: the registry names each live instance with its pid and host, and an instance on
 * this host is SIGKILLed with {@link ProcessHandle#destroyForcibly()}. Whoever started it must restart it.
 */
final class LocalChaos implements Chaos {
    private final Bus bus;
    private final String localHost = BusOptions.localHost();

    LocalChaos(Bus bus) {
        this.bus = bus;
    }

    @Override
    public List<String> instances() {
        long self = ProcessHandle.current().pid();
        return bus.admin().instances().stream()
                .filter(i -> "live".equals(i.status()) && i.pid() > 0 && i.pid() != self && localHost.equals(i.host()))
                .map(InstanceInfo::id)
                .toList();
    }

    @Override
    public void kill(String name) {
        InstanceInfo target = bus.admin().instances().stream().filter(i -> i.id().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no instance " + name + " in the registry"));
        if (!localHost.equals(target.host())) throw new IllegalStateException(name + " runs on " + target.host() + ", not here");
        ProcessHandle p = ProcessHandle.of(target.pid())
                .orElseThrow(() -> new IllegalStateException(name + " (pid " + target.pid() + ") is not running"));
        if (!p.destroyForcibly()) throw new IllegalStateException("could not kill " + name + " (pid " + target.pid() + ")");
    }

    @Override
    public void restartRedis() {
        throw new UnsupportedOperationException("restarting Redis needs the supervisor (gorgon simulate --chaos --restart-redis)");
    }
}
