package io.gorgon.bus;

/**
 * Thrown by a handler to answer with a deliberate failure (e.g. 404 not found, 403 forbidden): the message is
 * acknowledged, not retried, and a requester gets {@link Failure#HANDLER_FAILED} with this code and text.
 * Any other exception from a handler is treated as transient: the message is retried with backoff and
 * dead-lettered after {@link ConsumerOptions#maxDeliveries()} deliveries.
 */
public class HandlerFailure extends RuntimeException {
    private final int code;

    public HandlerFailure(int code, String text) {
        super(text, null, false, false);
        this.code = code;
    }

    public int code() {
        return code;
    }
}
