package io.gorgon.bus;

/**
 * Gauges of one queue.
 *
 * @param backlog     entries not yet delivered to the slowest consumer group
 * @param pending     delivered, not yet acknowledged (in flight or awaiting retry/takeover)
 * @param oldestAgeMs age of the oldest undelivered or unacknowledged entry, 0 if none
 * @param consumers   live instances consuming it
 * @param deadLetters entries in its dead-letter queue
 * @param length      entries the stream holds (includes acknowledged ones not yet trimmed)
 * @param paused      an operator paused it: its consumers take no new messages
 * @param node        host:port of the Redis (cluster primary) holding the queue
 */
public record QueueInfo(String name, boolean topic, long backlog, long pending, long oldestAgeMs, int consumers,
                        long deadLetters, long length, boolean paused, String node) {
    public QueueInfo(String name, boolean topic, long backlog, long pending, long oldestAgeMs, int consumers,
                     long deadLetters, long length, boolean paused) {
        this(name, topic, backlog, pending, oldestAgeMs, consumers, deadLetters, length, paused, "");
    }
}
