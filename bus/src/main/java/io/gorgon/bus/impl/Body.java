package io.gorgon.bus.impl;

import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonParser;

/**
 * An envelope's body, kept as the JSON text it arrived as and parsed only when a handler reads it. A hop that only
 * routes (auth reads the headers) forwards the text as it is: no tree is built and none re-serialised.
 */
final class Body {
    static final Body NULL = new Body(JsonNull.INSTANCE);

    private final String raw;
    private volatile JsonElement parsed;

    private Body(String raw) {
        this.raw = raw;
    }

    private Body(JsonElement parsed) {
        this.raw = null;
        this.parsed = parsed;
    }

    static Body of(JsonElement json) {
        return json == null || json.isJsonNull() ? NULL : new Body(json);
    }

    /**
     * A body as senders give it: {@link io.gorgon.bus.JsonText} as its text, a tree as it is, anything else bound to a
     * tree by Gson.
     */
    static Body from(Object body) {
        if (body instanceof io.gorgon.bus.JsonText text) return ofRaw(text.json());
        return of(body instanceof JsonElement je ? je : EnvelopeCodec.GSON.toJsonTree(body));
    }

    /** Text the envelope decoder already checked to be one JSON value. */
    static Body ofRaw(String json) {
        return new Body(json);
    }

    JsonElement json() {
        JsonElement j = parsed;
        if (j == null) parsed = j = JsonParser.parseString(raw);
        return j;
    }

    /** The JSON text as received, or null for a body built from a tree (then the writer serialises the tree). */
    String raw() {
        return raw;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Body b && json().equals(b.json());
    }

    @Override
    public int hashCode() {
        return json().hashCode();
    }

    @Override
    public String toString() {
        return raw != null ? raw : String.valueOf(parsed);
    }
}
