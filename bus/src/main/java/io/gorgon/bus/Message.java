package io.gorgon.bus;

import com.google.gson.JsonElement;
import java.util.Map;

/**
 * A delivered message. A handler answers a request with exactly one of {@link #reply}, {@link #forward} or by
 * throwing {@link HandlerFailure}. The message is acknowledged only after the handler returned and what it sent
 * (reply, forward) is safely in Redis.
 */
public interface Message {
    /** The message's unique id (the same on every delivery of it). */
    String id();

    /** What the body is, e.g. "item.create": routes work inside a role. */
    String type();

    /** When it was sent (ms since the epoch); a forwarded request's is the forward's. */
    long sentAt();

    /** A header (principal, trace id…), or null. */
    String header(String name);

    /** The payload as JSON. */
    JsonElement body();

    /**
     * The payload as the JSON text it travels as, never parsed for this call: what a hop that only passes the body on
     * (or signs it) should read. A body forwarded with {@link #forward(String, String, Map)} arrives at the next hop
     * as this very text.
     */
    String bodyJson();

    /** How many times this message has been delivered, counting this one (1 = first delivery). */
    long deliveries();

    /** The body bound to a class with Gson. */
    <T> T body(Class<T> type);

    /** Answers the requester directly (whoever forwarded it on the way). No-op for one-way messages. */
    void reply(Object body);

    /**
     * {@link #reply} with a body that is JSON text already (e.g. read from a cache), sent as it is, never parsed or
     * re-serialised on the way. The caller guarantees it is valid JSON.
     */
    void replyJson(String json);

    /**
     * Passes the request on to another queue keeping its reply address, so the next handler answers the original
     * requester. Adds or replaces headers; a null value removes one (e.g. a credential the next hop must not see). If no instance consumes {@code queue}, the requester is answered
     * NO_CONSUMER at once.
     */
    void forward(String queue, String type, Object body, Map<String, String> extraHeaders);

    /**
     * {@link #forward} with this message's body as it arrived: a hop that routes on headers alone never parses the
     * body nor re-serialises it.
     */
    void forward(String queue, String type, Map<String, String> extraHeaders);
}
