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

    /**
     * {@link #forward(String, String, Map)} only if Redis key {@code guardKey} still holds {@code expected}: the check,
     * the forward and the ack of this message are one atomic step, written at once (not when the handler returns).
     * Returns true when the message is answered (forwarded, or, if no instance consumes {@code queue}, answered
     * NO_CONSUMER as a forward would be); the handler must then return without answering again. Returns false when
     * the key holds something else or nothing: nothing was sent and the handler answers as it sees fit.
     *
     * <p>On Redis Cluster, when the guard key, {@code queue} and this message's queue are not in one slot, the check
     * is a GET followed by a plain forward (sent when the handler returns): a change of the key in between goes
     * unseen by this one message.
     */
    boolean forwardIf(String queue, String type, Map<String, String> extraHeaders, String guardKey, String expected);

    /**
     * Replies with a body Redis builds: {@code lua} is the body of a Lua function of {@code KEYS} and {@code ARGV}
     * (the given keys and args) returning the reply body as JSON text, or as a list of strings whose concatenation is
     * that text (joined once, with the reply's envelope: each Lua concatenation of a large body copies all of it and
     * feeds Lua's collector), or false for "nothing to answer from here".
     * It runs in the same atomic step as the reply's push and this message's ack, written at once. Returns true when
     * the message is answered (the handler must then return), false when the function returned false or the step
     * cannot run as one script (keys in other Cluster slots than this queue and the reply address): nothing was sent
     * and the handler answers the usual way. The function may run even when nothing is sent, so it must only read,
     * or write what is harmless to write again (e.g. refresh a TTL).
     */
    boolean replyFromRedis(String lua, java.util.List<String> keys, java.util.List<String> args);
}
