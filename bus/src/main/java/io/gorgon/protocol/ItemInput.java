package io.gorgon.protocol;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import java.util.List;

/**
 * The validated, user-supplied part of an item; the server adds id and userid.
 *
 * @param ts       ms epoch if the user gave one, else null (the caller uses now)
 * @param url      null when absent
 * @param location null when absent; a JSON string or an object {lat, lon} (see {@link UserInput#item})
 * @param extras   the user's extra fields, already checked (no {@code $}-prefixed or dotted keys at any depth)
 */
public record ItemInput(String title, String body, String url, Long ts, JsonElement location, List<String> keywords,
                        JsonObject extras) {
    public ItemInput {
        keywords = List.copyOf(keywords);
        extras = extras.deepCopy();
    }
}
