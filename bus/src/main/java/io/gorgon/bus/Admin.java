package io.gorgon.bus;

import java.util.List;

/** What an operator sees and does: queues, instances, dead letters. */
public interface Admin {
    /**
     * An admin view without joining the mesh (no registry entry, no heartbeat): for CLI commands and dashboards.
     * Liveness is judged with the mesh's heartbeat and takeover timings.
     */
    static Admin connect(String redisUri, String namespace, java.time.Duration heartbeat, java.time.Duration takeoverAfter) {
        return io.gorgon.bus.impl.Connect.admin(redisUri, namespace, heartbeat, takeoverAfter);
    }

    /** Every queue and topic the mesh has used, with its gauges. */
    List<QueueInfo> queues();

    /** Every registered instance, live or recently gone. */
    List<InstanceInfo> instances();

    /** Up to {@code limit} dead letters of a queue, oldest first. */
    List<DeadLetter> deadLetters(String queue, int limit);

    /** Moves dead letters back onto their queue with a fresh delivery count; returns how many. */
    int requeue(String queue, int limit);

    /** Deletes a queue's dead letters; returns how many. */
    long purge(String queue);

    /** Publishes a control command (e.g. "config.reload") to every instance. */
    void broadcast(String command, Object body);
}
