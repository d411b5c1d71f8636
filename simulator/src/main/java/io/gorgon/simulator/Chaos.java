package io.gorgon.simulator;

import io.gorgon.bus.Bus;
import java.util.List;

/**
 * The faults a chaos drill injects. The CLI passes one that asks the supervisor (so the kill is a crash the
 * supervisor sees and restarts); {@link #local(Bus)} kills registry pids on this host directly.
 */
public interface Chaos {
    /** Names of role instances that may be killed right now. */
    List<String> instances();

    /** SIGKILLs one instance; throws with a readable message if it cannot. */
    void kill(String name);

    /** Kills and restarts Redis (same port and data); throws UnsupportedOperationException if this chaos cannot. */
    void restartRedis();

    /** Kills live instances of the bus registry by pid, when they run on this host; cannot restart Redis. */
    static Chaos local(Bus bus) {
        return new LocalChaos(bus);
    }
}
