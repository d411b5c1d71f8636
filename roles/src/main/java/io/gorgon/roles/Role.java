package io.gorgon.roles;

import io.gorgon.roles.config.GorgonConfig;

/**
 * One role's wiring. Every role has the same skeleton: constructed from a {@link RoleContext} (config, bus, Redis),
 * {@link #start()}ed, and on SIGTERM {@link #stop()}ped — it stops taking new work, then {@link RoleMain} drains the
 * bus (finish and ack in-flight messages) and deregisters.
 */
public interface Role {
    /** Starts consuming queues and serving ports. A failure here (port taken, store unreachable) ends the process. */
    void start() throws Exception;

    /** Stops taking new work: closes listeners and sources. In-flight bus work is drained afterwards. */
    void stop();

    /** Releases resources (database clients, batchers) once the bus has drained: in-flight handlers may use them. */
    default void close() {}

    /** Applies settings re-read from the mesh's config document ({@code gorgon config reload}). */
    default void reload(GorgonConfig config) {}
}
