package io.gorgon.bus;

/** Handles one message. Return normally to acknowledge it; see {@link HandlerFailure} for failure semantics. */
@FunctionalInterface
public interface Handler {
    void handle(Message message) throws Exception;
}
