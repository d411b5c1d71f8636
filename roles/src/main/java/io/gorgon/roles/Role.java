package io.gorgon.roles;

import io.gorgon.roles.config.GorgonConfig;
import java.util.Map;

/**
 * One role's wiring, the same skeleton for every role ({@link RoleMain} drives it):
 * <ol>
 *   <li><b>build</b> — the constructor, from a {@link RoleContext}: every client, service and (not yet listening)
 *       server is created here, nothing anywhere else;</li>
 *   <li><b>start</b> — {@link #start()} begins consuming queues (with {@link RoleContext#consumerOptions()}) and
 *       listening on ports;</li>
 *   <li><b>advertise</b> — {@link RoleMain} publishes {@link #ports()}, the ports actually bound (port 0 becomes the
 *       real port), in the registry;</li>
 *   <li><b>drain</b> — on SIGTERM {@link #stop()} stops taking new work, then the bus finishes and acks in-flight
 *       messages;</li>
 *   <li><b>close</b> — {@link #close()} releases what the constructor built.</li>
 * </ol>
 * Bus handlers read their JSON body and answer 400 through {@link io.gorgon.roles.json.Valid}.
 */
public interface Role {
    /** Starts consuming queues and serving ports. A failure here (port taken, store unreachable) ends the process. */
    void start() throws Exception;

    /** The ports this instance listens on once started, by name (e.g. {@code http}); empty for a role without any. */
    default Map<String, Integer> ports() {
        return Map.of();
    }

    /** Stops taking new work: closes listeners and sources. In-flight bus work is drained afterwards. */
    void stop();

    /** Releases resources (database clients, batchers) once the bus has drained: in-flight handlers may use them. */
    default void close() {}

    /** Applies settings re-read from the mesh's config document ({@code gorgon config reload}). */
    default void reload(GorgonConfig config) {}
}
