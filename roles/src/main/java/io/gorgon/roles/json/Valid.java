package io.gorgon.roles.json;

import io.gorgon.protocol.InputException;
import io.gorgon.bus.HandlerFailure;
import java.util.function.Supplier;

/** Runs a validation inside a bus handler: bad user input becomes a 400 answer, not a retried failure. */
public final class Valid {
    private Valid() {}

    public static <T> T orBadRequest(Supplier<T> check) {
        try {
            return check.get();
        } catch (InputException e) {
            throw new HandlerFailure(400, e.getMessage());
        }
    }
}
