package io.gorgon.bus;

/**
 * Every Redis key the mesh uses is built here. All keys of one queue share the hash tag {@code {name}}, so a queue
 * lives in one Redis Cluster slot and its Lua scripts (enqueue + consumer check, dead-letter + ack) stay legal there.
 */
public final class Keys {
    private final String ns;

    public Keys(String namespace) {
        this.ns = namespace;
    }

    public String namespace() {
        return ns;
    }

    /** The stream holding a queue's (or topic's) messages. */
    public String stream(String queue) {
        return ns + ":q:{" + queue + "}";
    }

    public String deadLetters(String queue) {
        return ns + ":q:{" + queue + "}:dlq";
    }

    /** Sorted set: consuming instance id → last heartbeat (Redis server ms); answers "is anyone consuming?". */
    public String consumers(String queue) {
        return ns + ":q:{" + queue + "}:consumers";
    }

    /** The list where an instance's replies arrive. */
    public String replies(String instanceId) {
        return ns + ":r:{" + instanceId + "}";
    }

    /** Sorted set: instance id → last heartbeat (Redis server ms). */
    public String instances() {
        return ns + ":instances";
    }

    /** Hash describing one instance. */
    public String instance(String id) {
        return ns + ":instance:" + id;
    }

    /** Set of queue names ever used, for the operator view. */
    public String queues() {
        return ns + ":queues";
    }

    /** Set of topic names ever used. */
    public String topics() {
        return ns + ":topics";
    }

    /** Set of queue names whose consumers take no new messages (operator pause); read by every consumer. */
    public String paused() {
        return ns + ":paused";
    }

    public String controlVersion() {
        return ns + ":control:version";
    }

    public String controlLast() {
        return ns + ":control:last";
    }

    /** Any other key of the mesh: {@code ns:part1:part2…}. Roles build their keys here too. */
    public String key(String... parts) {
        return ns + ":" + String.join(":", parts);
    }

    /** A key in the hash slot of {@code tag}: {@code ns:prefix:{tag}:suffix…}. */
    public String tagged(String prefix, String tag, String... suffix) {
        StringBuilder b = new StringBuilder(ns).append(':').append(prefix).append(":{").append(tag).append('}');
        for (String s : suffix) b.append(':').append(s);
        return b.toString();
    }
}
