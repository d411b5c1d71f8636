package io.gorgon.bus;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * How one message is sent (after Vert.x's {@code DeliveryOptions}): the options of a send or request grouped in one
 * value instead of positional arguments.
 *
 * @param headers principal, trace id and the like; travel with the message and are kept by {@link Message#forward}
 * @param timeout how long the caller waits: for a send, until Redis has the message (it keeps retrying through an
 *                outage until then); for a request, until the reply. Null: the bus's {@link BusOptions#sendTimeout()}
 */
public record DeliveryOptions(Map<String, String> headers, Duration timeout) {
    /** No headers, the bus's default timeout. */
    public static final DeliveryOptions DEFAULT = new DeliveryOptions(Map.of(), null);

    public DeliveryOptions {
        headers = headers == null ? Map.of() : Map.copyOf(headers);
        if (timeout != null && (timeout.isNegative() || timeout.isZero())) throw new IllegalArgumentException("timeout must be positive");
    }

    public DeliveryOptions withTimeout(Duration t) {
        return new DeliveryOptions(headers, t);
    }

    public DeliveryOptions withHeaders(Map<String, String> h) {
        return new DeliveryOptions(h, timeout);
    }

    public DeliveryOptions withHeader(String name, String value) {
        Map<String, String> h = new HashMap<>(headers);
        h.put(name, value);
        return new DeliveryOptions(h, timeout);
    }
}
