package io.gorgon.bus;

/** A failed bus operation: the {@link Failure} says why; for {@link Failure#HANDLER_FAILED}, code and text are the responder's. */
public class BusException extends RuntimeException {
    private final Failure failure;
    private final int code;

    public BusException(Failure failure, int code, String message) {
        super(message, null, false, false);
        this.failure = failure;
        this.code = code;
    }

    public BusException(Failure failure, String message) {
        this(failure, defaultCode(failure), message);
    }

    public Failure failure() {
        return failure;
    }

    /** An HTTP-like status: the responder's own for HANDLER_FAILED; 504 for TIMEOUT; 503 for NO_CONSUMER and UNAVAILABLE. */
    public int code() {
        return code;
    }

    private static int defaultCode(Failure f) {
        return switch (f) {
            case TIMEOUT -> 504;
            case NO_CONSUMER, UNAVAILABLE -> 503;
            case HANDLER_FAILED -> 500;
        };
    }

    @Override
    public String toString() {
        return "BusException{" + failure + ", code=" + code + ", " + getMessage() + "}";
    }
}
