package io.gorgon.bus;

/** Why a bus operation failed; carried by {@link BusException}. One test each proves the bus reports it. */
public enum Failure {
    /** No reply arrived before the request's deadline. The request may still be processed later. */
    TIMEOUT,
    /** No live instance consumes the queue, so the request was not enqueued at all. */
    NO_CONSUMER,
    /** The responder answered with a failure (its code and text are on the exception). */
    HANDLER_FAILED,
    /** Redis could not be reached within the operation's deadline; nothing is known to have been enqueued. */
    UNAVAILABLE
}
