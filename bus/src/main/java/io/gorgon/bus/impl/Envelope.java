package io.gorgon.bus.impl;

import com.google.gson.JsonElement;
import java.util.Map;

/**
 * What travels on a queue: the message and its routing. Stored as JSON in one stream field.
 *
 * @param v        envelope format version; consumers dead-letter versions they don't know
 * @param id       unique message id
 * @param type     what the body is, e.g. "item.create"; routes work inside a role
 * @param queue    the queue it was sent to
 * @param ts       enqueue time, ms since the epoch (for end-to-end latency)
 * @param replyTo  the requester's reply address, or null for one-way messages
 * @param corr     correlation id matching the reply to its request, or null
 * @param deadline ms since the epoch after which nobody waits for the reply (0 = none); consumers skip expired requests
 * @param headers  principal, trace id and the like
 * @param body     the payload, parsed only when read
 * @param tsMicros microseconds past {@code ts} (0-999; field {@code tu}, omitted when 0 and by older senders): a hop
 *                 of the mesh takes well under a millisecond, so its queue wait needs them
 */
record Envelope(int v, String id, String type, String queue, long ts, String replyTo, String corr,
                       long deadline, Map<String, String> headers, Body body, int tsMicros) {
    static final int VERSION = 1;

    public Envelope {
        headers = headers == null ? Map.of() : Map.copyOf(headers);
        if (tsMicros < 0 || tsMicros > 999) tsMicros = 0; // only ever used for latency figures
    }

    Envelope(int v, String id, String type, String queue, long ts, String replyTo, String corr,
             long deadline, Map<String, String> headers, Body body) {
        this(v, id, type, queue, ts, replyTo, corr, deadline, headers, body, 0);
    }

    Envelope(int v, String id, String type, String queue, long ts, String replyTo, String corr,
             long deadline, Map<String, String> headers, JsonElement body) {
        this(v, id, type, queue, ts, replyTo, corr, deadline, headers, Body.of(body));
    }

    /** The enqueue time in microseconds since the epoch (to the millisecond only from senders without {@code tu}). */
    long sentMicros() {
        return ts * 1000 + tsMicros;
    }

    /** Now, in microseconds since the epoch: the clock {@link #sentMicros} is read against. */
    static long nowMicros() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
    }

    boolean expectsReply() {
        return replyTo != null && corr != null;
    }

    String header(String name) {
        return headers.get(name);
    }
}
