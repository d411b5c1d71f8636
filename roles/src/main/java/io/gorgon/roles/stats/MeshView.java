package io.gorgon.roles.stats;

import com.google.gson.annotations.SerializedName;
import java.util.List;
import java.util.Map;

/**
 * The live state of the mesh that the stats role shows but does not aggregate: queue gauges, instances and dead
 * letters, read on demand (about once a second per open page, and on every /metrics scrape). The stats role
 * implements it with the bus's registry and admin API. Implementations must be thread-safe and may throw when Redis
 * is unreachable; the server then answers 503.
 */
public interface MeshView {

    /** One gauge row per known queue, in display order. */
    List<QueueGauge> queues();

    /** Every registered instance, gone ones included while the registry still remembers them. */
    List<InstanceRow> instances();

    /** Dead letters held per queue (queues with none may be absent). */
    Map<String, Long> deadLetters();

    /**
     * @param length       entries waiting to be delivered
     * @param pending      delivered, not yet acknowledged (in flight)
     * @param oldestAgeMs  age of the oldest waiting or pending entry, 0 when empty
     * @param consumers    consumers in the queue's group
     * @param deadLetters  entries in the queue's dead-letter queue
     * @param topic        a fan-out topic rather than a queue
     * @param paused       an operator paused it mesh-wide
     */
    record QueueGauge(String queue, long length, long pending, long oldestAgeMs, int consumers, long deadLetters,
                      boolean topic, boolean paused) {
        public QueueGauge(String queue, long length, long pending, long oldestAgeMs, int consumers, long deadLetters) {
            this(queue, length, pending, oldestAgeMs, consumers, deadLetters, false, false);
        }
    }

    /**
     * @param ports         listening ports (HTTP roles), empty otherwise
     * @param startedAt     ms epoch
     * @param lastHeartbeat ms epoch
     * @param msgsPerSec    messages this instance handled per second, recently
     */
    record InstanceRow(String role, String id, String host, long pid, List<Integer> ports, long startedAt,
                       long lastHeartbeat, Status status, double msgsPerSec) {
        public InstanceRow {
            ports = ports == null ? List.of() : List.copyOf(ports);
        }
    }

    /** live: heartbeat on time; late: missed a beat or two; gone: its work is being taken over. */
    enum Status {
        @SerializedName("live") LIVE,
        @SerializedName("late") LATE,
        @SerializedName("gone") GONE;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
