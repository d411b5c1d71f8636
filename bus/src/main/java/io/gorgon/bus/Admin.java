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

    /**
     * Up to {@code limit} dead letters after the entry {@code after} (null: from the oldest) whose reason or payload
     * contains {@code search} (case-insensitive; null or empty: all). One call reads at most a few thousand entries,
     * so a search over a long stream comes back in pages (follow {@link DeadLetterPage#next()}) and never holds Redis.
     *
     * @throws IllegalArgumentException when {@code after} is not a stream entry id
     */
    DeadLetterPage deadLetters(String queue, String after, int limit, String search);

    /**
     * Moves up to {@code limit} dead letters (those present when called) back onto their queue with a fresh delivery
     * count, a page at a time; returns how many.
     */
    int requeue(String queue, int limit);

    /** Moves one dead letter, named by its {@link DeadLetter#entry()}, back onto its queue; false if it is gone. */
    boolean requeueOne(String queue, String entry);

    /** Deletes the dead letters a queue holds when called, a page at a time; returns how many. */
    long purge(String queue);

    /** Deletes one dead letter, named by its {@link DeadLetter#entry()}; false if it was already gone. */
    boolean deleteOne(String queue, String entry);

    /**
     * Pauses a queue mesh-wide: its consumers, including ones started later, take no new messages (nor retries or
     * takeovers) until {@link #resume}; what they hold in flight finishes. Returns false if it was already paused.
     */
    boolean pause(String queue);

    /** Lets a paused queue's consumers take messages again. Returns false if it was not paused. */
    boolean resume(String queue);

    /** The queues paused now. */
    java.util.Set<String> paused();

    /** Publishes a control command (e.g. "config.reload") to every instance. */
    void broadcast(String command, Object body);
}
