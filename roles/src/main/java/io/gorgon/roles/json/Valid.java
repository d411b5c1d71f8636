package io.gorgon.roles.json;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.gorgon.bus.HandlerFailure;
import io.gorgon.bus.Message;
import io.gorgon.protocol.InputException;
import java.util.function.Supplier;

/**
 * How every bus handler reads its JSON body and answers 400: bad input is the sender's to fix, a 400 answer, never a
 * retried failure or a 500.
 */
public final class Valid {
    private Valid() {}

    /** The message body as a JSON object; no body reads as {@code {}}, anything but an object is a 400. */
    public static JsonObject body(Message m) {
        JsonElement b = m.body();
        if (b == null || b.isJsonNull()) return new JsonObject();
        if (!b.isJsonObject()) throw new HandlerFailure(400, "body must be a JSON object");
        return b.getAsJsonObject();
    }

    /** A field of a body that must hold a JSON object, such as {@code item} or {@code user}; else a 400. */
    public static JsonObject object(JsonObject body, String field) {
        JsonElement e = body.get(field);
        if (e == null || !e.isJsonObject()) throw new HandlerFailure(400, field + " must be a JSON object");
        return e.getAsJsonObject();
    }

    /** Checks what a user sent: an {@link InputException} becomes a 400 with its one-line message. */
    public static <T> T orBadRequest(Supplier<T> check) {
        try {
            return check.get();
        } catch (InputException e) {
            throw new HandlerFailure(400, e.getMessage());
        }
    }

    /**
     * Reads fields another role wrote, trusting their types: a message of the wrong shape is the sender's bug, answered
     * 400 (and dead-lettered by the sender's failure), not retried.
     */
    public static <T> T wellFormed(Supplier<T> read) {
        try {
            return read.get();
        } catch (InputException | IllegalArgumentException | IllegalStateException | NullPointerException
                 | UnsupportedOperationException | ClassCastException e) {
            throw new HandlerFailure(400, e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }
}
