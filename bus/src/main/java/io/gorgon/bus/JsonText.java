package io.gorgon.bus;

import io.gorgon.bus.impl.JsonSpans;
import java.util.List;

/**
 * JSON text handled as text. As a body to send, publish or request with, it goes into the envelope as it is: never
 * parsed into a tree and written out again (a producer that already holds its items' JSON sends it this way). The
 * static readers pick values out of such text without parsing it, for a handler that needs one field of a large
 * body ({@link Message#bodyJson()}); they answer null for what is not strict JSON, and the caller then parses.
 *
 * @param json one strict JSON value (RFC 8259); checked when made
 */
public record JsonText(String json) {
    public JsonText {
        if (json == null || !JsonSpans.isValue(json)) {
            String shown = json == null ? "null" : json.length() > 80 ? json.substring(0, 80) + "…" : json;
            throw new IllegalArgumentException("not one strict JSON value: " + shown);
        }
    }

    /** The text of the top-level field {@code name} of a JSON object's text (the last if repeated), or null. */
    public static String field(String objectJson, String name) {
        return JsonSpans.field(objectJson, name);
    }

    /** The texts of a JSON array's elements, in order, or null if it is not a strict JSON array. */
    public static List<String> elements(String arrayJson) {
        return JsonSpans.elements(arrayJson);
    }

    @Override
    public String toString() {
        return json;
    }
}
