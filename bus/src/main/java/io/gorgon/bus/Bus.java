package io.gorgon.bus;

import com.google.gson.JsonElement;
import io.gorgon.bus.impl.Connect;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The messaging verbs every role uses. Queues are durable: a message is in Redis when {@code send} returns and is
 * acknowledged only after a handler finished it; an instance that dies has its pending messages taken over.
 * Failures surface as {@link BusException} carrying a {@link Failure}. A body is a Gson {@code JsonElement}, a
 * {@link JsonText} (sent as the text it holds), or any object Gson can serialise.
 */
public interface Bus extends AutoCloseable {
    /** The topic every instance publishes its per-second metrics snapshot on (see {@link BusMetrics#snapshot}). */
    String METRICS_TOPIC = "metrics";

    /** Connects, registers this instance in the registry and starts its heartbeat and reply listener. */
    static Bus connect(BusOptions options) {
        return Connect.bus(options);
    }

    /** Durable one-way push: returns once Redis has the message; UNAVAILABLE if it cannot within the send timeout. */
    default void send(String queue, String type, Object body) {
        join(sendAsync(queue, type, body, DeliveryOptions.DEFAULT));
    }

    /** The same as {@link #send} without waiting; many in flight are pipelined together. */
    default CompletableFuture<Void> sendAsync(String queue, String type, Object body) {
        return sendAsync(queue, type, body, DeliveryOptions.DEFAULT);
    }

    /** {@link #sendAsync(String, String, Object)} with headers and a timeout of its own. */
    CompletableFuture<Void> sendAsync(String queue, String type, Object body, DeliveryOptions delivery);

    /** A request without headers: the common case. */
    default CompletableFuture<JsonElement> request(String queue, String type, Object body, Duration timeout) {
        return request(queue, type, body, DeliveryOptions.DEFAULT.withTimeout(timeout));
    }

    /**
     * Sends a request and completes with the reply body (JSON); fails with TIMEOUT, NO_CONSUMER (at once, nothing
     * enqueued), HANDLER_FAILED (the responder's code and text) or UNAVAILABLE.
     */
    CompletableFuture<JsonElement> request(String queue, String type, Object body, DeliveryOptions delivery);

    /**
     * {@link #request} completing with the reply body as the JSON text that arrived, not parsed: for a caller that only
     * passes it on (web hands it to its HTTP client as it is).
     */
    CompletableFuture<String> requestJson(String queue, String type, Object body, DeliveryOptions delivery);

    /** Fan-out: every subscribing role receives each message once, shared among that role's instances. */
    CompletableFuture<Void> publish(String topic, String type, Object body);

    /** Consumes a queue as this instance of the options' group (the role by default). */
    Subscription consume(String queue, ConsumerOptions options, Handler handler);

    /** Subscribes this role to a topic: only messages published from now on (for a group new to the topic). */
    Subscription subscribe(String topic, ConsumerOptions options, Handler handler);

    /**
     * Sets the ports this instance advertises in the registry, e.g. {"http": 8080}, once its listeners are up: peers
     * and load generators find instances there, so a port must not be advertised before it accepts connections.
     */
    void advertise(Map<String, Integer> ports);

    /** Runs {@code listener} on every instance when an operator broadcasts {@code command} ({@link Admin#broadcast}). */
    void onControl(String command, java.util.function.Consumer<JsonElement> listener);

    /** Operator view and dead-letter handling. */
    Admin admin();

    /** Counters and latency histograms of this instance. */
    BusMetrics metrics();

    BusOptions options();

    /** Drains every subscription (finish and ack in-flight work) within the deadline, deregisters, disconnects. */
    void close(Duration deadline);

    @Override
    default void close() {
        close(Duration.ofSeconds(10));
    }

    /** Waits for a bus future, unwrapping its BusException. */
    static <T> T join(CompletableFuture<T> f) {
        try {
            return f.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            throw e;
        }
    }
}
